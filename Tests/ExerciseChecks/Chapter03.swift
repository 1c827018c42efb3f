// Chapter 03 checks: the U-Net's pieces.
//
// Run them with `swift test --filter ExerciseChecks.Chapter03`. Truths: hand-worked
// embedding values (with half = 4 the frequencies are exactly 1, 0.1, 0.01, 0.001),
// sizes worked out by hand, and the kit's ResBlock, which itself matches PyTorch's
// to 1e-4 (Tests/NeuralNetsTests), plus special cases that name the missing piece.

import Foundation
import Testing
import DiffusionKit

@Suite("Chapter 03 — the U-Net")
struct Chapter03 {
    // Hint: half = d/2 frequencies fᵢ = exp(−ln(10000)·i/half); the result is
    // [sin(t·f₀) … sin(t·f_{half−1}), cos(t·f₀) … cos(t·f_{half−1})], sines first.
    @Test("3.1 sinusoidal embedding")
    func embedding() async {
        await Grader.grade("3.1") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter03.check31(nonce) }
        }
    }

    // Hint: integer division rounds down, which is exactly the ⌊…⌋ of the formula;
    // a transposed convolution runs the arithmetic of a convolution backwards.
    @Test("3.2 sizes of strided and transposed convolutions")
    func sizes() async {
        await Grader.grade("3.2") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter03.check32(nonce) }
        }
    }

    // Hint: call the block's layers as functions — `block.conv1(block.norm1(x).silu())` —
    // and reshape the [B, Cout] time shift to [B, Cout, 1, 1] so it broadcasts.
    @Test("3.3 ResBlock forward pass")
    func resBlock() async {
        await Grader.grade("3.3") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter03.check33(nonce) }
        }
    }
}

extension Chapter03 {
    static func check31(_ nonce: String) {
        Grader.child("3.1", nonce: nonce) {
            let t: [Float] = [0, 1, 100, 999]
            let got = try Ch03.sinusoidalEmbedding(t: t, dimension: 8)
            // half = 4: fᵢ = 10000^(−i/4) = 10^(−i), worked by hand.
            let f = [1.0, 0.1, 0.01, 0.001]
            var expected: [Double] = []
            for tb in t {
                let args = f.map { Double(tb) * $0 }
                expected += args.map { sin($0) } + args.map { cos($0) }
            }
            Compare.close(got, shape: [4, 8], expected, absolute: 2e-4, "embedding of t = \(t), d = 8") { i in
                let row = i / 8
                let cosFirst = (0..<4).allSatisfy { abs(Double(got.scalars[row * 8 + $0]) - cos(Double(t[row]) * f[$0])) < 1e-3 }
                if cosFirst && row > 0 { return "the cosines come first; put the sines first" }
                if i % 8 == 1 || i % 8 == 5, row > 0 {
                    let fOverD = exp(-log(10000.0) * 1 / 8)
                    if abs(Double(got.scalars[i]) - (i % 8 == 1 ? sin(Double(t[row]) * fOverD) : cos(Double(t[row]) * fOverD))) < 1e-3 {
                        return "the exponent divides by d; it should divide by half = d/2"
                    }
                }
                return nil
            }
        }
    }

    static func check32(_ nonce: String) {
        Grader.child("3.2", nonce: nonce) {
            // (input, kernel, stride, padding) → output, worked by hand.
            let convCases: [(Int, Int, Int, Int, Int)] = [
                (28, 3, 2, 1, 14), (14, 3, 2, 1, 7), (7, 3, 2, 1, 4), (7, 4, 2, 1, 3), (28, 4, 2, 1, 14),
                (28, 3, 1, 1, 28), (5, 1, 1, 0, 5), (9, 3, 3, 0, 3)]
            for (n, k, s, p, expected) in convCases {
                let got = try Ch03.convOutputSize(inputSize: n, kernelSize: k, stride: s, padding: p)
                if got != expected {
                    Grader.fail("wrong value for convOutputSize(inputSize: \(n), kernelSize: \(k), stride: \(s), padding: \(p)): expected \(expected), got \(got)\(got == expected + 1 ? " — round down, not up" : "")")
                    return
                }
            }
            // (input, kernel, stride, padding, outputPadding) → output.
            let transposedCases: [(Int, Int, Int, Int, Int, Int)] = [
                (3, 4, 2, 1, 0, 6), (3, 4, 2, 1, 1, 7), (7, 4, 2, 1, 0, 14), (14, 3, 1, 1, 0, 14), (4, 3, 2, 1, 1, 8)]
            for (n, k, s, p, op, expected) in transposedCases {
                let got = try Ch03.transposedConvOutputSize(inputSize: n, kernelSize: k, stride: s, padding: p, outputPadding: op)
                if got != expected {
                    Grader.fail("wrong value for transposedConvOutputSize(inputSize: \(n), kernelSize: \(k), stride: \(s), padding: \(p), outputPadding: \(op)): expected \(expected), got \(got)")
                    return
                }
            }
        }
    }

    static func check33(_ nonce: String) {
        Grader.child("3.3", nonce: nonce) {
            var rng = SeededGenerator(seed: 33)
            for (cin, cout) in [(8, 16), (8, 8)] {
                let block = ResBlock(cin, cout, timeDimension: 5, groups: 4, using: &rng)
                let x = Tensor.randn([2, cin, 6, 6], using: &rng)
                let emb = Tensor.randn([2, 5], using: &rng)
                let expected = block(x, emb)                  // the kit's block, checked against PyTorch
                let got = try Ch03.resBlockForward(x: x, timeEmbedding: emb, block: block)
                let ok = Compare.close(got, shape: [2, cout, 6, 6], expected.scalars.map(Double.init), absolute: 1e-4,
                                       relative: 1e-4, "ResBlock(\(cin) → \(cout)) output") { i in
                    let residual = (block.skip.map { $0(x) } ?? x).scalars[i]
                    if abs(Double(got.scalars[i]) - Double(expected.scalars[i] - residual)) < 1e-4 {
                        return "the residual path is missing: add skip(x) (or x itself when skip is nil)"
                    }
                    return nil
                }
                if !ok { return }
                // The time embedding must matter: another embedding gives another output.
                let other = try Ch03.resBlockForward(x: x, timeEmbedding: emb * 3 + 1, block: block)
                if other.scalars == got.scalars {
                    Grader.fail("wrong value: the output does not change with the time embedding — add temb(silu(timeEmbedding)) as a per-channel shift")
                    return
                }
            }
        }
    }
}
