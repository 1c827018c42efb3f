// Conv2dTests.swift — Conv2d against a naive 7-loop convolution, its gradients against
// finite differences, its parameters against PyTorch's layout and initialisation, and
// the two-thread batch split against image-by-image results.

import Testing
import NeuralNets
import Tensors

/// One convolution configuration: input [n, cin, h, w] → cout channels.
struct ConvCase: CustomTestStringConvertible, Sendable {
    let n, cin, cout, h, w, kernel, stride, padding: Int
    var bias = true
    var testDescription: String {
        "[\(n),\(cin),\(h),\(w)]→\(cout) k\(kernel) s\(stride) p\(padding)\(bias ? "" : " no bias")"
    }
}

/// The textbook definition, in Double:
/// y[n, o, i, j] = b[o] + Σ_{c, u, v} W[o, c, u, v] · x[n, c, i·s − p + u, j·s − p + v]
/// (terms outside the image are zero padding).
func naiveConv2d(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?, stride s: Int, padding p: Int) -> (shape: [Int], values: [Float]) {
    let xs = x.scalars, ws = weight.scalars, bs = bias?.scalars
    let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (cout, k) = (weight.shape[0], weight.shape[2])
    let ho = (h + 2 * p - k) / s + 1, wo = (w + 2 * p - k) / s + 1
    var y = [Float](repeating: 0, count: n * cout * ho * wo)
    for b in 0..<n {
        for o in 0..<cout {
            for i in 0..<ho {
                for j in 0..<wo {
                    var acc = Double(bs?[o] ?? 0)
                    for c in 0..<cin {
                        for u in 0..<k {
                            for v in 0..<k {
                                let ih = i * s - p + u, iw = j * s - p + v
                                guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                                acc += Double(ws[((o * cin + c) * k + u) * k + v]) * Double(xs[((b * cin + c) * h + ih) * w + iw])
                            }
                        }
                    }
                    y[((b * cout + o) * ho + i) * wo + j] = Float(acc)
                }
            }
        }
    }
    return ([n, cout, ho, wo], y)
}

@Suite struct Conv2dTests {
    static let cases: [ConvCase] = [
        ConvCase(n: 2, cin: 3, cout: 4, h: 5, w: 5, kernel: 3, stride: 1, padding: 1),    // ∂x by col2im (Cout > Cin)
        ConvCase(n: 2, cin: 4, cout: 3, h: 6, w: 5, kernel: 3, stride: 1, padding: 1),    // ∂x by flipped kernels
        ConvCase(n: 2, cin: 3, cout: 3, h: 5, w: 7, kernel: 5, stride: 1, padding: 2, bias: false),
        ConvCase(n: 2, cin: 3, cout: 4, h: 6, w: 7, kernel: 3, stride: 2, padding: 1),    // the U-Net's downsampling
        ConvCase(n: 2, cin: 5, cout: 3, h: 6, w: 7, kernel: 1, stride: 1, padding: 0),    // pointwise: no im2col
        ConvCase(n: 2, cin: 3, cout: 2, h: 7, w: 6, kernel: 3, stride: 2, padding: 0, bias: false),
        ConvCase(n: 1, cin: 2, cout: 3, h: 6, w: 7, kernel: 2, stride: 2, padding: 0),
        ConvCase(n: 2, cin: 2, cout: 3, h: 5, w: 6, kernel: 5, stride: 1, padding: 2),
        ConvCase(n: 2, cin: 3, cout: 2, h: 5, w: 5, kernel: 1, stride: 2, padding: 1),    // 1×1 but strided and padded
        ConvCase(n: 2, cin: 2, cout: 2, h: 7, w: 5, kernel: 3, stride: 3, padding: 2, bias: false),
    ]

    static func make(_ c: ConvCase, seed: UInt64) -> (Conv2d, Tensor) {
        var rng = SeededGenerator(seed: seed)
        let conv = Conv2d(c.cin, c.cout, kernelSize: c.kernel, stride: c.stride, padding: c.padding, bias: c.bias, using: &rng)
        return (conv, layerInput([c.n, c.cin, c.h, c.w], seed: seed + 1))
    }

    @Test(arguments: cases)
    func forwardMatchesNaiveConvolution(_ c: ConvCase) {
        let (conv, x) = Self.make(c, seed: 11)
        let (shape, expected) = naiveConv2d(x, conv.weight, conv.bias, stride: c.stride, padding: c.padding)
        // Float sums of ≤ 75 products of values ≤ 2 in magnitude: error ≪ 1e-5 relative.
        expectLayerValues(conv(x), shape: shape, expected, tolerance: 1e-5)
    }

    @Test(arguments: cases)
    func gradientsMatchFiniteDifferences(_ c: ConvCase) {
        let (conv, x) = Self.make(c, seed: 21)
        layerGradCheck([x] + conv.parameters) { conv(x) }
    }

    /// Only the weight requires a gradient (a frozen input), then only the input.
    @Test func partialGradients() {
        let c = ConvCase(n: 2, cin: 2, cout: 3, h: 5, w: 6, kernel: 3, stride: 2, padding: 1)
        let (conv, x) = Self.make(c, seed: 31)
        let frozen = Tensor(shape: x.shape, scalars: x.scalars)
        layerGradCheck([frozen, conv.weight]) { conv(frozen) }
        let w = conv.weight.detached(), b = conv.bias!.detached()
        layerGradCheck([x, w, b]) { conv2d(x, weight: w, bias: b, stride: 2, padding: 1) }
    }

    @Test func outputSizes() {
        var rng = SeededGenerator(seed: 1)
        let x = layerInput([1, 2, 28, 28], seed: 2, requiresGrad: false)
        let down = Conv2d(2, 4, kernelSize: 3, stride: 2, padding: 1, using: &rng)
        #expect(down(x).shape == [1, 4, 14, 14])
        #expect(Conv2d(2, 5, kernelSize: 1, using: &rng)(x).shape == [1, 5, 28, 28])
        let y = Conv2d(2, 3, kernelSize: 3, stride: 2, padding: 1, using: &rng)(
            layerInput([1, 2, 14, 14], seed: 3, requiresGrad: false))
        #expect(y.shape == [1, 3, 7, 7])
        #expect(Conv2d(2, 3, kernelSize: 3, using: &rng)(x).shape == [1, 3, 26, 26])
    }

    /// PyTorch names and layout; U(−1/√fan_in, 1/√fan_in) for weight and bias.
    @Test func parametersFollowPyTorch() {
        var rng = SeededGenerator(seed: 5)
        let conv = Conv2d(4, 6, kernelSize: 3, using: &rng)
        #expect(layerParameterShapes(conv) == ["weight [6, 4, 3, 3]", "bias [6]"])
        #expect(conv.parameterCount == 6 * 4 * 9 + 6)
        #expect(conv.parameters.allSatisfy { $0.requiresGrad })
        let bound = 1 / Float(4 * 9).squareRoot()
        let w = conv.weight.scalars
        #expect(w.allSatisfy { abs($0) <= bound })
        // The draws fill the interval: with 216 uniform draws, all |w| < 0.9·bound has
        // probability 0.9²¹⁶ ≈ 1e-10 (and the seed is fixed, so the check is deterministic).
        #expect(w.map(abs).max()! > 0.9 * bound)
        #expect(conv.bias!.scalars.allSatisfy { abs($0) <= bound })
        let noBias = Conv2d(4, 6, kernelSize: 1, bias: false, using: &rng)
        #expect(layerParameterShapes(noBias) == ["weight [6, 4, 1, 1]"])
    }

    /// A batch big enough to be split across the cores gives the same values as the
    /// naive loops, and the same gradients as the images convolved one at a time (the
    /// per-chunk partial weight gradients must add up to the whole).
    @Test func batchSplitAcrossThreadsMatchesImageByImage() {
        // 6 images × (8·72·400 multiply–adds) = 1.4·10⁶ > the 2²⁰ threshold for splitting.
        let c = ConvCase(n: 6, cin: 8, cout: 8, h: 20, w: 20, kernel: 3, stride: 1, padding: 1)
        let (conv, x) = Self.make(c, seed: 41)
        let y = conv(x)
        let (shape, expected) = naiveConv2d(x, conv.weight, conv.bias, stride: 1, padding: 1)
        // This 8 → 8 convolution takes the Winograd F(4×4, 3×3) path, whose rounding is
        // ≈ 10× that of a dot product (see WinogradConvTests): 5e-5.
        expectLayerValues(y, shape: shape, expected, tolerance: 5e-5)

        let g = layerInput(y.shape, seed: 42, requiresGrad: false)
        y.backward(g)
        let dW = conv.weight.grad!.scalars, dB = conv.bias!.grad!.scalars, dX = x.grad!.scalars

        var sumW = [Double](repeating: 0, count: dW.count), sumB = [Double](repeating: 0, count: dB.count)
        var dXParts: [Float] = []
        for i in 0..<c.n {
            conv.zeroGrad()
            let xi = Tensor(shape: [1, c.cin, c.h, c.w], scalars: Array(x.scalars[(i * 3200)..<((i + 1) * 3200)]), requiresGrad: true)
            conv(xi).backward(g.slice(axis: 0, i..<(i + 1)))
            for (j, v) in conv.weight.grad!.scalars.enumerated() { sumW[j] += Double(v) }
            for (j, v) in conv.bias!.grad!.scalars.enumerated() { sumB[j] += Double(v) }
            dXParts += xi.grad!.scalars
        }
        // Input gradients: the Winograd path puts a block of images into each GEMM, and
        // SGEMM's rounding of a column may depend on where the column sits in the
        // block: equal up to Float rounding.
        expectLayerValues(Tensor(dX), shape: [dX.count], dXParts, tolerance: 1e-5)
        // Weight and bias gradients are sums over 6·400 pixels in a different grouping:
        // equal up to Float rounding. The weight gradient goes through Winograd, whose
        // rounding is of the size of the (largely cancelling) partial sums, so it is
        // compared as a whole, ‖a − b‖/‖b‖ (≈ 1e-6 measured).
        #expect(relativeError(dW, sumW.map { Float($0) }) < 1e-5)
        expectLayerValues(Tensor(dB), shape: [dB.count], sumB.map { Float($0) }, tolerance: 1e-4)
    }

    @Test func noGradModeRecordsNothing() {
        let (conv, x) = Self.make(ConvCase(n: 1, cin: 2, cout: 2, h: 4, w: 4, kernel: 3, stride: 1, padding: 1), seed: 51)
        let y = withNoGrad { conv(x) }
        #expect(!y.requiresGrad)
        #expect(y.isLeaf)
    }
}
