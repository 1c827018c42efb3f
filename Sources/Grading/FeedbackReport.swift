// FeedbackReport.swift — feedback/<learner>.md: what one learner passed, and for every
// other exercise what went wrong, where, and the command that shows it again.
// It is built from verdicts only, so it can hold no solution code.

import Foundation

/// Writes a learner's feedback page in Markdown.
public enum FeedbackReport {
    /// The page for `result`: the score, what was graded, a table of the exercises, a
    /// section per exercise that did not pass, the ignored files and the notes.
    public static func markdown(for result: LearnerResult, exercises: [ExerciseInfo]) -> String {
        let score = GradebookCSV.number(result.score(exercises))
        let max = GradebookCSV.number(exercises.maxScore)
        var lines = ["# Feedback for \(result.learner)", "",
                     "**Score: \(score) / \(max)**", "",
                     "Graded: `\(oneLine(result.source))`", ""]
        if !result.graded {
            lines += ["Your copy could not be graded: \(oneLine(result.gradingStatus))", ""]
        }
        lines += ["| Exercise | Status | Points |", "|---|---|---|"]
        for exercise in exercises {
            let verdict = result.verdict(for: exercise)
            let earned = verdict.status == .passed ? exercise.points : 0
            lines.append("| \(cell(exercise.name)) | \(ClassSummary.mark(verdict.status)) \(verdict.status.words) "
                         + "| \(GradebookCSV.number(earned)) / \(GradebookCSV.number(exercise.points)) |")
        }
        lines.append("")
        if result.graded {
            var chaptersShown: Set<String> = []
            for exercise in exercises where result.verdict(for: exercise).status != .passed {
                lines += section(exercise, result, chaptersShown: &chaptersShown)
            }
        }
        if !result.changedIgnored.isEmpty {
            lines += ["## Changed, ignored", "",
                      "You changed these files outside `Exercises/*.swift`; grading used the kit's own copies:", ""]
            lines += result.changedIgnored.map { "- `\(oneLine($0))`" }
            lines.append("")
        }
        if !result.notes.isEmpty {
            lines += ["## Notes", ""] + codeBlock(result.notes)
        }
        return lines.joined(separator: "\n")
    }

    /// The command that re-runs the check of `verdict`'s exercise:
    /// `swift test --filter "ExerciseChecks.Chapter03/sinusoidalEmbedding"` when the verdict
    /// names its test (without the "()": `--filter` takes a regular expression), else
    /// `swift test --filter ExerciseChecks.ChapterNN`.
    public static func reproduceCommand(for verdict: Verdict, exercise: ExerciseInfo) -> String {
        if let test = verdict.test, !test.isEmpty {
            let name = test.firstIndex(of: "(").map { String(test[..<$0]) } ?? test
            return "swift test --filter \"ExerciseChecks.\(name)\""
        }
        return "swift test --filter ExerciseChecks.Chapter\(exercise.chapter)"
    }

    /// The page's file name for `learner`: the id with every character other than letters,
    /// digits, "-", "_" and "." replaced by "_", plus ".md".
    public static func fileName(for learner: String) -> String {
        var safe = String(learner.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
        if safe.isEmpty || safe.hasPrefix(".") { safe = "_" + safe }
        return safe + ".md"
    }

    /// Writes one page per learner as `feedback/<learner>.md` in the report folder `out`
    /// (the feedback folder is created when missing).
    public static func write(_ results: [LearnerResult], exercises: [ExerciseInfo], into out: URL) throws {
        let folder = out.appendingPathComponent("feedback", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for result in results {
            try Data(markdown(for: result, exercises: exercises).utf8)
                .write(to: folder.appendingPathComponent(fileName(for: result.learner)), options: .atomic)
        }
    }

    /// The section of one exercise that did not pass.
    static func section(_ exercise: ExerciseInfo, _ result: LearnerResult, chaptersShown: inout Set<String>) -> [String] {
        let verdict = result.verdict(for: exercise)
        var lines = ["## \(exercise.name) — \(verdict.status.words)", "", verdict.message, ""]
        if let hint = verdict.hint { lines += ["**Hint:** \(hint)", ""] }
        if let location = result.location(for: exercise) { lines += ["**Where:** `\(oneLine(location))`", ""] }
        switch verdict.status {
        case .notStarted:
            lines += ["**To do:** the function still throws `NotImplemented`. Write it in "
                      + "`Exercises/Chapter\(exercise.chapter).swift`, then check it with:", ""]
        case .compileError:
            if chaptersShown.insert(exercise.chapter).inserted {
                lines += ["`Exercises/Chapter\(exercise.chapter).swift` did not compile, so its exercises were not checked. "
                          + "The compiler said:", ""]
                lines += codeBlock(compilerLines(result.notes, chapter: exercise.chapter))
            } else {
                lines += ["`Exercises/Chapter\(exercise.chapter).swift` did not compile (see the compiler's messages above).", ""]
            }
            lines += ["Once it compiles, check it with:", ""]
        case .notRun:
            lines += ["Run the check yourself with:", ""]
        default:
            lines += ["Reproduce it with:", ""]
        }
        return lines + codeBlock([reproduceCommand(for: verdict, exercise: exercise)], language: "sh")
    }

    /// The notes that look like the compiler's diagnostics, those about `chapter`'s file
    /// first; all the notes when none does.
    static func compilerLines(_ notes: [String], chapter: String) -> [String] {
        let diagnostics = notes.filter {
            $0.contains(": error:") || $0.contains(": warning:") || $0.hasPrefix("error:")
        }
        guard !diagnostics.isEmpty else { return notes }
        let here = diagnostics.filter { $0.contains("Chapter\(chapter).swift") }
        return here.isEmpty ? diagnostics : here
    }

    /// `lines` in a fenced block whose fence is longer than any run of backticks inside.
    static func codeBlock(_ lines: [String], language: String = "text") -> [String] {
        var longest = 0, run = 0
        for character in lines.joined(separator: "\n") {
            run = character == "`" ? run + 1 : 0
            longest = Swift.max(longest, run)
        }
        let fence = String(repeating: "`", count: Swift.max(3, longest + 1))
        return [fence + language] + lines + [fence, ""]
    }

    /// Text for a table cell: one line, with "|" escaped.
    static func cell(_ text: String) -> String {
        oneLine(text).replacingOccurrences(of: "|", with: "\\|")
    }

    /// Text on one line (line breaks become spaces).
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
