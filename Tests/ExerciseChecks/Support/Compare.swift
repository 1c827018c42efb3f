// Compare.swift — checks that say exactly what is wrong: wrong shape (expected vs
// got), a non-finite value at index i, or a wrong value at index i (expected, got,
// tolerance). Each returns whether it passed, so a check can stop at the first
// failure instead of burying it under consequences.

import Testing
import DiffusionKit
import Grading

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
    /// (tolerance τ)", followed by `hint(i)` when given.
    @discardableResult
    static func close(_ got: [Double], _ expected: [Double], absolute: Double = 0, relative: Double = 0,
                      _ what: String, hint: ((Int) -> String?)? = nil) -> Bool {
        guard count(got, expected.count, what), finite(got, what) else { return false }
        for i in got.indices {
            let tolerance = absolute + relative * abs(expected[i])
            if abs(got[i] - expected[i]) > tolerance {
                var message = "wrong value in \(what) at index \(i): expected \(expected[i]), got \(got[i]) (tolerance \(tolerance))"
                let extra = hint?(i)
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
                      _ what: String, hint: ((Int) -> String?)? = nil) -> Bool {
        guard self.shape(got, shape, what) else { return false }
        return close(got.scalars.map(Double.init), expected, absolute: absolute, relative: relative, what, hint: hint)
    }
}
