// Chapter 09 checks: label dropout, the guided prediction, one guided DDIM step.
//
// Run them with `swift test --filter ExerciseChecks.Chapter09`. Truths: label dropout
// written out by hand for eight labels (one uniform exactly equal to p, one exactly 0),
// the rule u < p applied here to 500 seeded labels with another null index, and the
// edge cases p = 0 (keeps all) and p = 1 (drops all); the guided prediction by hand
// at w = 3, the special cases w = 0 (ε_u) and w = 1 (ε_c), and its formula in Double
// at w = 7.5 and w = −0.5; the guided DDIM step computed element by element in Double
// for B = 3 and B = 2, at several (ᾱ, ᾱ') including the last step ᾱ' = 1 (x' = x̂₀).
// Where a wrong answer equals what a known mistake gives, the message names it.

import Foundation
import Testing
import DiffusionKit

@Suite("Chapter 09 — classifier-free guidance")
struct Chapter09 {
    // Hint: drop where u < p, strictly (a uniform equal to p keeps its label), and
    // drop to nullLabel, the number of classes — not 0, −1 or the last class.
    @Test("9.1 label dropout")
    func labelDropout() async {
        await Grader.grade("9.1") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter09.check91(nonce) }
        }
    }

    // Hint: start from ε_u and move w times the difference towards ε_c:
    // ε_u + w·(ε_c − ε_u). Ho & Salimans' (1 + w)·ε_c − w·ε_u uses their w = ours − 1.
    @Test("9.2 guided prediction")
    func guidedPrediction() async {
        await Grader.grade("9.2") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter09.check92(nonce) }
        }
    }

    // Hint: modelOutput[0..<B] is ε_c, modelOutput[B..<2B] is ε_u; guide them into one
    // ε̃ of [B, …], then x̂₀ = (x_t − √(1 − ᾱ)·ε̃)/√ᾱ and x' = √ᾱ'·x̂₀ + √(1 − ᾱ')·ε̃.
    @Test("9.3 one guided DDIM step")
    func guidedDDIMStep() async {
        await Grader.grade("9.3") { nonce, exit in
            await #expect(processExitsWith: exit, observing: [\.standardErrorContent]) { [nonce = nonce as String] in Chapter09.check93(nonce) }
        }
    }
}

// MARK: - 9.1

extension Chapter09 {
    /// The mistake that gives exactly `got`, if it is one of the usual ones.
    static func dropoutMistake(_ got: [Int], labels: [Int], uniforms: [Float], p: Float, nullLabel: Int) -> String? {
        func rule(_ drops: (Float) -> Bool, to null: Int) -> [Int] { zip(labels, uniforms).map { drops($1) ? null : $0 } }
        if got == rule({ $0 <= p }, to: nullLabel) {
            return "a uniform equal to p must keep its label: drop where u < p (strictly), not u ≤ p"
        }
        if got == rule({ $0 >= p }, to: nullLabel) || got == rule({ $0 > p }, to: nullLabel) {
            return "the comparison is reversed: that drops where u ≥ p, about 1 − p of the labels; drop where u < p"
        }
        if got == rule({ $0 >= 1 - p }, to: nullLabel) || got == rule({ $0 > 1 - p }, to: nullLabel) {
            return "that drops where u ≥ 1 − p: the same rate, but not the same labels — the rule is u < p (strictly)"
        }
        let wrongNulls: [(Int, String)] = [
            (0, "0 (that is a real class)"),
            (-1, "−1 (the null label is an extra index that the label embedding has a row for)"),
            (nullLabel - 1, "nullLabel − 1 = \(nullLabel - 1) (that is the last real class)"),
            (10, "a fixed 10 (the null label of digits): use the parameter nullLabel"),
        ]
        for (wrong, name) in wrongNulls where wrong != nullLabel && got == rule({ $0 < p }, to: wrong) {
            return "a dropped label becomes nullLabel = \(nullLabel) (the number of classes), not \(name)"
        }
        if got.count == labels.count, !labels.isEmpty, got.allSatisfy({ $0 == nullLabel }) {
            return "every label was dropped: drop only where uniforms[i] < p"
        }
        if got == labels { return "no label was dropped: replace labels[i] by nullLabel where uniforms[i] < p" }
        return nil
    }

    static func check91(_ nonce: String) {
        Grader.child("9.1", nonce: nonce) {
            // (labels, uniforms, p, nullLabel, expected, what)
            var cases: [([Int], [Float], Float, Int, [Int], String)] = []
            // By hand: u = 0.05, 0.299 and 0 are below p = 0.3; u = 0.3 itself is not.
            let labels: [Int] = [3, 7, 1, 9, 4, 5, 2, 8]
            let uniforms: [Float] = [0.3, 0.05, 0.9, 0.299, 0.301, 0, 0.6, 0.75]
            cases.append((labels, uniforms, 0.3, 10, [3, 10, 1, 10, 4, 10, 2, 8], "labels after dropout (by hand, p = 0.3, 10 classes)"))
            // 500 seeded labels of 3 classes (∅ = 3), p = 0.1, with u = p and u = 0 among them.
            var rng = SeededGenerator(seed: 91)
            let many = (0..<500).map { _ in Int.random(in: 0..<3, using: &rng) }
            var draws = (0..<500).map { _ in Float.random(in: 0..<1, using: &rng) }
            draws[7] = 0.1
            draws[11] = 0
            draws[12] = Float(0.1).nextDown
            cases.append((many, draws, 0.1, 3, zip(many, draws).map { $1 < 0.1 ? 3 : $0 },
                          "500 labels after dropout (p = 0.1, 3 classes)"))
            // p = 0 keeps every label, even where u = 0; p = 1 drops them all (every u < 1).
            cases.append((labels, uniforms, 0, 10, labels, "labels after dropout with p = 0 (keeps all)"))
            let highs: [Float] = [0.3, 0.05, 0.9, Float(1).nextDown, 0.301, 0, 0.6, 0.75]
            cases.append((labels, highs, 1, 10, [Int](repeating: 10, count: 8), "labels after dropout with p = 1 (drops all)"))
            cases.append(([], [], 0.5, 10, [], "an empty batch"))
            for (labels, uniforms, p, nullLabel, expected, what) in cases {
                let got = try Ch09.dropLabels(labels, uniforms: uniforms, probability: p, nullLabel: nullLabel)
                let ok = Compare.close(got.map(Double.init), expected.map(Double.init), what) { _ in
                    dropoutMistake(got, labels: labels, uniforms: uniforms, p: p, nullLabel: nullLabel)
                }
                if !ok { return }
            }
        }
    }
}

// MARK: - 9.2

extension Chapter09 {
    /// The mistake whose formula gives `got` at every element, if it is one of the usual ones.
    static func guidanceMistake(_ got: [Double], unconditional u: [Double], conditional c: [Double], w: Double,
                                tolerance: Double = 1e-4) -> String? {
        func gives(_ f: (Double, Double) -> Double) -> Bool {
            got.count == u.count && got.indices.allSatisfy { i in
                let e = f(u[i], c[i])
                return abs(got[i] - e) <= tolerance * (1 + abs(e))
            }
        }
        if gives({ u, c in c + w * (u - c) }) {
            return "the roles are swapped: start from ε_u and move towards ε_c, ε̃ = ε_u + w·(ε_c − ε_u), not ε_c + w·(ε_u − ε_c)"
        }
        if gives({ u, c in (1 + w) * c - w * u }) {
            return "that is Ho & Salimans' (1 + w)·ε_c − w·ε_u, i.e. guiding with 1 + w: their w is ours − 1; here ε̃ = ε_u + w·(ε_c − ε_u)"
        }
        if gives({ u, c in u - w * (c - u) }) {
            return "the sign of the guidance term: ε̃ = ε_u + w·(ε_c − ε_u) moves from ε_u towards ε_c, not away from it"
        }
        if gives({ u, c in w * (c - u) }) { return "the ε_u term is missing: ε̃ = ε_u + w·(ε_c − ε_u), not w·(ε_c − ε_u)" }
        if gives({ _, c in w * c }) { return "w·ε_c alone ignores the unconditional prediction: ε̃ = ε_u + w·(ε_c − ε_u)" }
        if w == 0 { return "at w = 0 the guided prediction is the unconditional ε_u itself" }
        if w == 1 { return "at w = 1 the guided prediction is the conditional ε_c itself" }
        return nil
    }

    static func check92(_ nonce: String) {
        Grader.child("9.2", nonce: nonce) {
            let shape = [2, 3]
            let u: [Double] = [0.5, -1, 2, 0, 1.5, -0.25]               // ε_u
            let c: [Double] = [1, -0.5, 1, 0.25, -1.5, 0.75]            // ε_c
            let unconditional = Tensor(shape: shape, scalars: u.map(Float.init))
            let conditional = Tensor(shape: shape, scalars: c.map(Float.init))
            func formula(_ w: Double) -> [Double] { u.indices.map { u[$0] + w * (c[$0] - u[$0]) } }
            // w = 3 first: there every named mistake gives a different answer.
            let cases: [(Float, [Double], String)] = [
                (3, [2, 0.5, -1, 0.75, -7.5, 2.75], "ε̃ at w = 3 (by hand)"),
                (7.5, formula(7.5), "ε̃ at w = 7.5"),
                (-0.5, formula(-0.5), "ε̃ at w = −0.5"),
                (0, u, "ε̃ at w = 0 (must equal ε_u)"),
                (1, c, "ε̃ at w = 1 (must equal ε_c)"),
            ]
            for (w, expected, what) in cases {
                let got = try Ch09.guidedPrediction(unconditional: unconditional, conditional: conditional, scale: w)
                let ok = Compare.close(got, shape: shape, expected, absolute: 1e-5, relative: 1e-5, what) { _ in
                    guidanceMistake(got.scalars.map(Double.init), unconditional: u, conditional: c, w: Double(w))
                }
                if !ok { return }
            }
            // Images [B, C, H, W] of random predictions, at w = 2.
            var rng = SeededGenerator(seed: 92)
            let eu = Tensor.randn([3, 1, 4, 4], using: &rng), ec = Tensor.randn([3, 1, 4, 4], using: &rng)
            let got = try Ch09.guidedPrediction(unconditional: eu, conditional: ec, scale: 2)
            let (du, dc) = (eu.scalars.map(Double.init), ec.scalars.map(Double.init))
            Compare.close(got, shape: [3, 1, 4, 4], du.indices.map { du[$0] + 2 * (dc[$0] - du[$0]) },
                          absolute: 1e-5, relative: 1e-5, "ε̃ of [3, 1, 4, 4] predictions at w = 2") { _ in
                guidanceMistake(got.scalars.map(Double.init), unconditional: du, conditional: dc, w: 2)
            }
        }
    }
}

// MARK: - 9.3

extension Chapter09 {
    /// The guided DDIM step in Double, right or with one known mistake.
    enum StepMistake: CaseIterable {
        case none, halvesSwapped, halvesInterleaved, alphasSwapped, onePlusW, unguided, onlyUnconditional, noUnconditionalTerm,
             onlyConditionalTimesW, guidanceSign
        case noSqrtAlphaBar, noSqrtOneMinusAlphaBar, noSqrtAlphaBarPrev, noSqrtOneMinusAlphaBarPrev

        var message: String {
            switch self {
            case .none: return ""
            case .halvesSwapped:
                return "the halves are swapped (or ε_c and ε_u in the guidance formula): items 0..<B of modelOutput are the conditional ε_c, items B..<2B the unconditional ε_u"
            case .halvesInterleaved:
                return "the halves are blocks, not interleaved: items 0..<B of modelOutput are ε_c and items B..<2B are ε_u (not items 2b and 2b + 1)"
            case .onlyUnconditional:
                return "the step used ε_u alone: guide first, ε̃ = ε_u + w·(ε_c − ε_u)"
            case .guidanceSign:
                return "the sign of the guidance term: ε̃ = ε_u + w·(ε_c − ε_u) moves towards ε_c, not away from it"
            case .alphasSwapped:
                return "ᾱ and ᾱ' are swapped: alphaBar (ᾱ) belongs to x_t and gives x̂₀; alphaBarPrev (ᾱ') is where the step lands"
            case .onePlusW:
                return "that guides with 1 + w (Ho & Salimans' convention, whose w is ours − 1): ε̃ = ε_u + w·(ε_c − ε_u)"
            case .unguided:
                return "the step used ε_c alone: guide first, ε̃ = ε_u + w·(ε_c − ε_u)"
            case .noUnconditionalTerm:
                return "the guidance lacks its ε_u term: ε̃ = ε_u + w·(ε_c − ε_u), not w·(ε_c − ε_u)"
            case .onlyConditionalTimesW:
                return "the guidance used w·ε_c alone: ε̃ = ε_u + w·(ε_c − ε_u)"
            case .noSqrtAlphaBar:
                return "a square root is missing: x̂₀ = (x_t − √(1 − ᾱ)·ε̃)/√ᾱ divides by √ᾱ, not ᾱ"
            case .noSqrtOneMinusAlphaBar:
                return "a square root is missing: x̂₀ = (x_t − √(1 − ᾱ)·ε̃)/√ᾱ subtracts √(1 − ᾱ)·ε̃, not (1 − ᾱ)·ε̃"
            case .noSqrtAlphaBarPrev:
                return "a square root is missing: x' = √ᾱ'·x̂₀ + √(1 − ᾱ')·ε̃ scales x̂₀ by √ᾱ', not ᾱ'"
            case .noSqrtOneMinusAlphaBarPrev:
                return "a square root is missing: x' = √ᾱ'·x̂₀ + √(1 − ᾱ')·ε̃ adds √(1 − ᾱ')·ε̃, not (1 − ᾱ')·ε̃"
            }
        }
    }

    /// x' for `xt` (B items, flattened) and `output` (2B items: ε_c then ε_u), in Double.
    static func guidedStep(xt: [Double], output: [Double], items b: Int, w: Double, alphaBar: Double, alphaBarPrev: Double,
                           _ mistake: StepMistake = .none) -> [Double] {
        let n = xt.count, per = n / b
        let (a, aPrev) = mistake == .alphasSwapped ? (alphaBarPrev, alphaBar) : (alphaBar, alphaBarPrev)
        let sqrtA = mistake == .noSqrtAlphaBar ? a : a.squareRoot()
        let sqrtOneMinusA = mistake == .noSqrtOneMinusAlphaBar ? 1 - a : (1 - a).squareRoot()
        let sqrtAPrev = mistake == .noSqrtAlphaBarPrev ? aPrev : aPrev.squareRoot()
        let sqrtOneMinusAPrev = mistake == .noSqrtOneMinusAlphaBarPrev ? 1 - aPrev : (1 - aPrev).squareRoot()
        let weight = mistake == .onePlusW ? 1 + w : w
        return (0..<n).map { i in
            var (c, u) = (output[i], output[n + i])
            if mistake == .halvesSwapped { swap(&c, &u) }
            if mistake == .halvesInterleaved {                                      // ε_c, ε_u as items 2b, 2b + 1
                let (item, j) = (i / per, i % per)
                (c, u) = (output[2 * item * per + j], output[(2 * item + 1) * per + j])
            }
            let eps: Double
            switch mistake {
            case .unguided: eps = c
            case .onlyUnconditional: eps = u
            case .guidanceSign: eps = u - w * (c - u)
            case .noUnconditionalTerm: eps = w * (c - u)
            case .onlyConditionalTimesW: eps = w * c
            default: eps = u + weight * (c - u)
            }
            let x0 = (xt[i] - sqrtOneMinusA * eps) / sqrtA
            return sqrtAPrev * x0 + sqrtOneMinusAPrev * eps
        }
    }

    static func check93(_ nonce: String) {
        Grader.child("9.3", nonce: nonce) {
            var rng = SeededGenerator(seed: 93)
            // (B, image shape, ᾱ, ᾱ', w, what). Case 1 first: there every named mistake
            // gives a different answer. Then a very noisy start, the last step to ᾱ' = 1
            // (x' = x̂₀), and w = 0 (the unconditional DDIM step).
            let cases: [(Int, [Int], Double, Double, Float, String)] = [
                (3, [1, 2, 3], 0.3, 0.55, 3, "ᾱ = 0.3 → ᾱ' = 0.55, w = 3, B = 3"),
                (3, [1, 2, 3], 0.02, 0.1, 7.5, "ᾱ = 0.02 → ᾱ' = 0.1, w = 7.5, B = 3"),
                (2, [1, 3, 3], 0.85, 1, 2, "the last step, ᾱ = 0.85 → ᾱ' = 1 (x' = x̂₀), w = 2, B = 2"),
                (2, [1, 3, 3], 0.5, 0.7, 0, "ᾱ = 0.5 → ᾱ' = 0.7, w = 0 (unconditional), B = 2"),
            ]
            for (b, image, a, aPrev, w, what) in cases {
                let shape = [b] + image
                let xt = Tensor.randn(shape, using: &rng)                                   // [B, …]
                let output = Tensor.randn([2 * b] + image, using: &rng)                     // [2B, …]: ε_c, then ε_u
                let got = try Ch09.guidedDDIMStep(xt: xt, modelOutput: output, scale: w, alphaBar: a, alphaBarPrev: aPrev)
                if got.shape == [2 * b] + image {
                    Grader.fail("wrong shape for x' (\(what)): expected \(shape), got \(got.shape) — x' has one item per item of x_t: split modelOutput into its halves and guide them into one ε̃ of [B, …] before the step")
                    return
                }
                let (x, out) = (xt.scalars.map(Double.init), output.scalars.map(Double.init))
                let expected = guidedStep(xt: x, output: out, items: b, w: Double(w), alphaBar: a, alphaBarPrev: aPrev)
                // Float rounding of ε̃ is amplified by 1/√ᾱ in x̂₀ (7× at ᾱ = 0.02).
                let absolute = 1e-4 / a.squareRoot()
                let ok = Compare.close(got, shape: shape, expected, absolute: absolute, relative: 1e-4, "x' (\(what))") { _ in
                    let values = got.scalars.map(Double.init)
                    for mistake in StepMistake.allCases where mistake != .none {
                        let wrong = guidedStep(xt: x, output: out, items: b, w: Double(w), alphaBar: a, alphaBarPrev: aPrev, mistake)
                        if values.indices.allSatisfy({ abs(values[$0] - wrong[$0]) <= absolute + 1e-4 * abs(wrong[$0]) }) {
                            return mistake.message
                        }
                    }
                    return aPrev == 1 ? "at ᾱ' = 1 the step returns x̂₀ = (x_t − √(1 − ᾱ)·ε̃)/√ᾱ itself" : nil
                }
                if !ok { return }
            }
        }
    }
}
