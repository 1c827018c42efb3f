// The feedback pages and the class summary of the fake class.

import Foundation
import Testing
@testable import Grading

@Suite("Feedback pages and class summary")
struct FeedbackSummaryTests {
    let exercises = ClassFixture.exercises

    @Test("feedback: score, table, and a section with message, hint, place and command per failure")
    func aliceFeedback() {
        let page = FeedbackReport.markdown(for: ClassFixture.alice, exercises: exercises)
        #expect(page.hasPrefix("# Feedback for alice\n"))
        #expect(page.contains("**Score: 2.5 / 5.75**"))
        #expect(page.contains("Graded: `/submissions/alice`"))
        #expect(page.contains("| 1.1 forward process | ✓ passed | 1 / 1 |"))
        #expect(page.contains("| 1.2 noisy sample | ✗ wrong value | 0 / 2 |"))
        #expect(page.contains("## 1.2 noisy sample — wrong value\n\n\(ClassFixture.quotedMessage)\n"))
        #expect(page.contains("**Hint:** the noise is scaled by sqrt(1 - alphaBar), not (1 - alphaBar)"))
        #expect(page.contains("**Where:** `Exercises/Chapter01.swift:30`"))
        #expect(page.contains("```sh\nswift test --filter \"ExerciseChecks.Chapter01/noisySample\"\n```"))
        #expect(page.contains("swift test --filter \"ExerciseChecks.Chapter03/embedding\""))
        #expect(page.contains("## 3.2 sizes of convolutions — non finite"))
        // Only the failures get a section.
        let sections = page.split(separator: "\n").filter { $0.hasPrefix("## ") }
        #expect(sections == ["## 1.2 noisy sample — wrong value", "## 3.1 sinusoidal embedding — wrong shape",
                             "## 3.2 sizes of convolutions — non finite", "## Changed, ignored", "## Notes"])
        #expect(page.contains("- `Package.swift`\n- `Sources/Tensors/Tensor.swift`"))
        #expect(page.contains("grading was not sandboxed (bubblewrap is not installed)"))
    }

    @Test("feedback: compile errors show the compiler's lines once per chapter")
    func bobFeedback() {
        let page = FeedbackReport.markdown(for: ClassFixture.bob, exercises: exercises)
        #expect(page.contains("Graded: `/submissions/bob @ 1a2b3c4 (2025-03-01)`"))
        #expect(page.contains("## 1.1 forward process — threw\n\nexercise 1.1 threw an error: badInput"))
        #expect(page.contains("## 3.1 sinusoidal embedding — compile error"))
        #expect(page.contains("did not compile, so its exercises were not checked. The compiler said:\n\n```text\n\(ClassFixture.compilerLine)\n```\n"))
        // The compiler block is in the 3.1 section; 3.2 points back to it.
        let blockAt = page.range(of: "```text\n\(ClassFixture.compilerLine)")?.lowerBound
        let section32 = page.range(of: "## 3.2 sizes of convolutions — compile error")?.lowerBound
        #expect(blockAt != nil && section32 != nil && blockAt! < section32!)
        #expect(page.contains("did not compile (see the compiler's messages above)"))
        #expect(page.contains("swift test --filter ExerciseChecks.Chapter03\n"))
        #expect(!page.contains("## 2.1"))
        #expect(!page.contains("## Changed, ignored"))
    }

    @Test("feedback: not started, crashed, timed out, not run")
    func carolFeedback() {
        let page = FeedbackReport.markdown(for: ClassFixture.carol, exercises: exercises)
        #expect(page.contains("## 1.1 forward process — not started"))
        #expect(page.contains("**To do:** the function still throws `NotImplemented`. Write it in `Exercises/Chapter01.swift`"))
        #expect(page.contains("swift test --filter ExerciseChecks.Chapter01\n"))
        #expect(page.contains("## 2.1 linear schedule — timed out"))
        #expect(page.contains("swift test --filter \"ExerciseChecks.Chapter02/linear\""))
        // The crash's place wins over the function's.
        #expect(page.contains("**Where:** `Exercises/Chapter03.swift:14:13`"))
        #expect(!page.contains("Exercises/Chapter03.swift:8`"))
        #expect(page.contains("## 3.2 sizes of convolutions — not run"))
        #expect(page.contains("| 3.2 sizes of convolutions | - not run | 0 / 0.25 |"))
    }

    @Test("feedback: an ungraded copy gets the reason and no sections")
    func daveFeedback() {
        let page = FeedbackReport.markdown(for: ClassFixture.dave, exercises: exercises)
        #expect(page.contains("Your copy could not be graded: not a copy of the kit: no Package.swift, no Exercises/"))
        #expect(!page.contains("## "))
        #expect(page.contains("**Score: 0 / 5.75**"))
    }

    @Test("feedback files are named after the learner, made safe")
    func feedbackFiles() throws {
        #expect(FeedbackReport.fileName(for: "alice") == "alice.md")
        #expect(FeedbackReport.fileName(for: "../x y") == "_.._x_y.md")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("grading-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try FeedbackReport.write(ClassFixture.learners, exercises: exercises, into: out)
        let names = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("feedback").path).sorted()
        #expect(names == ["alice.md", "bob.md", "carol.md"])
        try GradebookCSV.write(ClassFixture.learners, exercises: exercises, into: out)
        try ClassSummary.write(ClassFixture.learners, exercises: exercises, into: out)
        let written = try String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8)
        #expect(written == GradebookCSV.grades(ClassFixture.learners, exercises: exercises))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("grades-long.csv").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.md").path))
    }

    @Test("reproduce commands drop the \"()\" of the test's name")
    func reproduce() {
        let exercise = ExerciseInfo(id: "3.1", name: "3.1 sinusoidal embedding", points: 1)
        let named = Verdict(exercise: "3.1", status: .wrongValue, message: "x", test: "Chapter03/sinusoidalEmbedding()")
        #expect(FeedbackReport.reproduceCommand(for: named, exercise: exercise)
                == "swift test --filter \"ExerciseChecks.Chapter03/sinusoidalEmbedding\"")
        let unnamed = Verdict(exercise: "3.1", status: .wrongValue, message: "x")
        #expect(FeedbackReport.reproduceCommand(for: unnamed, exercise: exercise) == "swift test --filter ExerciseChecks.Chapter03")
        let later = ExerciseInfo(id: "10.2", name: "10.2 later", points: 1)
        #expect(FeedbackReport.reproduceCommand(for: unnamed, exercise: later) == "swift test --filter ExerciseChecks.Chapter10")
    }

    @Test("summary: the terminal table, the pass rates and the most common failures")
    func summaryText() {
        let text = ClassSummary.text(ClassFixture.learners, exercises: exercises)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(Array(lines.prefix(5)) == [
            "learner 1.1 1.2 2.1 3.1 3.2     total",
            "alice     ✓   ✗   ✓   ✗   ✗  2.5/5.75",
            "bob       ✗   ✗   ✓   C   C  1.5/5.75",
            "carol     ·   ✓   T   !   -    2/5.75",
            "pass %   33  33  67   0   0",
        ])
        #expect(lines.contains(ClassSummary.legend))
        #expect(text.hasSuffix("""
            Most common failure per exercise:
              1.1: 1 learner, threw an error
              1.2: 2 learners, wrong value at index 0
              2.1: 1 learner, timed out
              3.1: 1 learner, wrong shape, got [4, 4]
              3.2: 1 learner, NaN at index 3

            """))
    }

    @Test("summary.md: the table with pass rates, the ungraded copies, the failures")
    func summaryMarkdown() {
        let page = ClassSummary.markdown(ClassFixture.learners + [ClassFixture.dave], exercises: exercises)
        #expect(page.contains("| learner | 1.1 | 1.2 | 2.1 | 3.1 | 3.2 | total |\n|---|---|---|---|---|---|---|"))
        #expect(page.contains("| alice | ✓ | ✗ | ✓ | ✗ | ✗ | 2.5 / 5.75 |"))
        #expect(page.contains("| dave | - | - | - | - | - | 0 / 5.75 |"))
        #expect(page.contains("| **pass rate** | 25% | 25% | 50% | 0% | 0% | |"))
        #expect(page.contains("## Not graded\n\n- dave: not a copy of the kit: no Package.swift, no Exercises/"))
        #expect(page.contains("- 1.2: 2 learners, wrong value at index 0"))
    }

    @Test("common failures: ties go to the learner met first")
    func ties() {
        let failures = ClassSummary.commonFailures([ClassFixture.carol, ClassFixture.bob, ClassFixture.alice], exercises: exercises)
        #expect(failures.map(\.line) == [
            "1.1: 1 learner, threw an error",
            "1.2: 2 learners, wrong value at index 0",
            "2.1: 1 learner, timed out",
            "3.1: 1 learner, crashed",
            "3.2: 1 learner, compile error",
        ])
        #expect(ClassSummary.commonFailures([ClassFixture.dave], exercises: exercises).isEmpty)
        #expect(ClassSummary.text([ClassFixture.dave], exercises: exercises).hasSuffix("Most common failure per exercise:\n  none\n"))
    }

    @Test("short forms group the same mistake")
    func shortForms() {
        let sizes = Verdict(exercise: "3.2", status: .wrongValue,
                            message: "wrong value for convOutputSize(inputSize: 28, kernelSize: 3): expected 14, got 15 — round down, not up")
        #expect(ClassSummary.shortForm(sizes) == "wrong value for convOutputSize(inputSize: 28, kernelSize: 3)")
        let infinity = Verdict(exercise: "1.1", status: .nonFinite, message: "infinity in x at index 2", index: 2)
        #expect(ClassSummary.shortForm(infinity) == "infinity at index 2")
        let exited = Verdict(exercise: "1.1", status: .crashed, message: "crashed: exercise 1.1 ended the process")
        #expect(ClassSummary.shortForm(exited) == "crashed")
        let dashed = Verdict(exercise: "1.1", status: .wrongValue, message: "the cosines come first — put the sines first")
        #expect(ClassSummary.shortForm(dashed) == "the cosines come first")
    }

    @Test("the terminal table stays aligned with 27 exercises")
    func wideTable() {
        let many = (1...9).flatMap { chapter in (1...3).map { ExerciseInfo(id: "\(chapter).\($0)", name: "\(chapter).\($0) x", points: 1) } }
        let statuses = Verdict.Status.allCases
        let learners = ["ann", "a-rather-long-learner-name-indeed", "zed"].enumerated().map { offset, name in
            LearnerResult(learner: name, source: name, verdicts: Dictionary(uniqueKeysWithValues: many.enumerated().map { i, e in
                (e.id, Verdict(exercise: e.id, status: statuses[(i + offset) % statuses.count], message: "m"))
            }))
        }
        let lines = ClassSummary.text(learners, exercises: many).split(separator: "\n").map(String.init)
        let table = Array(lines.prefix(4))                   // the header and the learners' rows
        #expect(Set(table.map(\.count)).count == 1)
        #expect(table[0].count <= 140)
        #expect(table[2].hasPrefix("a-rather-long-learn… "))
        #expect(lines[4].count <= table[0].count)           // the pass % row, without a total
    }
}
