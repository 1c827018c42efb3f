// Conv2d.swift — 2-D convolution (PyTorch `nn.Conv2d`), as im2col + one GEMM per image.
//
// References: Y. LeCun et al., "Gradient-Based Learning Applied to Document
// Recognition" (1998) for convolutional layers; K. Chellapilla et al. (2006) for
// im2col + GEMM (see ConvGeometry.swift).
//
// For each image n of x [N, Cin, H, W] and weights W [Cout, Cin, k, k] viewed as the
// matrix [Cout, Cin·k·k]:
//
//     y_n = W · cols_n + b          [Cout, Cin·k·k]·[Cin·k·k, Ho·Wo] → [Cout, Ho·Wo]
//
// which is y[n] of shape [Cout, Ho, Wo] in place: the GEMM writes straight into the
// output, on top of the bias that was filled in first (beta = 1). Backward, with
// G_n = ∂L/∂y_n [Cout, Ho·Wo]:
//
//     ∂L/∂W   = Σ_n G_n · cols_nᵀ   [Cout, Ho·Wo]·[Ho·Wo, Cin·k·k]  (accumulated, beta = 1)
//     ∂L/∂b   = Σ_{n, pixels} G
//     ∂L/∂x_n = col2im(Wᵀ · G_n)    [Cin·k·k, Cout]·[Cout, Ho·Wo], folded back to [Cin, H, W]
//
// When the convolution keeps the size (stride 1, padding (k−1)/2) and Cout ≤ Cin,
// ∂L/∂x_n is computed instead as the convolution of G_n with the kernels rotated by
// 180° and the channel axes swapped, W̃ [Cin, Cout·k·k]:
//
//     ∂L/∂x_n = W̃ · im2col(G_n)     [Cin, Cout·k·k]·[Cout·k·k, H·W]
//
// the same multiply–adds, but it unfolds Cout·k·k rows instead of writing and then
// folding Cin·k·k: for the U-Net's 96 → 32 convolution at 28×28 this took the ∂L/∂x
// part from 46 ms to 20 ms per 32 images.
//
// A 1×1 convolution with stride 1 and no padding has cols_n = x_n [Cin, H·W]: it
// skips im2col and col2im entirely.
//
// The fast path: a 3×3 convolution with stride 1 and padding 1 (most of a U-Net's
// work) and at least 8 channels in and out is computed instead by Winograd's
// F(4×4, 3×3) algorithm (WinogradConv.swift), which needs 4× fewer multiplies than
// the GEMM above and gives the same values up to Float rounding; so is its ∂L/∂x,
// the convolution of G with the flipped kernels, and its ∂L/∂W (through the
// gradient of the transformed kernels, see WinogradConv.swift).
// Everything below the fast path is the reference: read it first.
//
// Threads: a large batch is split into one chunk of images per core
// (`concurrentPerform`), each chunk with its own cols buffer and its own partial
// ∂L/∂W (added in chunk order, so results are the same on every run); OpenBLAS itself
// stays on one thread (`BLAS` in Tensors' MatMul.swift). Measured on 2 cores for the U-Net's
// convolutions at batch 64, this was ≈ 1.4× faster than a serial loop over images
// with OpenBLAS threading each GEMM (im2col and col2im then run in parallel too, and
// no GEMM waits for a second thread), and 5× faster than splitting the batch while
// OpenBLAS also ran two threads per GEMM (four busy threads on two cores).

import Tensors

/// A 2-D convolution over `[N, C, H, W]` images (PyTorch `nn.Conv2d`): square kernel,
/// zero padding, cross-correlation (the kernel is not flipped).
///
/// Parameters (PyTorch names and layout): `weight` `[outChannels, inChannels, k, k]`
/// and `bias` `[outChannels]`, both initialised from U(−1/√fan_in, 1/√fan_in) with
/// fan_in = inChannels·k·k, as PyTorch does.
public final class Conv2d: UnaryLayer {
    /// The kernels, `[outChannels, inChannels, kernelSize, kernelSize]`.
    public let weight: Tensor
    /// The per-output-channel bias `[outChannels]`, or `nil` when made with `bias: false`.
    public let bias: Tensor?
    /// Input channels.
    public let inChannels: Int
    /// Output channels.
    public let outChannels: Int
    /// The side k of the square kernel.
    public let kernelSize: Int
    /// The step between kernel positions.
    public let stride: Int
    /// Zeros added on every side of the input.
    public let padding: Int
    /// Training or evaluation mode (a convolution behaves the same in both).
    public var training = true
    /// The Winograd-transformed weights of the last call (see WinogradConv.swift).
    let winogradKernels = WinogradKernelCache()

    /// Makes a convolution with PyTorch's default initialisation.
    /// - Parameters:
    ///   - inChannels: channels C of the input `[N, C, H, W]`.
    ///   - outChannels: channels of the output.
    ///   - kernelSize: side k of the square kernel.
    ///   - stride: step between kernel positions (2 halves the size).
    ///   - padding: zeros added on every side (k/2 keeps the size at stride 1 for odd k).
    ///   - bias: whether to add a learned per-channel bias.
    ///   - rng: the generator the initial weights are drawn from.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, using rng: inout some RandomNumberGenerator) {
        layerCheck(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0,
                   "Conv2d: invalid configuration in \(inChannels)→\(outChannels), kernel \(kernelSize), stride \(stride), padding \(padding)")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        let bound = LayerInit.kaimingBound(fanIn: inChannels * kernelSize * kernelSize)
        self.weight = LayerInit.uniform([outChannels, inChannels, kernelSize, kernelSize], bound: bound, using: &rng)
        self.bias = bias ? LayerInit.uniform([outChannels], bound: bound, using: &rng) : nil
    }

    /// `weight` and, when present, `bias`.
    public var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// Convolves `x` `[N, inChannels, H, W]` → `[N, outChannels, Ho, Wo]` with
    /// Ho = ⌊(H + 2·padding − k)/stride⌋ + 1 (likewise Wo).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, allowWinograd: true,
                       kernelCache: winogradKernels)
        MultiplyAccumulates.add(y.count * inChannels * kernelSize * kernelSize)
        return y
    }
}

/// 2-D convolution of `x` `[N, Cin, H, W]` with `weight` `[Cout, Cin, k, k]` and an
/// optional `bias` `[Cout]` (PyTorch `F.conv2d`): zero padding, cross-correlation.
/// Returns `[N, Cout, Ho, Wo]`, Ho = ⌊(H + 2·padding − k)/stride⌋ + 1.
/// Differentiable with respect to `x`, `weight` and `bias`.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
    conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, allowWinograd: true)
}

/// `conv2d`, with the Winograd fast path switched off when `allowWinograd` is false
/// (the tests compare the two paths), and its transformed kernels kept in
/// `kernelCache` between calls (a `Conv2d` layer keeps one).
func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int, allowWinograd: Bool,
            kernelCache: WinogradKernelCache? = nil) -> Tensor {
    layerCheck(x.rank == 4, "conv2d: input must be [N, C, H, W], got \(x.shape)")
    layerCheck(weight.rank == 4 && weight.shape[2] == weight.shape[3],
               "conv2d: weight must be [Cout, Cin, k, k], got \(weight.shape)")
    layerCheck(x.shape[1] == weight.shape[1],
               "conv2d: input \(x.shape) has \(x.shape[1]) channels but weight \(weight.shape) expects \(weight.shape[1])")
    layerCheck(stride >= 1 && padding >= 0, "conv2d: stride \(stride) must be ≥ 1 and padding \(padding) ≥ 0")
    let (n, cin, cout, k) = (x.shape[0], x.shape[1], weight.shape[0], weight.shape[2])
    if let bias {
        layerCheck(bias.shape == [cout], "conv2d: bias must be [\(cout)], got \(bias.shape)")
    }
    let geo = ConvGeometry(channels: cin, height: x.shape[2], width: x.shape[3],
                           kernel: k, stride: stride, padding: padding)
    layerCheck(x.shape[2] + 2 * padding >= k && x.shape[3] + 2 * padding >= k,
               "conv2d: kernel \(k) is larger than the padded input \(x.shape) (padding \(padding))")
    let (ho, wo) = (geo.outHeight, geo.outWidth)
    let hw = ho * wo, ckk = geo.colRows, imageSize = geo.imageSize
    let outSize = cout * hw                                               // one image of y
    let chunks = Kernels.chunkCount(items: n, workPerItem: cout * ckk * hw)

    // The fast path for 3×3 size-keeping convolutions (WinogradConv.swift): same result
    // up to rounding, 4× fewer multiplies.
    let winograd = allowWinograd && k == 3 && geo.keepsSize && WinogradConv3x3.isWorthwhile(inChannels: cin, outChannels: cout)
        ? WinogradConv3x3(channels: cin, outChannels: cout, height: x.shape[2], width: x.shape[3]) : nil

    // Forward: y_n = W · cols_n + b, written in place into y[n]        [Cout, Ho·Wo]
    let y = makeScalars(n * outSize) { out in
        withScalarPointers(x) { px in
            withScalarPointers(weight) { pw in
                if let winograd {
                    let u = kernelCache?.kernels(for: weight, winograd.transformKernels)
                        ?? winograd.transformKernels(pw)                         // [36, Cout, Cin]
                    var scratch = scratchScalars(chunks * winograd.scratchCount)
                    u.withUnsafeBufferPointer { pu in
                        scratch.withUnsafeMutableBufferPointer { sb in
                            withOptionalPointer(bias) { pb in
                                Kernels.forEachChunk(chunks, items: n) { chunk, images in
                                    winograd.convolve(px, images: images, u: pu.baseAddress!, bias: pb, out: out,
                                                      scratch: sb.baseAddress! + chunk * winograd.scratchCount)
                                }
                            }
                        }
                    }
                    return
                }
                let biasValues = bias?.scalars
                var cols = scratchScalars(geo.isPointwise ? 0 : chunks * ckk * hw)      // written by im2col before use
                cols.withUnsafeMutableBufferPointer { colsBuffer in
                    Kernels.forEachChunk(chunks, items: n) { chunk, images in
                        // This chunk's own [Cin·k·k, Ho·Wo] buffer (none for a pointwise conv).
                        let cols = geo.isPointwise ? nil : colsBuffer.baseAddress! + chunk * ckk * hw
                        for image in images {
                            let xn = px + image * imageSize                // [Cin, H, W]
                            let yn = out + image * outSize                 // [Cout, Ho·Wo]
                            if let biasValues {
                                for co in 0..<cout { (yn + co * hw).update(repeating: biasValues[co], count: hw) }
                            }
                            let beta: Float = biasValues == nil ? 0 : 1
                            if let cols {
                                geo.im2col(xn, cols)
                                sgemm(m: cout, n: hw, k: ckk, a: pw, b: cols, beta: beta, c: yn)
                            } else {
                                sgemm(m: cout, n: hw, k: cin, a: pw, b: xn, beta: beta, c: yn)
                            }
                        }
                    }
                }
            }
        }
    }

    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return Tensor.record(shape: [n, cout, ho, wo], scalars: y, op: "conv2d", inputs: inputs) { g in
        let needX = x.requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false
        // How ∂L/∂x is formed (see the header): a 1×1 conv multiplies by Wᵀ; a
        // size-keeping conv with Cout ≤ Cin convolves G with the flipped kernels; any
        // other forms Wᵀ·G_n and folds it back with col2im.
        // A 3×3 one whose flipped convolution is worth it goes through Winograd.
        let winogradX = needX && allowWinograd && k == 3 && geo.keepsSize
            && WinogradConv3x3.isWorthwhile(inChannels: cout, outChannels: cin)
            ? WinogradConv3x3(channels: cout, outChannels: cin, height: ho, width: wo) : nil
        // ∂L/∂W of such a convolution: by Winograd too, as ∂L/∂U [36, Cout, Cin] per chunk.
        let winogradW = needW && allowWinograd && k == 3 && geo.keepsSize
            && WinogradConv3x3.isWorthwhile(inChannels: cin, outChannels: cout)
            ? WinogradConv3x3(channels: cin, outChannels: cout, height: ho, width: wo) : nil
        let flipped = needX && geo.keepsSize && !geo.isPointwise && (cout <= cin || winogradX != nil)
        let geoG = ConvGeometry(channels: cout, height: ho, width: wo, kernel: k, stride: 1, padding: k - 1 - padding)
        let colsSize = geo.isPointwise ? 0 : Swift.max((needW && winogradW == nil) || (needX && !flipped) ? ckk * hw : 0,
                                                       flipped && winogradX == nil ? geoG.colRows * hw : 0)
        let weightSize = winogradW == nil ? cout * ckk : WinogradConv3x3.positions * cout * cin
        var dw = scratchScalars(needW ? chunks * weightSize : 0)                // per chunk [Cout, Cin·k·k] (or ∂L/∂U), first GEMM has beta 0
        var db = [Float](repeating: 0, count: needB ? chunks * cout : 0)        // per chunk [Cout]
        var cols = scratchScalars(chunks * colsSize)                            // per chunk, written before use
        // W̃[ci, (co, u, v)] = W[co, ci, k−1−u, k−1−v]                         [Cin, Cout·k·k]
        let flippedWeight: [Float] = flipped ? flipKernels(weight.scalars, cout: cout, cin: cin, k: k) : []
        // Winograd's transformed flipped kernels [16, Cin, Cout] and a scratch area per chunk.
        let flippedU = winogradX.map { wg in flippedWeight.withUnsafeBufferPointer { wg.transformKernels($0.baseAddress!) } } ?? []
        let winogradScratchCount = Swift.max(winogradX?.scratchCount ?? 0, winogradW?.scratchCount ?? 0)
        var winogradScratch = scratchScalars(chunks * winogradScratchCount)

        func backwardPass(_ dx: UnsafeMutablePointer<Float>?) {
            withScalarPointers(g) { pg in
                withScalarPointers(x) { px in
                    withScalarPointers(weight) { pw in
                        dw.withUnsafeMutableBufferPointer { dwb in
                            db.withUnsafeMutableBufferPointer { dbb in
                                cols.withUnsafeMutableBufferPointer { colsb in
                                    flippedWeight.withUnsafeBufferPointer { pf in
                                      flippedU.withUnsafeBufferPointer { pu in
                                       winogradScratch.withUnsafeMutableBufferPointer { sb in
                                        Kernels.forEachChunk(chunks, items: n) { chunk, images in
                                            let cols = colsb.baseAddress.map { $0 + chunk * colsSize }
                                            // ∂L/∂x of all this chunk's images at once: G ∗ W̃ by Winograd.
                                            if let winogradX, let dx {
                                                winogradX.convolve(pg, images: images, u: pu.baseAddress!, bias: nil, out: dx,
                                                                   scratch: sb.baseAddress! + chunk * winogradScratchCount)
                                            }
                                            // ∂L/∂U of this chunk's images at once (turned into ∂L/∂W below).
                                            if let winogradW {
                                                winogradW.weightGradient(px, pg, images: images, du: dwb.baseAddress! + chunk * weightSize,
                                                                         accumulate: false, scratch: sb.baseAddress! + chunk * winogradScratchCount)
                                            }
                                            for image in images {
                                                let gn = pg + image * outSize              // G_n [Cout, Ho·Wo]
                                                let xn = px + image * imageSize            // x_n [Cin, H, W]
                                                // ∂L/∂W += G_n · cols_nᵀ                 [Cout, Cin·k·k]
                                                if needW && winogradW == nil {
                                                    let dwc = dwb.baseAddress! + chunk * weightSize
                                                    let beta: Float = image == images.lowerBound ? 0 : 1
                                                    if geo.isPointwise {
                                                        sgemm(transB: true, m: cout, n: cin, k: hw, a: gn, b: xn, beta: beta, c: dwc)
                                                    } else {
                                                        geo.im2col(xn, cols!)
                                                        sgemm(transB: true, m: cout, n: ckk, k: hw, a: gn, b: cols!, beta: beta, c: dwc)
                                                    }
                                                }
                                                // ∂L/∂x_n                                 [Cin, H, W]
                                                if let dx, winogradX == nil {
                                                    let dxn = dx + image * imageSize
                                                    if geo.isPointwise {
                                                        sgemm(transA: true, m: cin, n: hw, k: cout, a: pw, b: gn, c: dxn)   // Wᵀ·G_n
                                                    } else if flipped {
                                                        geoG.im2col(gn, cols!)                                              // [Cout·k·k, H·W]
                                                        sgemm(m: cin, n: hw, k: geoG.colRows, a: pf.baseAddress!, b: cols!, c: dxn)
                                                    } else {
                                                        sgemm(transA: true, m: ckk, n: hw, k: cout, a: pw, b: gn, c: cols!) // Wᵀ·G_n
                                                        dxn.update(repeating: 0, count: imageSize)
                                                        geo.col2im(cols!, dxn)
                                                    }
                                                }
                                                // ∂L/∂b += Σ over pixels of G_n           [Cout]
                                                if needB {
                                                    let dbc = dbb.baseAddress! + chunk * cout
                                                    for co in 0..<cout { dbc[co] += sumOfValues(gn + co * hw, hw) }
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
                }
            }
        }
        var dx: [Float] = []
        if needX { dx = makeScalars(n * imageSize) { backwardPass($0) } } else { backwardPass(nil) }
        return [needX ? Tensor(shape: x.shape, scalars: dx) : nil,
                needW ? Tensor(shape: weight.shape, scalars: winogradW.map { wg in
                    sumOfChunks(dw, chunks: chunks).withUnsafeBufferPointer { wg.kernelGradient($0.baseAddress!) }
                } ?? sumOfChunks(dw, chunks: chunks)) : nil,
                needB ? Tensor(shape: [cout], scalars: sumOfChunks(db, chunks: chunks)) : nil]
    }
}

/// Calls `body` with a pointer to the values of `t`, or with `nil` when there is no `t`.
@inline(__always)
func withOptionalPointer<R>(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let t else { return body(nil) }
    return withScalarPointers(t) { body($0) }
}

/// The kernels of W [Cout, Cin, k, k] rotated by 180° and with the channel axes
/// swapped: W̃[ci, co, u, v] = W[co, ci, k−1−u, k−1−v], as [Cin, Cout·k·k]. Convolving
/// G with W̃ (padding k−1−p) gives ∂L/∂x of a stride-1 convolution.
func flipKernels(_ w: [Float], cout: Int, cin: Int, k: Int) -> [Float] {
    var out = [Float](repeating: 0, count: w.count)
    let kk = k * k
    for co in 0..<cout {
        for ci in 0..<cin {
            for t in 0..<kk { out[(ci * cout + co) * kk + t] = w[(co * cin + ci) * kk + (kk - 1 - t)] }
        }
    }
    return out
}

/// Adds the `chunks` equal consecutive parts of `parts` together, in chunk order.
func sumOfChunks(_ parts: [Float], chunks: Int) -> [Float] {
    if chunks == 1 { return parts }
    let size = parts.count / chunks
    var total = Array(parts[0..<size])
    for c in 1..<chunks {
        for i in 0..<size { total[i] += parts[c * size + i] }
    }
    return total
}
