// Verdict.swift — what one exercise check concluded, in a form tools can read.
//
// The grader's checks (Tests/ExerciseChecks) write one `Verdict` per check; `kit-grade`
// reads them and adds the two statuses only it can know (`compile_error`, `not_run`).
// No tool has to parse the prose of a test log.

import Foundation

/// The outcome of one exercise check.
public struct Verdict: Codable, Equatable, Sendable {
    /// How a check ended. The raw values are the vocabulary of every report.
    public enum Status: String, Codable, CaseIterable, Sendable {
        /// Every comparison held.
        case passed
        /// The exercise still throws `NotImplemented`.
        case notStarted = "not_started"
        /// A value differs from the expected one beyond the tolerance.
        case wrongValue = "wrong_value"
        /// A result has the wrong shape or number of values.
        case wrongShape = "wrong_shape"
        /// A result holds NaN or infinity.
        case nonFinite = "non_finite"
        /// The exercise threw an error other than `NotImplemented`.
        case threw
        /// The check's process died (a trap, a signal, or `exit` called by the exercise).
        case crashed
        /// The check used more than its CPU time (or, as a backstop, wall-clock time).
        case timedOut = "timed_out"
        /// The learner's chapter file did not compile; its exercises were not checked.
        case compileError = "compile_error"
        /// The check did not run (the copy could not be graded, or the run stopped first).
        case notRun = "not_run"
    }

    /// The exercise, as "3.1".
    public var exercise: String
    /// The check's display name, as "3.1 sinusoidal embedding".
    public var name: String?
    /// How the check ended.
    public var status: Status
    /// One sentence for the learner: what was wrong (or "passed").
    public var message: String
    /// The known mistake that gives exactly this wrong answer, when one does.
    public var hint: String?
    /// The expected value at `index`, for `wrong_value`.
    public var expected: String?
    /// The learner's value at `index`, for `wrong_value` (or the shape, for `wrong_shape`).
    public var got: String?
    /// The first index where the result was wrong.
    public var index: Int?
    /// Where a crash happened in the learner's code, as "Exercises/Chapter03.swift:42:13".
    public var location: String?
    /// The test's function, as "Chapter03/sinusoidalEmbedding()", for a `--filter` that re-runs it.
    public var test: String?

    /// A verdict with only the required fields.
    public init(exercise: String, name: String? = nil, status: Status, message: String, hint: String? = nil,
                expected: String? = nil, got: String? = nil, index: Int? = nil,
                location: String? = nil, test: String? = nil) {
        self.exercise = exercise
        self.name = name
        self.status = status
        self.message = message
        self.hint = hint
        self.expected = expected
        self.got = got
        self.index = index
        self.location = location
        self.test = test
    }

    /// One line of JSON (keys sorted, so the same verdict gives the same bytes).
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads a verdict from one line of JSON; nil when the line is not one.
    public init?(jsonLine: some StringProtocol) {
        guard let verdict = try? JSONDecoder().decode(Verdict.self, from: Data(jsonLine.utf8)) else { return nil }
        self = verdict
    }
}

/// How a check's child process hands its verdict to the parent: a line on standard error
/// that starts with the marker and the parent's per-run nonce. The parent accepts only
/// the line with its own nonce, written after the last comparison, so an exercise that
/// ends the process early (`exit(0)`) cannot pass.
public enum VerdictChannel {
    /// The line's first word.
    public static let marker = "KIT-VERDICT"
    /// Environment variable naming the file where the grader appends one JSON verdict per check.
    public static let fileVariable = "KIT_GRADE_VERDICTS"

    /// The line the child writes: "KIT-VERDICT <nonce> <json>\n".
    public static func line(_ verdict: Verdict, nonce: String) -> String {
        "\(marker) \(nonce) \(verdict.jsonLine)\n"
    }

    /// The last verdict written with `nonce` in a child's standard error, if any.
    public static func find(in standardError: some StringProtocol, nonce: String) -> Verdict? {
        let prefix = "\(marker) \(nonce) "
        for line in standardError.split(separator: "\n").reversed() {
            guard let start = line.range(of: prefix) else { continue }
            return Verdict(jsonLine: line[start.upperBound...])
        }
        return nil
    }
}
