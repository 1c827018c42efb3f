// ClassSummary.swift — the whole class at a glance: a mark per learner and exercise,
// the totals, each exercise's pass rate and its most common failure. As summary.md,
// and as plain text for the terminal.

import Foundation

/// Builds the class summary.
public enum ClassSummary {
    /// The most common failure of one exercise.
    public struct CommonFailure: Equatable, Sendable {
        /// The exercise's id.
        public var exercise: String
        /// How many learners failed this way.
        public var learners: Int
        /// The failure, in short: "wrong value at index 0", "crashed", …
        public var description: String

        /// The line the summary prints: "3.2: 11 learners, wrong value at index 0".
        public var line: String {
            "\(exercise): \(learners) learner\(learners == 1 ? "" : "s"), \(description)"
        }
    }

    /// The legend of the marks.
    public static let legend =
        "✓ passed  · not started  ✗ wrong (value, shape, non-finite, threw)  ! crashed  T timed out  C compile error  - not run"

    /// A one-column mark for `status`.
    public static func mark(_ status: Verdict.Status) -> String {
        switch status {
        case .passed: "✓"
        case .notStarted: "·"
        case .wrongValue, .wrongShape, .nonFinite, .threw: "✗"
        case .crashed: "!"
        case .timedOut: "T"
        case .compileError: "C"
        case .notRun: "-"
        }
    }

    /// The percentage (rounded) of `results`' learners who passed `exercise`; 0 for no learners.
    public static func passRate(_ exercise: ExerciseInfo, in results: [LearnerResult]) -> Int {
        guard !results.isEmpty else { return 0 }
        let passed = results.filter { $0.verdict(for: exercise).status == .passed }.count
        return Int((100 * Double(passed) / Double(results.count)).rounded())
    }

    /// A failure in short, so that learners who failed the same way group together:
    /// "wrong value at index 0", "NaN at index 3", "wrong shape, got [4, 4]", or else the
    /// message's first clause (before the first ":" outside brackets, or " — ").
    public static func shortForm(_ verdict: Verdict) -> String {
        switch verdict.status {
        case .wrongValue where verdict.index != nil:
            return "wrong value at index \(verdict.index ?? 0)"
        case .nonFinite where verdict.index != nil:
            let what = verdict.message.hasPrefix("NaN") ? "NaN" : verdict.message.hasPrefix("infinity") ? "infinity" : "non-finite value"
            return "\(what) at index \(verdict.index ?? 0)"
        case .wrongShape where verdict.got != nil:
            return "wrong shape, got \(verdict.got ?? "")"
        case .threw:
            return "threw an error"
        default:
            let clause = firstClause(verdict.message)
            return clause.isEmpty ? verdict.status.words : clause
        }
    }

    /// For each exercise with failures (statuses where `isFailure`; not `not_started` or
    /// `not_run`), the commonest short form and how many learners it covers. Ties go to
    /// the form met first, learners in the order given.
    public static func commonFailures(_ results: [LearnerResult], exercises: [ExerciseInfo]) -> [CommonFailure] {
        exercises.compactMap { exercise in
            var counts: [String: Int] = [:]
            var order: [String] = []
            for result in results {
                let verdict = result.verdict(for: exercise)
                guard verdict.status.isFailure else { continue }
                let form = shortForm(verdict)
                if counts[form] == nil { order.append(form) }
                counts[form, default: 0] += 1
            }
            var best: (form: String, count: Int)?
            for form in order {
                let count = counts[form] ?? 0
                if count > (best?.count ?? 0) { best = (form, count) }
            }
            return best.map { CommonFailure(exercise: exercise.id, learners: $0.count, description: $0.form) }
        }
    }

    /// summary.md: the table (learners × exercises, with totals and a pass-rate row), the
    /// legend, the learners who could not be graded, and the most common failures.
    public static func markdown(_ results: [LearnerResult], exercises: [ExerciseInfo]) -> String {
        let max = GradebookCSV.number(exercises.maxScore)
        var lines = ["# Class summary", "",
                     "\(results.count) learner\(results.count == 1 ? "" : "s"), \(exercises.count) exercises, \(max) points.", "",
                     "| learner | " + exercises.map(\.id).joined(separator: " | ") + " | total |",
                     "|---|" + exercises.map { _ in "---|" }.joined() + "---|"]
        for result in results {
            let marks = exercises.map { mark(result.verdict(for: $0).status) }
            lines.append("| \(FeedbackReport.cell(result.learner)) | " + marks.joined(separator: " | ")
                         + " | \(GradebookCSV.number(result.score(exercises))) / \(max) |")
        }
        lines.append("| **pass rate** | " + exercises.map { "\(passRate($0, in: results))%" }.joined(separator: " | ") + " | |")
        lines += ["", "Legend: " + legend, ""]
        let notGraded = notGradedLines(results)
        if !notGraded.isEmpty { lines += ["## Not graded", ""] + notGraded.map { "- \($0)" } + [""] }
        lines += ["## Most common failure per exercise", ""]
        lines += failureLines(results, exercises: exercises).map { "- \($0)" }
        lines.append("")
        return lines.joined(separator: "\n")
    }

    /// The same summary as plain text for a terminal: aligned columns headed by the
    /// exercise ids, a total column, a "pass %" row, the legend and the common failures.
    public static func text(_ results: [LearnerResult], exercises: [ExerciseInfo]) -> String {
        let max = GradebookCSV.number(exercises.maxScore)
        let names = results.map { shortened($0.learner, to: 20) }
        let nameWidth = ([7, 6] + names.map(\.count)).max() ?? 7        // "learner", "pass %"
        let widths = exercises.map { Swift.max($0.id.count, 3) }        // "100"
        let totals = results.map { "\(GradebookCSV.number($0.score(exercises)))/\(max)" }
        let totalWidth = ([5] + totals.map(\.count)).max() ?? 5         // "total"

        func row(_ first: String, _ cells: [String], _ total: String) -> String {
            var line = pad(first, nameWidth, right: false)
            for (cell, width) in zip(cells, widths) { line += " " + pad(cell, width, right: true) }
            line += "  " + pad(total, totalWidth, right: true)
            return trimmedEnd(line)
        }
        var lines = [row("learner", exercises.map(\.id), "total")]
        for (index, result) in results.enumerated() {
            lines.append(row(names[index], exercises.map { mark(result.verdict(for: $0).status) }, totals[index]))
        }
        lines.append(row("pass %", exercises.map { "\(passRate($0, in: results))" }, ""))
        lines += ["", legend]
        let notGraded = notGradedLines(results)
        if !notGraded.isEmpty { lines += ["", "Not graded:"] + notGraded.map { "  \($0)" } }
        lines += ["", "Most common failure per exercise:"]
        lines += failureLines(results, exercises: exercises).map { "  \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes summary.md into `folder` (which must exist).
    public static func write(_ results: [LearnerResult], exercises: [ExerciseInfo], into folder: URL) throws {
        try Data(markdown(results, exercises: exercises).utf8)
            .write(to: folder.appendingPathComponent("summary.md"), options: .atomic)
    }

    /// The common-failure lines, or "none" when no exercise has a failure.
    static func failureLines(_ results: [LearnerResult], exercises: [ExerciseInfo]) -> [String] {
        let failures = commonFailures(results, exercises: exercises).map(\.line)
        return failures.isEmpty ? ["none"] : failures
    }

    /// "learner: reason" for each copy that could not be graded.
    static func notGradedLines(_ results: [LearnerResult]) -> [String] {
        results.filter { !$0.graded }.map { "\($0.learner): \(FeedbackReport.oneLine($0.gradingStatus))" }
    }

    /// The text before the first ":" outside brackets, or before " — ", trimmed, at most
    /// 80 characters.
    static func firstClause(_ message: String) -> String {
        var depth = 0
        var clause = ""
        for character in FeedbackReport.oneLine(message) {
            switch character {
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth = Swift.max(0, depth - 1)
            default: break
            }
            if character == ":" && depth == 0 { break }
            clause.append(character)
        }
        if let dash = clause.range(of: " — ") { clause = String(clause[..<dash.lowerBound]) }
        return shortened(clause.trimmingCharacters(in: .whitespaces), to: 80)
    }

    /// `text` cut to `count` characters, ending in "…" when cut.
    static func shortened(_ text: String, to count: Int) -> String {
        text.count <= count ? text : String(text.prefix(count - 1)) + "…"
    }

    /// `text` padded with spaces to `width` characters, on the left when `right`.
    static func pad(_ text: String, _ width: Int, right: Bool) -> String {
        let spaces = String(repeating: " ", count: Swift.max(0, width - text.count))
        return right ? spaces + text : text + spaces
    }

    /// `text` without trailing spaces.
    static func trimmedEnd(_ text: String) -> String {
        var text = text
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
