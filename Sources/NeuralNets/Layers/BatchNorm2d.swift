// BatchNorm2d.swift — batch normalisation of images (PyTorch `nn.BatchNorm2d`), one fused op.
//
// Reference: S. Ioffe, C. Szegedy, "Batch Normalization: Accelerating Deep Network
// Training by Reducing Internal Covariate Shift" (ICML 2015), Algorithms 1 and 2.
//
// Training mode, per channel c over the M = N·H·W values of the batch:
//
//     μ_c = mean(x),  σ²_c = mean((x − μ)²)  (biased),  r = 1/√(σ² + eps)
//     y = γ_c·(x − μ_c)·r + β_c
//     running_mean ← (1 − momentum)·running_mean + momentum·μ_c
//     running_var  ← (1 − momentum)·running_var  + momentum·σ²_c·M/(M − 1)   (unbiased, as PyTorch)
//     num_batches_tracked ← num_batches_tracked + 1
//
// Backward (training), with A_c = Σ G and B_c = Σ G·(x − μ_c) over the batch and pixels:
//
//     ∂L/∂β_c = A_c,   ∂L/∂γ_c = r·B_c,   ∂L/∂x = γ_c·r·(G − A_c/M − (x − μ_c)·r²·B_c/M)
//
// Evaluation mode uses the running statistics instead, which makes the layer a fixed
// per-channel affine map y = x·a_c + b_c with a_c = γ_c/√(running_var + eps):
//
//     ∂L/∂x = a_c·G,   ∂L/∂β_c = A_c,   ∂L/∂γ_c = Σ G·(x − running_mean)/√(running_var + eps)

import Tensors

/// Batch normalisation over `[N, C, H, W]` (PyTorch `nn.BatchNorm2d`): in training
/// mode each channel is normalised with the batch's own mean and variance and the
/// running statistics are updated; in evaluation mode the running statistics are used.
///
/// Parameters: `weight` (γ) `[channels]` = 1 and `bias` (β) `[channels]` = 0.
/// Buffers (saved, not trained): `running_mean` `[channels]` = 0, `running_var`
/// `[channels]` = 1 and `num_batches_tracked` (a scalar; PyTorch stores it as an
/// int64, here it is a Float counter).
public final class BatchNorm2d: UnaryLayer {
    /// Number of channels C.
    public let channels: Int
    /// Added to the variance before the square root, for stability.
    public let eps: Float
    /// Weight of the newest batch in the running statistics.
    public let momentum: Float
    /// The per-channel scale γ `[channels]`.
    public let weight: Tensor
    /// The per-channel shift β `[channels]`.
    public let bias: Tensor
    /// Running mean of the batch means `[channels]` (buffer "running_mean").
    public let runningMean: Tensor
    /// Running mean of the unbiased batch variances `[channels]` (buffer "running_var").
    public let runningVar: Tensor
    /// How many training batches updated the running statistics (buffer "num_batches_tracked", shape `[]`).
    public let numBatchesTracked: Tensor
    /// Training mode (batch statistics, running statistics updated) or evaluation mode
    /// (running statistics used).
    public var training = true

    /// Makes a BatchNorm2d layer.
    /// - Parameters:
    ///   - channels: number of channels C of the input `[N, C, H, W]`.
    ///   - eps: added to the variance (PyTorch's default 1e-5).
    ///   - momentum: weight of each new batch in the running statistics (PyTorch's default 0.1).
    public init(_ channels: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        layerCheck(channels > 0, "BatchNorm2d: channels must be positive, got \(channels)")
        layerCheck(momentum >= 0 && momentum <= 1, "BatchNorm2d: momentum \(momentum) must be in [0, 1]")
        self.channels = channels
        self.eps = eps
        self.momentum = momentum
        self.weight = LayerInit.constant(1, [channels])
        self.bias = LayerInit.constant(0, [channels])
        self.runningMean = Tensor.zeros([channels])
        self.runningVar = Tensor.ones([channels])
        self.numBatchesTracked = Tensor(0)
    }

    /// `weight` and `bias`.
    public var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    /// `running_mean`, `running_var` and `num_batches_tracked`.
    public var ownBuffers: [(name: String, tensor: Tensor)] {
        [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", numBatchesTracked)]
    }

    /// Normalises `x` `[N, channels, H, W]`; the result has the same shape. In training
    /// mode this also updates the running statistics (even inside `withNoGrad`, as PyTorch).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        layerCheck(x.rank == 4 && x.shape[1] == channels, "BatchNorm2d: input \(x.shape) must be [N, \(channels), H, W]")
        let (n, c) = (x.shape[0], channels)
        let plane = x.shape[2] * x.shape[3]
        let m = n * plane                                                  // values per channel
        layerCheck(!training || m > 1, "BatchNorm2d: training needs more than 1 value per channel, got input \(x.shape)")
        let gamma = weight.scalars, beta = bias.scalars
        let training = self.training

        // Per-channel statistics: the batch's (training) or the running ones (eval).
        var means = [Float](repeating: 0, count: c)
        var rstds = [Float](repeating: 0, count: c)
        if training {
            var variances = [Double](repeating: 0, count: c)
            withScalarPointers(x) { px in
                for ch in 0..<c {
                    var s = 0.0
                    for i in 0..<n { s += sumOfValuesDouble(px + (i * c + ch) * plane, plane) }
                    let mean = Float(s / Double(m))
                    var v = 0.0
                    for i in 0..<n { v += sumOfSquaredDeviations(px + (i * c + ch) * plane, plane, mean: mean) }
                    means[ch] = mean
                    variances[ch] = v / Double(m)
                    rstds[ch] = Float(1 / (variances[ch] + Double(eps)).squareRoot())
                }
            }
            let mom = momentum
            runningMean.updateScalars { rm in
                for ch in 0..<c { rm[ch] = (1 - mom) * rm[ch] + mom * means[ch] }
            }
            runningVar.updateScalars { rv in
                for ch in 0..<c { rv[ch] = (1 - mom) * rv[ch] + mom * Float(variances[ch] * Double(m) / Double(m - 1)) }
            }
            numBatchesTracked.updateScalars { $0[0] += 1 }
        } else {
            means = runningMean.scalars
            rstds = runningVar.scalars.map { 1 / ($0 + eps).squareRoot() }
        }

        // y = x·a_c + b_c,  a_c = γ_c·r_c,  b_c = β_c − μ_c·a_c            [N, C, H, W]
        let y = makeScalars(x.count) { out in
            withScalarPointers(x) { px in
                for i in 0..<n {
                    for ch in 0..<c {
                        let a = gamma[ch] * rstds[ch], b = beta[ch] - means[ch] * a
                        let off = (i * c + ch) * plane
                        for j in 0..<plane { out[off + j] = px[off + j] * a + b }
                    }
                }
            }
        }

        return Tensor.record(shape: x.shape, scalars: y, op: "batchNorm2d", inputs: [x, weight, bias]) { g in
            // A_c = Σ G,  B_c = Σ G·(x − μ_c)
            var sumsA = [Double](repeating: 0, count: c), sumsB = [Double](repeating: 0, count: c)
            withScalarPointers(g) { pg in
                withScalarPointers(x) { px in
                    for ch in 0..<c {
                        for i in 0..<n {
                            let off = (i * c + ch) * plane
                            sumsA[ch] += sumOfValuesDouble(pg + off, plane)
                            sumsB[ch] += sumOfProductsWithDeviation(pg + off, px + off, plane, mean: means[ch])
                        }
                    }
                }
            }
            var dx: Tensor? = nil
            if x.requiresGrad {
                // training: ∂L/∂x = G·p_c + x·q_c + o_c with p = γr, q = −γr³B/M, o = γr(r²μB − A)/M
                // eval:     ∂L/∂x = G·γr
                dx = Tensor(shape: x.shape, scalars: makeScalars(x.count) { out in
                    withScalarPointers(g) { pg in
                        withScalarPointers(x) { px in
                            for ch in 0..<c {
                                let r = Double(rstds[ch]), gr = Double(gamma[ch]) * r
                                let p = Float(gr)
                                var q: Float = 0, o: Float = 0
                                if training {
                                    q = Float(-gr * r * r * sumsB[ch] / Double(m))
                                    o = Float(gr * (r * r * Double(means[ch]) * sumsB[ch] - sumsA[ch]) / Double(m))
                                }
                                for i in 0..<n {
                                    let off = (i * c + ch) * plane
                                    for j in 0..<plane { out[off + j] = pg[off + j] * p + px[off + j] * q + o }
                                }
                            }
                        }
                    }
                })
            }
            let dGamma = Tensor(shape: [c], scalars: (0..<c).map { Float(Double(rstds[$0]) * sumsB[$0]) })
            let dBeta = Tensor(shape: [c], scalars: sumsA.map { Float($0) })
            return [dx, dGamma, dBeta]
        }
    }
}
