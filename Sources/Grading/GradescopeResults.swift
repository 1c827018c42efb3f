// GradescopeResults.swift — one learner's results.json in the format of Gradescope's
// autograders (https://gradescope-autograders.readthedocs.io/en/latest/specs/).

import Foundation

/// A learner's Gradescope `results.json`: a test per exercise, in kit order.
public struct GradescopeResults: Encodable, Equatable, Sendable {
    /// One test of the results: one exercise.
    public struct Test: Encodable, Equatable, Sendable {
        /// The exercise's display name.
        public var name: String
        /// The exercise's id, as "3.1".
        public var number: String
        /// The points earned: all of them if passed, else 0.
        public var score: Double
        /// The exercise's points.
        public var maxScore: Double
        /// "passed" or "failed".
        public var status: String
        /// The message, with the hint, the place and the command that re-runs the check.
        public var output: String
        /// The verdict in our own words, for tools.
        public var extraData: TestData

        enum CodingKeys: String, CodingKey {
            case name, number, score, status, output
            case maxScore = "max_score"
            case extraData = "extra_data"
        }
    }

    /// A test's `extra_data`: the verdict's status and, when present, the values compared.
    public struct TestData: Encodable, Equatable, Sendable {
        /// The `Verdict.Status` raw value, as "wrong_value".
        public var status: String
        /// The expected value at `index`.
        public var expected: String?
        /// The learner's value at `index`.
        public var got: String?
        /// The first index where the result was wrong.
        public var index: Int?
    }

    /// The top level's `extra_data`.
    public struct ResultData: Encodable, Equatable, Sendable {
        /// The learner's id.
        public var learner: String
        /// What was graded.
        public var source: String
        /// "graded", or why the copy could not be.
        public var gradingStatus: String

        enum CodingKeys: String, CodingKey {
            case learner, source
            case gradingStatus = "grading_status"
        }
    }

    /// The total score (Gradescope uses it instead of summing the tests).
    public var score: Double
    /// The text shown above the tests: the total, the ignored files, the notes.
    public var output: String
    /// One test per exercise, in kit order.
    public var tests: [Test]
    /// Who and what was graded.
    public var extraData: ResultData

    enum CodingKeys: String, CodingKey {
        case score, output, tests
        case extraData = "extra_data"
    }

    /// The results of `result` on `exercises`.
    public init(_ result: LearnerResult, exercises: [ExerciseInfo]) {
        let score = (result.score(exercises) * 1e6).rounded() / 1e6     // 0.1 + 0.2 → 0.3, not 0.30000000000000004
        self.score = score
        tests = exercises.map { exercise in
            let verdict = result.verdict(for: exercise)
            let passed = verdict.status == .passed
            var output = [verdict.message]
            if let hint = verdict.hint { output.append("Hint: \(hint)") }
            if !passed {
                if let location = result.location(for: exercise) { output.append("Where: \(location)") }
                if result.graded, verdict.status != .notRun {
                    output.append("Reproduce: \(FeedbackReport.reproduceCommand(for: verdict, exercise: exercise))")
                }
            }
            return Test(name: exercise.name, number: exercise.id, score: passed ? exercise.points : 0,
                        maxScore: exercise.points, status: passed ? "passed" : "failed",
                        output: output.joined(separator: "\n"),
                        extraData: TestData(status: verdict.status.rawValue, expected: verdict.expected,
                                            got: verdict.got, index: verdict.index))
        }
        var lines = ["Total: \(GradebookCSV.number(score)) / \(GradebookCSV.number(exercises.maxScore)) points."]
        if !result.graded { lines.append("Your copy could not be graded: \(result.gradingStatus)") }
        if !result.changedIgnored.isEmpty {
            lines.append("")
            lines.append("Changed outside Exercises/*.swift, ignored (grading used the kit's own copies):")
            lines += result.changedIgnored.map { "  - \($0)" }
        }
        if !result.notes.isEmpty {
            lines.append("")
            lines.append("Notes:")
            lines += result.notes.map { "  " + $0.replacingOccurrences(of: "\n", with: "\n    ") }
        }
        output = lines.joined(separator: "\n")
        extraData = ResultData(learner: result.learner, source: result.source, gradingStatus: result.gradingStatus)
    }

    /// The JSON: pretty-printed with sorted keys, so the same results give the same bytes.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes the JSON to `url`.
    public func write(to url: URL) throws {
        try json().write(to: url, options: .atomic)
    }
}
