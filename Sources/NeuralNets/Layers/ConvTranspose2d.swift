// ConvTranspose2d.swift — transposed convolution (PyTorch `nn.ConvTranspose2d`),
// the adjoint of Conv2d: each input pixel scatters a k×k stamp of its weights.
//
// Reference: V. Dumoulin, F. Visin, "A guide to convolution arithmetic for deep
// learning" (2016), §4 — a transposed convolution is the backward pass of a
// convolution with respect to its input.
//
// For x [N, Cin, H, W] and weights W [Cin, Cout, k, k] viewed as [Cin, Cout·k·k],
// the output has Ho = (H − 1)·s − 2p + k + outputPadding rows (likewise Wo), and
//
//     cols_n = Wᵀ · x_n             [Cout·k·k, Cin]·[Cin, H·W] → [Cout·k·k, H·W]
//     y_n    = col2im(cols_n) + b   folded onto [Cout, Ho, Wo]
//
// where col2im uses the geometry of a convolution of a [Cout, Ho, Wo] image with
// kernel k, stride s, padding p — whose output is exactly H×W. Backward, with
// G_n = ∂L/∂y_n [Cout, Ho, Wo]:
//
//     C_n    = im2col(G_n)          [Cout·k·k, H·W]
//     ∂L/∂x_n = W · C_n             [Cin, Cout·k·k]·[Cout·k·k, H·W] → [Cin, H·W]
//     ∂L/∂W  = Σ_n x_n · C_nᵀ       [Cin, H·W]·[H·W, Cout·k·k]   (accumulated, beta = 1)
//     ∂L/∂b  = Σ_{n, pixels} G

import Tensors

/// A 2-D transposed convolution over `[N, C, H, W]` images (PyTorch
/// `nn.ConvTranspose2d`): it upsamples by `stride`, each input pixel adding a
/// weighted k×k stamp to the output.
///
/// Parameters (PyTorch names and layout): `weight` `[inChannels, outChannels, k, k]`
/// and `bias` `[outChannels]`. PyTorch computes fan_in of this weight from its second
/// axis, so both are drawn from U(−1/√(outChannels·k·k), 1/√(outChannels·k·k)).
public final class ConvTranspose2d: UnaryLayer {
    /// The kernels, `[inChannels, outChannels, kernelSize, kernelSize]`.
    public let weight: Tensor
    /// The per-output-channel bias `[outChannels]`, or `nil` when made with `bias: false`.
    public let bias: Tensor?
    /// Input channels.
    public let inChannels: Int
    /// Output channels.
    public let outChannels: Int
    /// The side k of the square kernel.
    public let kernelSize: Int
    /// The upsampling factor: input pixels land `stride` output pixels apart.
    public let stride: Int
    /// Rows and columns cropped from every side of the full output.
    public let padding: Int
    /// Extra rows and columns added at the bottom and right (0 ≤ outputPadding < stride),
    /// to pick among the output sizes that a strided convolution maps to the same size.
    public let outputPadding: Int
    /// Training or evaluation mode (no difference for this layer).
    public var training = true

    /// Makes a transposed convolution with PyTorch's default initialisation.
    /// - Parameters:
    ///   - inChannels: channels of the input `[N, inChannels, H, W]`.
    ///   - outChannels: channels of the output.
    ///   - kernelSize: side k of the square kernel.
    ///   - stride: upsampling factor.
    ///   - padding: rows/columns cropped from each side of the full output.
    ///   - outputPadding: extra rows/columns at the bottom and right (< stride).
    ///   - bias: whether to add a learned per-channel bias.
    ///   - rng: the generator the initial weights are drawn from.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, bias: Bool = true, using rng: inout some RandomNumberGenerator) {
        layerCheck(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0,
                   "ConvTranspose2d: invalid configuration \(inChannels)→\(outChannels), kernel \(kernelSize), stride \(stride), padding \(padding)")
        layerCheck(outputPadding >= 0 && outputPadding < stride,
                   "ConvTranspose2d: outputPadding \(outputPadding) must be in 0..<stride (\(stride))")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        let bound = LayerInit.kaimingBound(fanIn: outChannels * kernelSize * kernelSize)
        self.weight = LayerInit.uniform([inChannels, outChannels, kernelSize, kernelSize], bound: bound, using: &rng)
        self.bias = bias ? LayerInit.uniform([outChannels], bound: bound, using: &rng) : nil
    }

    /// `weight` and, when present, `bias`.
    public var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// Maps `x` `[N, inChannels, H, W]` → `[N, outChannels, Ho, Wo]` with
    /// Ho = (H − 1)·stride − 2·padding + kernelSize + outputPadding (likewise Wo).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding)
    }
}

/// 2-D transposed convolution of `x` `[N, Cin, H, W]` with `weight` `[Cin, Cout, k, k]`
/// and an optional `bias` `[Cout]` (PyTorch `F.conv_transpose2d`). Returns
/// `[N, Cout, Ho, Wo]`, Ho = (H − 1)·stride − 2·padding + k + outputPadding.
/// Differentiable with respect to `x`, `weight` and `bias`.
public func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                            outputPadding: Int = 0) -> Tensor {
    layerCheck(x.rank == 4, "convTranspose2d: input must be [N, C, H, W], got \(x.shape)")
    layerCheck(weight.rank == 4 && weight.shape[2] == weight.shape[3],
               "convTranspose2d: weight must be [Cin, Cout, k, k], got \(weight.shape)")
    layerCheck(x.shape[1] == weight.shape[0],
               "convTranspose2d: input \(x.shape) has \(x.shape[1]) channels but weight \(weight.shape) expects \(weight.shape[0])")
    layerCheck(stride >= 1 && padding >= 0 && outputPadding >= 0 && outputPadding < stride,
               "convTranspose2d: need stride ≥ 1, padding ≥ 0 and 0 ≤ outputPadding < stride; got \(stride), \(padding), \(outputPadding)")
    let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (cout, k) = (weight.shape[1], weight.shape[2])
    if let bias {
        layerCheck(bias.shape == [cout], "convTranspose2d: bias must be [\(cout)], got \(bias.shape)")
    }
    let ho = (h - 1) * stride - 2 * padding + k + outputPadding
    let wo = (w - 1) * stride - 2 * padding + k + outputPadding
    layerCheck(ho >= 1 && wo >= 1, "convTranspose2d: padding \(padding) leaves no output for input \(x.shape), kernel \(k)")
    // The convolution whose input-gradient this is: a [Cout, Ho, Wo] image, output H×W.
    let geo = ConvGeometry(channels: cout, height: ho, width: wo, kernel: k, stride: stride, padding: padding)
    assert(geo.outHeight == h && geo.outWidth == w, "convTranspose2d: geometry mismatch")
    let hw = h * w, ckk = geo.colRows                                  // ckk = Cout·k·k
    let inSize = cin * hw, outSize = geo.imageSize                     // one image of x, of y
    let chunks = Kernels.chunkCount(items: n, workPerItem: cin * ckk * hw)

    // Forward: y_n = col2im(Wᵀ · x_n) + b                               [Cout, Ho, Wo]
    let y = makeScalars(n * outSize) { out in
        withScalarPointers(x) { px in
            withScalarPointers(weight) { pw in
                let biasValues = bias?.scalars
                var cols = scratchScalars(chunks * ckk * hw)          // written by the GEMM before use
                cols.withUnsafeMutableBufferPointer { colsBuffer in
                    Kernels.forEachChunk(chunks, items: n) { chunk, images in
                        let cols = colsBuffer.baseAddress! + chunk * ckk * hw    // this chunk's [Cout·k·k, H·W]
                        let plane = ho * wo
                        for image in images {
                            let yn = out + image * outSize                        // [Cout, Ho, Wo]
                            if let biasValues {
                                for co in 0..<cout { (yn + co * plane).update(repeating: biasValues[co], count: plane) }
                            } else {
                                yn.update(repeating: 0, count: outSize)
                            }
                            sgemm(transA: true, m: ckk, n: hw, k: cin, a: pw, b: px + image * inSize, c: cols)
                            geo.col2im(cols, yn)
                        }
                    }
                }
            }
        }
    }

    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return Tensor.record(shape: [n, cout, ho, wo], scalars: y, op: "convTranspose2d", inputs: inputs) { g in
        let needX = x.requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false
        let weightSize = cin * ckk
        var dx = scratchScalars(needX ? n * inSize : 0)                         // [N, Cin, H, W], one GEMM per image
        var dw = scratchScalars(needW ? chunks * weightSize : 0)                // per chunk [Cin, Cout·k·k], first GEMM has beta 0
        var db = [Float](repeating: 0, count: needB ? chunks * cout : 0)        // per chunk [Cout]
        let useCols = needX || needW
        var cols = scratchScalars(useCols ? chunks * ckk * hw : 0)              // written by im2col before use
        withScalarPointers(g) { pg in
            withScalarPointers(x) { px in
                withScalarPointers(weight) { pw in
                    dx.withUnsafeMutableBufferPointer { dxb in
                        dw.withUnsafeMutableBufferPointer { dwb in
                            db.withUnsafeMutableBufferPointer { dbb in
                                cols.withUnsafeMutableBufferPointer { colsb in
                                    Kernels.forEachChunk(chunks, items: n) { chunk, images in
                                        let plane = ho * wo
                                        for image in images {
                                            let gn = pg + image * outSize               // G_n [Cout, Ho, Wo]
                                            if useCols {
                                                let cols = colsb.baseAddress! + chunk * ckk * hw
                                                geo.im2col(gn, cols)                    // C_n [Cout·k·k, H·W]
                                                // ∂L/∂x_n = W · C_n                    [Cin, H·W]
                                                if needX {
                                                    sgemm(m: cin, n: hw, k: ckk, a: pw, b: cols,
                                                          c: dxb.baseAddress! + image * inSize)
                                                }
                                                // ∂L/∂W += x_n · C_nᵀ                  [Cin, Cout·k·k]
                                                if needW {
                                                    sgemm(transB: true, m: cin, n: ckk, k: hw, a: px + image * inSize, b: cols,
                                                          beta: image == images.lowerBound ? 0 : 1,
                                                          c: dwb.baseAddress! + chunk * weightSize)
                                                }
                                            }
                                            // ∂L/∂b += Σ over pixels of G_n             [Cout]
                                            if needB {
                                                let dbc = dbb.baseAddress! + chunk * cout
                                                for co in 0..<cout { dbc[co] += sumOfValues(gn + co * plane, plane) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return [needX ? Tensor(shape: x.shape, scalars: dx) : nil,
                needW ? Tensor(shape: weight.shape, scalars: sumOfChunks(dw, chunks: chunks)) : nil,
                needB ? Tensor(shape: [cout], scalars: sumOfChunks(db, chunks: chunks)) : nil]
    }
}
