// WinogradConvTests.swift — the Winograd F(4×4, 3×3) fast path of 3×3 stride-1
// padding-1 convolutions (WinogradConv.swift) against the im2col + GEMM reference
// path and the naive loops, forward and backward, on shapes that exercise its edge
// cases: heights and widths that are not multiples of 4 (tiles that reach past the
// image) nor of the 8-lane vectors, Cin ≠ Cout, batches split across threads and
// blocks of images sharing one GEMM.

import Testing
@testable import NeuralNets
import Tensors

@Suite struct WinogradConvTests {
    /// Shapes that take the Winograd path (both channel counts ≥ 8).
    static let cases: [ConvCase] = [
        ConvCase(n: 3, cin: 8, cout: 12, h: 7, w: 9, kernel: 3, stride: 1, padding: 1),      // odd sizes, Cout > Cin
        ConvCase(n: 2, cin: 16, cout: 8, h: 6, w: 17, kernel: 3, stride: 1, padding: 1),     // Cout < Cin, W = 2·8 + 1
        ConvCase(n: 5, cin: 9, cout: 10, h: 13, w: 5, kernel: 3, stride: 1, padding: 1, bias: false),
        ConvCase(n: 2, cin: 8, cout: 8, h: 1, w: 1, kernel: 3, stride: 1, padding: 1),       // one pixel: only padding around it
        ConvCase(n: 40, cin: 8, cout: 9, h: 7, w: 7, kernel: 3, stride: 1, padding: 1),      // several image blocks per thread
        ConvCase(n: 3, cin: 10, cout: 8, h: 12, w: 28, kernel: 3, stride: 1, padding: 1),    // sizes that are multiples of 4
    ]

    static func make(_ c: ConvCase, seed: UInt64) -> (Conv2d, Tensor) {
        var rng = SeededGenerator(seed: seed)
        let conv = Conv2d(c.cin, c.cout, kernelSize: 3, padding: 1, bias: c.bias, using: &rng)
        return (conv, layerInput([c.n, c.cin, c.h, c.w], seed: seed + 1))
    }

    @Test func theseShapesTakeTheWinogradPath() {
        for c in Self.cases {
            #expect(WinogradConv3x3.isWorthwhile(inChannels: c.cin, outChannels: c.cout))
        }
    }

    /// Forward: Winograd against the naive loops (in Double) and against im2col + GEMM.
    ///
    /// Tolerance 5e-5·(1 + |expected|) per value: F(4×4, 3×3) scales values by up to
    /// 5 and 8 in its transforms before they cancel, so its Float rounding is ≈ 10×
    /// that of a plain dot product: for outputs of order 1 the measured error is up to
    /// ≈ 1.2e-5 (the im2col path stays below 1e-6). A wrong tile, lane or transform
    /// coefficient gives errors of order 0.1–1.
    static let tolerance: Float = 5e-5

    @Test(arguments: cases)
    func forwardMatchesReference(_ c: ConvCase) {
        let (conv, x) = Self.make(c, seed: 61)
        let y = conv(x)
        let (shape, expected) = naiveConv2d(x, conv.weight, conv.bias, stride: 1, padding: 1)
        expectLayerValues(y, shape: shape, expected, tolerance: Self.tolerance)
        let reference = conv2d(x, weight: conv.weight, bias: conv.bias, stride: 1, padding: 1, allowWinograd: false)
        expectLayerValues(y, shape: reference.shape, reference.scalars, tolerance: Self.tolerance)
    }

    /// Backward: every gradient (∂L/∂x by Winograd on the flipped kernels, ∂L/∂W and
    /// ∂L/∂b by im2col) against the im2col path, and against finite differences.
    @Test(arguments: cases)
    func gradientsMatchReference(_ c: ConvCase) {
        let (conv, x) = Self.make(c, seed: 71)
        let g = layerInput([c.n, c.cout, c.h, c.w], seed: 72, requiresGrad: false)
        conv(x).backward(g)
        let fast = [x.grad!] + conv.parameters.map { $0.grad! }
        x.zeroGrad(); conv.zeroGrad()
        conv2d(x, weight: conv.weight, bias: conv.bias, stride: 1, padding: 1, allowWinograd: false).backward(g)
        let reference = [x.grad!] + conv.parameters.map { $0.grad! }
        // ∂L/∂x value by value, like the forward pass. ∂L/∂W and ∂L/∂b as a whole
        // (‖a − b‖/‖b‖, as the PyTorch fixtures are compared): a weight gradient sums
        // N·H·W products that largely cancel, and Winograd's transformed sums of them
        // carry rounding errors of the size of the partial sums, not of the result.
        expectLayerValues(fast[0], shape: reference[0].shape, reference[0].scalars, tolerance: Self.tolerance)
        for (a, b) in zip(fast.dropFirst(), reference.dropFirst()) {
            let error = relativeError(a.scalars, b.scalars)
            #expect(error < 1e-5, "relative error \(error) of a parameter gradient \(b.shape)")   // measured ≤ 1.1e-6
        }
        // Finite differences over every value is slow for the big batch; the smaller
        // shapes cover the same code.
        if c.n * c.cin * c.h * c.w <= 1000 {
            layerGradCheck([x] + conv.parameters) { conv(x) }
        }
    }

    /// A Conv2d layer keeps its transformed kernels between calls; an in-place update
    /// of its weights (as optimizers make) must not be served stale kernels.
    @Test func kernelCacheFollowsWeightUpdates() {
        let (conv, x) = Self.make(Self.cases[0], seed: 91)
        let first = conv(x).scalars
        #expect(conv(x).scalars == first)
        conv.weight.updateScalars { w in for i in 0..<w.count { w[i] *= -0.5 } }
        let updated = conv(x)
        #expect(updated.scalars != first)
        let reference = conv2d(x, weight: conv.weight, bias: conv.bias, stride: 1, padding: 1, allowWinograd: false)
        expectLayerValues(updated, shape: reference.shape, reference.scalars, tolerance: Self.tolerance)
    }

    /// The same inputs give the same bytes on every call (fixed blocks, fixed chunks).
    @Test func deterministic() {
        let (conv, x) = Self.make(Self.cases[4], seed: 81)
        let a = conv(x).scalars, b = conv(x).scalars
        #expect(a == b)
    }
}
