// The Gradescope results and the CSV gradebook of the fake class, field by field.

import Foundation
import Testing
@testable import Grading

@Suite("Gradescope results and CSV gradebook")
struct ReportTests {
    let exercises = ClassFixture.exercises

    @Test("the fake class uses every status")
    func coversEveryStatus() {
        let used = Set(ClassFixture.learners.flatMap { learner in exercises.map { learner.verdict(for: $0).status } })
        #expect(used == Set(Verdict.Status.allCases))
    }

    @Test("scores count passed exercises only; a missing verdict is not_run")
    func scores() {
        #expect(exercises.maxScore == 5.75)
        #expect(ClassFixture.alice.score(exercises) == 2.5)
        #expect(ClassFixture.bob.score(exercises) == 1.5)
        #expect(ClassFixture.carol.score(exercises) == 2)
        #expect(ClassFixture.carol.maxScore(exercises) == 5.75)
        let missing = ClassFixture.carol.verdict(for: exercises[4])
        #expect(missing.status == .notRun)
        #expect(missing.exercise == "3.2")
        #expect(missing.message.hasPrefix("not run: "))
        let ungraded = ClassFixture.dave.verdict(for: exercises[0])
        #expect(ungraded.message == "not run: the copy could not be graded (not a copy of the kit: no Package.swift, no Exercises/)")
        #expect(ClassFixture.dave.score(exercises) == 0)
    }

    /// Alice's results.json, read back with JSONSerialization.
    func aliceJSON() throws -> [String: Any] {
        let data = try GradescopeResults(ClassFixture.alice, exercises: exercises).json()
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("Gradescope: the top level")
    func gradescopeTop() throws {
        let json = try aliceJSON()
        #expect(Set(json.keys) == ["score", "output", "tests", "extra_data"])
        #expect((json["score"] as? NSNumber)?.doubleValue == 2.5)
        let output = try #require(json["output"] as? String)
        #expect(output.contains("Total: 2.5 / 5.75 points."))
        #expect(output.contains("- Package.swift"))
        #expect(output.contains("- Sources/Tensors/Tensor.swift"))
        #expect(output.contains("grading was not sandboxed (bubblewrap is not installed)"))
        let extra = try #require(json["extra_data"] as? [String: Any])
        #expect(extra["learner"] as? String == "alice")
        #expect(extra["source"] as? String == "/submissions/alice")
        #expect(extra["grading_status"] as? String == "graded")
        let tests = try #require(json["tests"] as? [[String: Any]])
        #expect(tests.compactMap { $0["number"] as? String } == ["1.1", "1.2", "2.1", "3.1", "3.2"])
        #expect(tests.compactMap { $0["name"] as? String } == exercises.map(\.name))
        #expect(tests.compactMap { $0["status"] as? String } == ["passed", "failed", "passed", "failed", "failed"])
        #expect(tests.compactMap { ($0["score"] as? NSNumber)?.doubleValue } == [1, 0, 1.5, 0, 0])
        #expect(tests.compactMap { ($0["max_score"] as? NSNumber)?.doubleValue } == [1, 2, 1.5, 1, 0.25])
    }

    @Test("Gradescope: a failed test and a passed one")
    func gradescopeTests() throws {
        let tests = try #require(try aliceJSON()["tests"] as? [[String: Any]])
        let failed = tests[1]
        #expect(Set(failed.keys) == ["name", "number", "score", "max_score", "status", "output", "extra_data"])
        #expect(failed["name"] as? String == "1.2 noisy sample")
        #expect(failed["number"] as? String == "1.2")
        #expect((failed["score"] as? NSNumber)?.doubleValue == 0)
        #expect((failed["max_score"] as? NSNumber)?.doubleValue == 2)
        #expect(failed["status"] as? String == "failed")
        #expect(failed["output"] as? String == """
            \(ClassFixture.quotedMessage)
            Hint: the noise is scaled by sqrt(1 - alphaBar), not (1 - alphaBar)
            Where: Exercises/Chapter01.swift:30
            Reproduce: swift test --filter "ExerciseChecks.Chapter01/noisySample"
            """)
        let extra = try #require(failed["extra_data"] as? [String: Any])
        #expect(extra["status"] as? String == "wrong_value")
        #expect(extra["expected"] as? String == "1.5")
        #expect(extra["got"] as? String == "2.5")
        #expect((extra["index"] as? NSNumber)?.intValue == 0)

        let passed = tests[0]
        #expect(passed["status"] as? String == "passed")
        #expect((passed["score"] as? NSNumber)?.doubleValue == 1)
        #expect(passed["output"] as? String == "passed")
        let passedExtra = try #require(passed["extra_data"] as? [String: Any])
        #expect(Set(passedExtra.keys) == ["status"])
        #expect(passedExtra["status"] as? String == "passed")

        let nonFinite = try #require(tests[4]["extra_data"] as? [String: Any])
        #expect(nonFinite["status"] as? String == "non_finite")
        #expect((nonFinite["index"] as? NSNumber)?.intValue == 3)
        #expect(nonFinite["expected"] == nil)
    }

    @Test("Gradescope: crash place, missing verdicts, and an ungraded copy")
    func gradescopeOthers() throws {
        let carol = GradescopeResults(ClassFixture.carol, exercises: exercises)
        #expect(carol.tests[3].output.contains("Where: Exercises/Chapter03.swift:14:13"))
        #expect(carol.tests[3].extraData.status == "crashed")
        #expect(carol.tests[4].extraData.status == "not_run")
        #expect(carol.tests[4].output.hasPrefix("not run: "))
        #expect(carol.tests[0].output.contains("Reproduce: swift test --filter ExerciseChecks.Chapter01"))

        let bob = GradescopeResults(ClassFixture.bob, exercises: exercises)
        #expect(bob.output.contains("""
            Notes:
              grading was not sandboxed (bubblewrap is not installed)
              compile error in Exercises/Chapter03.swift (graded as the stub instead):
                Chapter03.swift:12:5: error: cannot find 'halfDim' in scope
            """))

        let dave = GradescopeResults(ClassFixture.dave, exercises: exercises)
        #expect(dave.score == 0)
        #expect(dave.output.contains("could not be graded: not a copy of the kit"))
        #expect(dave.extraData.gradingStatus == "not a copy of the kit: no Package.swift, no Exercises/")
        #expect(dave.tests.allSatisfy { $0.status == "failed" && $0.extraData.status == "not_run" && !$0.output.contains("Reproduce") })
    }

    @Test("Gradescope: a total of fractional points prints short")
    func gradescopeFractions() throws {
        let tenths = [ExerciseInfo(id: "1.1", name: "1.1 a", points: 0.1), ExerciseInfo(id: "1.2", name: "1.2 b", points: 0.2)]
        let passed = LearnerResult(learner: "x", source: "x", verdicts: [
            "1.1": Verdict(exercise: "1.1", status: .passed, message: "passed"),
            "1.2": Verdict(exercise: "1.2", status: .passed, message: "passed")])
        let text = String(decoding: try GradescopeResults(passed, exercises: tenths).json(), as: UTF8.self)
        #expect(text.contains("\"score\" : 0.3,"))
    }

    @Test("Gradescope: the same results give the same bytes, keys sorted")
    func gradescopeDeterministic() throws {
        let first = try GradescopeResults(ClassFixture.bob, exercises: exercises).json()
        let second = try GradescopeResults(ClassFixture.bob, exercises: exercises).json()
        #expect(first == second)
        let text = String(decoding: first, as: UTF8.self)
        let keys = ["\"extra_data\"", "\"output\"", "\"score\"", "\"tests\""].compactMap { text.range(of: $0)?.lowerBound }
        #expect(keys.count == 4 && keys == keys.sorted())

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("grading-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("results.json")
        try GradescopeResults(ClassFixture.bob, exercises: exercises).write(to: url)
        #expect(try Data(contentsOf: url) == first)
    }

    @Test("grades.csv: header, the points row, then one row per learner")
    func gradesCSV() {
        let lines = GradebookCSV.grades(ClassFixture.learners + [ClassFixture.dave], exercises: exercises)
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines == [
            "learner,1.1,1.2,2.1,3.1,3.2,total,max,grading_status",
            "points,1,2,1.5,1,0.25,5.75,5.75,",
            "alice,1,0,1.5,0,0,2.5,5.75,graded",
            "bob,0,0,1.5,0,0,1.5,5.75,graded",
            "carol,0,2,0,0,0,2,5.75,graded",
            "dave,0,0,0,0,0,0,5.75,\"not a copy of the kit: no Package.swift, no Exercises/\"",
            "",
        ])
    }

    @Test("grades-long.csv: one row per learner and exercise, quoted as RFC 4180 says")
    func longCSV() {
        let lines = GradebookCSV.long(ClassFixture.learners, exercises: exercises)
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 1 + 3 * 5 + 1)
        #expect(lines[0] == "learner,exercise,name,status,score,max_score,message")
        #expect(lines[1] == "alice,1.1,1.1 forward process,passed,1,1,passed")
        #expect(lines[2] == "alice,1.2,1.2 noisy sample,wrong_value,0,2,\"wrong value in \"\"noisy sample\"\" at index 0: expected 1.5, got 2.5\"")
        #expect(lines[3] == "alice,2.1,2.1 linear schedule,passed,1.5,1.5,passed")
        #expect(lines[5] == "alice,3.2,3.2 sizes of convolutions,non_finite,0,0.25,NaN in sizes at index 3")
        #expect(lines[6] == "bob,1.1,1.1 forward process,threw,0,1,exercise 1.1 threw an error: badInput")
        #expect(lines[15].hasPrefix("carol,3.2,3.2 sizes of convolutions,not_run,0,0.25,not run: "))
        #expect(lines[16] == "")
    }

    @Test("CSV fields and numbers")
    func fieldsAndNumbers() {
        #expect(GradebookCSV.field("plain") == "plain")
        #expect(GradebookCSV.field("a,b") == "\"a,b\"")
        #expect(GradebookCSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(GradebookCSV.field("two\nlines") == "\"two\nlines\"")
        #expect(GradebookCSV.field("crlf\r\nend") == "\"crlf\r\nend\"")
        #expect(GradebookCSV.field("cr\rend") == "\"cr\rend\"")
        #expect(GradebookCSV.number(1) == "1")
        #expect(GradebookCSV.number(0) == "0")
        #expect(GradebookCSV.number(-0.0) == "0")
        #expect(GradebookCSV.number(2.5) == "2.5")
        #expect(GradebookCSV.number(0.25) == "0.25")
        #expect(GradebookCSV.number(1.0 / 3) == "0.33")
        #expect(GradebookCSV.number(0.1 + 0.2) == "0.3")
        #expect(GradebookCSV.number(26.999) == "27")
    }
}
