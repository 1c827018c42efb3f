// Compare.swift — checks that say exactly what is wrong: wrong shape (expected vs
// got), a non-finite value at index i, or a wrong value at index i (expected, got,
// tolerance), followed by the name of the known mistake that gives exactly that wrong
// answer when there is one. Each returns whether it passed, so a check can stop at the
// first failure instead of burying it under consequences.

import Testing
import DiffusionKit
import Grading

/// A known mistake, and the values it gives at the checked inputs — computed in the
/// check by the mistaken formula, in Double where it can be (never by calling the
/// solution).
struct Mistake {
    /// What to tell the learner: what the wrong answer is, and the fix.
    let message: String
    /// What the mistaken formula gives, one value per value of the answer.
    let values: [Double]
    /// A relative tolerance for this mistake alone, when its formula amplifies the
    /// learner's Float rounding far more than the right one does (say why where it is set).
    let relative: Double?

    init(_ message: String, _ values: [Double], relative: Double? = nil) {
        self.message = message
        self.values = values
        self.relative = relative
    }

    /// The first mistake whose values all lie within `absolute + relative·|value|` of
    /// `got`, among those that differ from `expected` at these inputs (a "mistake" that
    /// gives the right answer here tells nothing). A mistake with no values (one that
    /// cannot be made at these inputs) never matches.
    ///
    /// The relative part is at least 1e-5: a mistake's values can be far larger than the
    /// truth's (a missing √ of ᾱ = 10⁻⁴ multiplies by 100), and the learner's Float
    /// rounding grows with them, beyond a tolerance written for the truth's size.
    static func named(in mistakes: [Mistake], got: [Double], expected: [Double],
                      absolute: Double, relative: Double) -> Mistake? {
        func within(_ values: [Double], of reference: [Double], relative: Double) -> Bool {
            values.count == reference.count
                && values.indices.allSatisfy { abs(values[$0] - reference[$0]) <= absolute + relative * abs(reference[$0]) }
        }
        return mistakes.first { mistake in
            let tolerance = max(relative, mistake.relative ?? 1e-5)
            return !within(mistake.values, of: expected, relative: tolerance) && within(got, of: mistake.values, relative: tolerance)
        }
    }
}

enum Compare {
    /// The tensor has the expected shape.
    @discardableResult
    static func shape(_ got: Tensor, _ expected: [Int], _ what: String) -> Bool {
        guard got.shape == expected else {
            Grader.fail("wrong shape for \(what): expected \(expected), got \(got.shape)", expected: "\(expected)", got: "\(got.shape)")
            return false
        }
        return true
    }

    /// The array has the expected length.
    @discardableResult
    static func count<T>(_ got: [T], _ expected: Int, _ what: String) -> Bool {
        guard got.count == expected else {
            Grader.fail("wrong shape for \(what): expected \(expected) values, got \(got.count)", expected: "\(expected)", got: "\(got.count)")
            return false
        }
        return true
    }

    /// Every value is finite.
    @discardableResult
    static func finite(_ got: [Double], _ what: String) -> Bool {
        if let i = got.firstIndex(where: { !$0.isFinite }) {
            Grader.fail("\(got[i].isNaN ? "NaN" : "infinity") in \(what) at index \(i)", got: "\(got[i])", index: i)
            return false
        }
        return true
    }

    /// Each value within `absolute + relative·|expected|` of the expected value.
    /// On the first mismatch records "wrong value … at index i: expected e, got g
    /// (tolerance τ)", followed by the message of the first of `mistakes` whose values
    /// `got` equals (see `Mistake.named`), else by `hint(i)` when given.
    @discardableResult
    static func close(_ got: [Double], _ expected: [Double], absolute: Double = 0, relative: Double = 0,
                      _ what: String, mistakes: [Mistake] = [], hint: ((Int) -> String?)? = nil) -> Bool {
        guard count(got, expected.count, what), finite(got, what) else { return false }
        for i in got.indices {
            let tolerance = absolute + relative * abs(expected[i])
            if abs(got[i] - expected[i]) > tolerance {
                var message = "wrong value in \(what) at index \(i): expected \(expected[i]), got \(got[i]) (tolerance \(tolerance))"
                let named = Mistake.named(in: mistakes, got: got, expected: expected, absolute: absolute, relative: relative)
                let extra = named?.message ?? hint?(i)
                if let extra { message += " — \(extra)" }
                Grader.fail(message, hint: extra, expected: "\(expected[i])", got: "\(got[i])", index: i)
                return false
            }
        }
        return true
    }

    /// The same for a tensor (shape checked first).
    @discardableResult
    static func close(_ got: Tensor, shape: [Int], _ expected: [Double], absolute: Double = 0, relative: Double = 0,
                      _ what: String, mistakes: [Mistake] = [], hint: ((Int) -> String?)? = nil) -> Bool {
        guard self.shape(got, shape, what) else { return false }
        return close(got.scalars.map(Double.init), expected, absolute: absolute, relative: relative, what,
                     mistakes: mistakes, hint: hint)
    }
}
