// ConvTranspose2dTests.swift — the transposed convolution against a naive scatter
// loop, against its definition as the adjoint of Conv2d, and against finite differences.

import Testing
import NeuralNets
import Tensors

/// One transposed-convolution configuration: input [n, cin, h, w] → cout channels.
struct ConvTransposeCase: CustomTestStringConvertible, Sendable {
    let n, cin, cout, h, w, kernel, stride, padding, outputPadding: Int
    var bias = true
    var testDescription: String {
        "[\(n),\(cin),\(h),\(w)]→\(cout) k\(kernel) s\(stride) p\(padding) op\(outputPadding)\(bias ? "" : " no bias")"
    }
}

/// The definition, in Double: every input pixel adds a weighted k×k stamp,
/// y[n, o, i·s − p + u, j·s − p + v] += x[n, c, i, j] · W[c, o, u, v]   (inside the output),
/// plus the bias.
func naiveConvTranspose2d(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?, stride s: Int, padding p: Int,
                          outputPadding op: Int) -> (shape: [Int], values: [Float]) {
    let xs = x.scalars, ws = weight.scalars, bs = bias?.scalars
    let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (cout, k) = (weight.shape[1], weight.shape[2])
    let ho = (h - 1) * s - 2 * p + k + op, wo = (w - 1) * s - 2 * p + k + op
    var y = [Double](repeating: 0, count: n * cout * ho * wo)
    for b in 0..<n {
        for o in 0..<cout {
            for i in 0..<(ho * wo) { y[(b * cout + o) * ho * wo + i] = Double(bs?[o] ?? 0) }
        }
        for c in 0..<cin {
            for i in 0..<h {
                for j in 0..<w {
                    let xv = Double(xs[((b * cin + c) * h + i) * w + j])
                    for o in 0..<cout {
                        for u in 0..<k {
                            for v in 0..<k {
                                let oi = i * s - p + u, oj = j * s - p + v
                                guard oi >= 0, oi < ho, oj >= 0, oj < wo else { continue }
                                y[((b * cout + o) * ho + oi) * wo + oj] += xv * Double(ws[((c * cout + o) * k + u) * k + v])
                            }
                        }
                    }
                }
            }
        }
    }
    return ([n, cout, ho, wo], y.map { Float($0) })
}

@Suite struct ConvTranspose2dTests {
    static let cases: [ConvTransposeCase] = [
        ConvTransposeCase(n: 2, cin: 3, cout: 2, h: 4, w: 5, kernel: 3, stride: 2, padding: 1, outputPadding: 1),  // exact ×2
        ConvTransposeCase(n: 2, cin: 2, cout: 3, h: 3, w: 4, kernel: 4, stride: 2, padding: 1, outputPadding: 0),  // exact ×2
        ConvTransposeCase(n: 2, cin: 3, cout: 2, h: 5, w: 5, kernel: 3, stride: 1, padding: 1, outputPadding: 0),
        ConvTransposeCase(n: 1, cin: 2, cout: 2, h: 3, w: 5, kernel: 2, stride: 2, padding: 0, outputPadding: 0, bias: false),
        ConvTransposeCase(n: 2, cin: 2, cout: 3, h: 4, w: 3, kernel: 3, stride: 3, padding: 0, outputPadding: 2),
        ConvTransposeCase(n: 2, cin: 4, cout: 3, h: 5, w: 6, kernel: 1, stride: 1, padding: 0, outputPadding: 0),
    ]

    static func make(_ c: ConvTransposeCase, seed: UInt64) -> (ConvTranspose2d, Tensor) {
        var rng = SeededGenerator(seed: seed)
        let layer = ConvTranspose2d(c.cin, c.cout, kernelSize: c.kernel, stride: c.stride, padding: c.padding,
                                    outputPadding: c.outputPadding, bias: c.bias, using: &rng)
        return (layer, layerInput([c.n, c.cin, c.h, c.w], seed: seed + 1))
    }

    @Test(arguments: cases)
    func forwardMatchesNaiveScatter(_ c: ConvTransposeCase) {
        let (layer, x) = Self.make(c, seed: 61)
        let (shape, expected) = naiveConvTranspose2d(x, layer.weight, layer.bias, stride: c.stride,
                                                     padding: c.padding, outputPadding: c.outputPadding)
        expectLayerValues(layer(x), shape: shape, expected, tolerance: 1e-5)
    }

    @Test(arguments: cases)
    func gradientsMatchFiniteDifferences(_ c: ConvTransposeCase) {
        let (layer, x) = Self.make(c, seed: 71)
        layerGradCheck([x] + layer.parameters) { layer(x) }
    }

    /// ⟨conv2d(a, W), b⟩ = ⟨a, convTranspose2d(b, W)⟩ for the same W [C, D, k, k]:
    /// the transposed convolution is the adjoint of the convolution (no bias).
    @Test func isTheAdjointOfConv2d() {
        let weight = layerInput([3, 2, 3, 3], seed: 81, requiresGrad: false)          // conv: 2 → 3 channels
        let a = layerInput([2, 2, 7, 7], seed: 84, requiresGrad: false)
        let y = conv2d(a, weight: weight, stride: 2, padding: 1)                     // [2, 3, 4, 4]
        let b = layerInput(y.shape, seed: 85, requiresGrad: false)
        let back = convTranspose2d(b, weight: weight, stride: 2, padding: 1, outputPadding: 0)   // [2, 2, 7, 7]
        #expect(back.shape == a.shape)
        let lhs = zip(y.scalars, b.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let rhs = zip(a.scalars, back.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        // Two Float computations of the same sum of ≈ 2·3·16·18 products: agree to ≈ 1e-6 relative.
        #expect(abs(lhs - rhs) <= 1e-5 * max(abs(lhs), 1))
    }

    /// PyTorch layout [in, out, k, k]; fan_in from the second axis: U(±1/√(out·k·k)).
    @Test func parametersFollowPyTorch() {
        var rng = SeededGenerator(seed: 7)
        let layer = ConvTranspose2d(4, 2, kernelSize: 3, stride: 2, using: &rng)
        #expect(layerParameterShapes(layer) == ["weight [4, 2, 3, 3]", "bias [2]"])
        let bound = 1 / Float(2 * 9).squareRoot()
        #expect(layer.weight.scalars.allSatisfy { abs($0) <= bound })
        #expect(layer.weight.scalars.map(abs).max()! > 0.9 * bound)
        #expect(layer.bias!.scalars.allSatisfy { abs($0) <= bound })
        let x = layerInput([1, 4, 7, 7], seed: 8, requiresGrad: false)
        #expect(layer(x).shape == [1, 2, 15, 15])                                      // (7−1)·2 + 3
    }
}
