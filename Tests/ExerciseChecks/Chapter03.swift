// Chapter 03 checks: the U-Net's pieces.
//
// Run them with `swift test --filter ExerciseChecks.Chapter03`. Truths: hand-worked
// embedding values (with half = 4 the frequencies are exactly 1, 0.1, 0.01, 0.001),
// sizes worked out by hand, and the kit's ResBlock, which itself matches PyTorch's
// to 1e-4 (Tests/NeuralNetsTests), plus special cases that name the missing piece.
// Where a wrong answer equals what a known mistake gives, the message names it.

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
            /// The embedding of every t with frequencies `g` (sines then cosines, or `layout`).
            func embedding(_ g: [Double], _ layout: (_ sines: [Double], _ cosines: [Double]) -> [Double] = { $0 + $1 }) -> [Double] {
                t.flatMap { tb in
                    let args = g.map { Double(tb) * $0 }
                    return layout(args.map { sin($0) }, args.map { cos($0) })
                }
            }
            func frequencies(_ exponent: (Double) -> Double) -> [Double] { (0..<4).map { exp(exponent(Double($0))) } }
            let mistakes = [
                Mistake("sin and cos are swapped: the sines come first, [sin(t·f₀) … sin(t·f₃), cos(t·f₀) … cos(t·f₃)]",
                        embedding(f) { $1 + $0 }),
                Mistake("this interleaves sin and cos ([sin(t·f₀), cos(t·f₀), sin(t·f₁), …]): put all the sines first, then all the cosines",
                        embedding(f) { s, c in zip(s, c).flatMap { [$0, $1] } }),
                Mistake("the second half is the cosines: [sin(t·f), cos(t·f)], not sin twice", embedding(f) { s, _ in s + s }),
                Mistake("the exponent divides by d; it should divide by half = d/2: fᵢ = exp(−ln(10000)·i/half)",
                        embedding(frequencies { -log(10000) * $0 / 8 })),
                Mistake("the exponent divides by half − 1 (that makes the last frequency exactly 1/10000); it divides by half = d/2: fᵢ = exp(−ln(10000)·i/half)",
                        embedding(frequencies { -log(10000) * $0 / 3 })),
                Mistake("that uses log₁₀(10000) = 4; the exponent uses the natural log, ln(10000) ≈ 9.21",
                        embedding(frequencies { -4 * $0 / 4 })),
                Mistake("the exponent's sign: fᵢ = exp(−ln(10000)·i/half) falls from 1 to about 1/10000",
                        embedding(frequencies { log(10000) * $0 / 4 })),
            ]
            Compare.close(got, shape: [4, 8], expected, absolute: 2e-4, "embedding of t = \(t), d = 8", mistakes: mistakes)
        }
    }

    static func check32(_ nonce: String) {
        Grader.child("3.2", nonce: nonce) {
            // (input, kernel, stride, padding) → output, worked by hand. (7, 3, 3, 0) has
            // 4/3 = 1.33…, where rounding to the nearest and rounding up differ.
            let convCases: [(Int, Int, Int, Int, Int)] = [
                (28, 3, 2, 1, 14), (14, 3, 2, 1, 7), (7, 3, 2, 1, 4), (7, 4, 2, 1, 3), (28, 4, 2, 1, 14),
                (28, 3, 1, 1, 28), (5, 1, 1, 0, 5), (9, 3, 3, 0, 3), (7, 3, 3, 0, 2)]
            var convGot: [Int] = []
            for (n, k, s, p, _) in convCases {
                convGot.append(try Ch03.convOutputSize(inputSize: n, kernelSize: k, stride: s, padding: p))
            }
            // Each mistake by its formula (every case has n + 2p − k ≥ 0).
            let convMistakes: [(String, (Int, Int, Int, Int) -> Int)] = [
                ("⌊…⌋ rounds down (integer division does it); this rounds up", { n, k, s, p in (n + 2 * p - k + s - 1) / s + 1 }),
                ("⌊…⌋ rounds down (integer division does it); this rounds to the nearest",
                 { n, k, s, p in Int((Double(n + 2 * p - k) / Double(s)).rounded()) + 1 }),
                ("the + 1 is missing: ⌊(input + 2·padding − kernel)/stride⌋ + 1", { n, k, s, p in (n + 2 * p - k) / s }),
                ("padding is added on both sides: input + 2·padding, not + padding", { n, k, s, p in (n + p - k) / s + 1 }),
                ("the padding is missing: ⌊(input + 2·padding − kernel)/stride⌋ + 1", { n, k, s, _ in (n - k) / s + 1 }),
                ("the + 1 belongs outside the division: ⌊(input + 2·padding − kernel)/stride⌋ + 1",
                 { n, k, s, p in (n + 2 * p - k + 1) / s }),
            ]
            for (index, (n, k, s, p, expected)) in convCases.enumerated() where convGot[index] != expected {
                let named = convMistakes.first { _, formula in
                    let wrong = convCases.map { formula($0.0, $0.1, $0.2, $0.3) }
                    return wrong == convGot && wrong != convCases.map { $0.4 }
                }
                Grader.fail("wrong value for convOutputSize(inputSize: \(n), kernelSize: \(k), stride: \(s), padding: \(p)): expected \(expected), got \(convGot[index])\(named.map { " — \($0.0)" } ?? "")",
                            hint: named?.0)
                return
            }
            // (input, kernel, stride, padding, outputPadding) → output.
            let transposedCases: [(Int, Int, Int, Int, Int, Int)] = [
                (3, 4, 2, 1, 0, 6), (3, 4, 2, 1, 1, 7), (7, 4, 2, 1, 0, 14), (14, 3, 1, 1, 0, 14), (4, 3, 2, 1, 1, 8)]
            var transposedGot: [Int] = []
            for (n, k, s, p, op, _) in transposedCases {
                transposedGot.append(try Ch03.transposedConvOutputSize(inputSize: n, kernelSize: k, stride: s, padding: p, outputPadding: op))
            }
            let transposedMistakes: [(String, (Int, Int, Int, Int, Int) -> Int)] = [
                ("the output padding is missing: (input − 1)·stride − 2·padding + kernel + outputPadding",
                 { n, k, s, p, _ in (n - 1) * s - 2 * p + k }),
                ("that is input·stride; it is (input − 1)·stride − 2·padding + kernel + outputPadding",
                 { n, k, s, p, op in n * s - 2 * p + k + op }),
                ("padding is subtracted: (input − 1)·stride − 2·padding + kernel + outputPadding",
                 { n, k, s, p, op in (n - 1) * s + 2 * p + k + op }),
                ("padding is removed on both sides: − 2·padding, not − padding", { n, k, s, p, op in (n - 1) * s - p + k + op }),
                ("the padding is missing: (input − 1)·stride − 2·padding + kernel + outputPadding",
                 { n, k, s, _, op in (n - 1) * s + k + op }),
            ]
            for (index, (n, k, s, p, op, expected)) in transposedCases.enumerated() where transposedGot[index] != expected {
                let named = transposedMistakes.first { _, formula in
                    let wrong = transposedCases.map { formula($0.0, $0.1, $0.2, $0.3, $0.4) }
                    return wrong == transposedGot && wrong != transposedCases.map { $0.5 }
                }
                Grader.fail("wrong value for transposedConvOutputSize(inputSize: \(n), kernelSize: \(k), stride: \(s), padding: \(p), outputPadding: \(op)): expected \(expected), got \(transposedGot[index])\(named.map { " — \($0.0)" } ?? "")",
                            hint: named?.0)
                return
            }
        }
    }

    /// Where a ResBlock adds its time shift (right: after conv1).
    enum TimeShift { case afterConv1, afterConv2, missing }

    static func check33(_ nonce: String) {
        Grader.child("3.3", nonce: nonce) {
            var rng = SeededGenerator(seed: 33)
            for (cin, cout) in [(8, 16), (8, 8)] {
                let block = ResBlock(cin, cout, timeDimension: 5, groups: 4, using: &rng)
                let x = Tensor.randn([2, cin, 6, 6], using: &rng)
                let emb = Tensor.randn([2, 5], using: &rng)
                let expected = block(x, emb)                  // the kit's block, checked against PyTorch
                let got = try Ch03.resBlockForward(x: x, timeEmbedding: emb, block: block)
                // The same recipe with one known mistake, from the block's own layers.
                func recipe(firstSiLU: Bool = true, secondSiLU: Bool = true, timeSiLU: Bool = true,
                            shift: TimeShift = .afterConv1, residual: Bool = true) -> [Double] {
                    var h = block.conv1(firstSiLU ? block.norm1(x).silu() : block.norm1(x))      // [B, Cout, H, W]
                    let s = block.temb(timeSiLU ? emb.silu() : emb).reshaped([2, cout, 1, 1])     // [B, Cout, 1, 1]
                    if shift == .afterConv1 { h = h + s }
                    h = block.conv2(secondSiLU ? block.norm2(h).silu() : block.norm2(h))
                    if shift == .afterConv2 { h = h + s }
                    if residual { h = h + (block.skip.map { $0(x) } ?? x) }
                    return h.scalars.map(Double.init)
                }
                let mistakes = [
                    Mistake("the residual path is missing: add skip(x) (or x itself when skip is nil)", recipe(residual: false)),
                    Mistake("the time embedding is not added: h = h + temb(silu(timeEmbedding)) reshaped to [B, Cout, 1, 1], after conv1",
                            recipe(shift: .missing)),
                    Mistake("the time shift is added after conv2; it goes between the two convolutions, right after conv1",
                            recipe(shift: .afterConv2)),
                    Mistake("silu is missing on the time embedding: temb(silu(timeEmbedding))", recipe(timeSiLU: false)),
                    Mistake("silu is missing after norm1: conv1(silu(norm1(x)))", recipe(firstSiLU: false)),
                    Mistake("silu is missing after norm2: conv2(silu(norm2(h)))", recipe(secondSiLU: false)),
                ]
                let ok = Compare.close(got, shape: [2, cout, 6, 6], expected.scalars.map(Double.init), absolute: 1e-4,
                                       relative: 1e-4, "ResBlock(\(cin) → \(cout)) output", mistakes: mistakes)
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
