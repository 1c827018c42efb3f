// KitCheck.swift — `kit-grade --check-kit`: the kit grades itself.
//
// The fixtures (KitFixtures.swift) are graded like a class, and every result is
// compared with what it must be: the solutions score full marks, the pristine stubs
// are all `not_started`, each planted mistake gets its status (and the words that name
// it), the late copy is `not_run`, nothing was written outside the workspace, and the
// written gradebook and Gradescope files say the same, field by field.

import Foundation

/// Comparing a graded fixture with its expectations.
public enum KitCheck {
    /// The differences between a fixture's expected and actual grading (empty: as expected).
    public static func problems(_ fixture: KitFixture, _ result: LearnerResult, exercises: [ExerciseInfo]) -> [String] {
        var problems: [String] = []
        let who = result.learner
        if result.graded != fixture.gradable {
            problems.append("\(who): expected \(fixture.gradable ? "graded" : "not graded"), got \"\(result.gradingStatus)\"")
        }
        for exercise in exercises {
            let verdict = result.verdict(for: exercise)
            let expected = fixture.expected[exercise.id] ?? .passed
            if verdict.status != expected {
                problems.append("\(who) \(exercise.id): expected \(expected.rawValue), got \(verdict.status.rawValue) — \(verdict.message)")
            } else if let words = fixture.messageContains[exercise.id],
                      !(verdict.message + " " + (verdict.location ?? "")).contains(words) {
                problems.append("\(who) \(exercise.id): the message should contain \"\(words)\": \(verdict.message)")
            }
        }
        for file in fixture.changedIgnored where !result.changedIgnored.contains(file) {
            problems.append("\(who): \"\(file)\" should be listed as changed and ignored (listed: \(result.changedIgnored))")
        }
        return problems
    }

    /// Checks the written reports in `out` against the expectations, field by field.
    public static func reportProblems(out: URL, fixtures: [(KitFixture, LearnerResult)], exercises: [ExerciseInfo]) -> [String] {
        var problems: [String] = []
        let points = exercises.map(\.points)
        let total = points.reduce(0, +)
        // grades.csv: header, the points row, one row per learner.
        let csv = (try? String(contentsOf: out.appendingPathComponent("grades.csv"), encoding: .utf8)) ?? ""
        let rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = ["learner"] + exercises.map(\.id) + ["total", "max", "grading_status"]
        if rows.first != header { problems.append("grades.csv: header \(rows.first ?? []) ≠ \(header)") }
        let pointsRow = ["points"] + points.map(GradebookCSV.number) + [GradebookCSV.number(total), GradebookCSV.number(total), ""]
        if rows.count < 2 || rows[1] != pointsRow { problems.append("grades.csv: the first row after the header should be the points \(pointsRow)") }
        for (fixture, result) in fixtures {
            let earned = exercises.map { (fixture.expected[$0.id] ?? .passed) == .passed ? $0.points : 0 }
            guard let row = rows.first(where: { $0.first == result.learner }) else {
                problems.append("grades.csv: no row for \(result.learner)")
                continue
            }
            let expected = [result.learner] + earned.map(GradebookCSV.number)
                + [GradebookCSV.number(earned.reduce(0, +)), GradebookCSV.number(total)]
            if Array(row.prefix(expected.count)) != expected {
                problems.append("grades.csv: row \(row.prefix(expected.count)) ≠ \(expected)")
            }
            // results/<learner>.json: Gradescope's fields.
            let file = out.appendingPathComponent("results/\(result.learner).json")
            guard let data = try? Data(contentsOf: file),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let tests = json["tests"] as? [[String: Any]] else {
                problems.append("\(file.path): missing or not Gradescope JSON")
                continue
            }
            if (json["score"] as? NSNumber)?.doubleValue != earned.reduce(0, +) {
                problems.append("\(file.lastPathComponent): score \(json["score"] ?? "nil") ≠ \(earned.reduce(0, +))")
            }
            if tests.count != exercises.count { problems.append("\(file.lastPathComponent): \(tests.count) tests ≠ \(exercises.count)") }
            for (test, exercise) in zip(tests, exercises) {
                let status = fixture.expected[exercise.id] ?? .passed
                let extra = test["extra_data"] as? [String: Any]
                let fields: [(String, Bool)] = [
                    ("number", test["number"] as? String == exercise.id),
                    ("name", test["name"] as? String == exercise.name),
                    ("max_score", (test["max_score"] as? NSNumber)?.doubleValue == exercise.points),
                    ("score", (test["score"] as? NSNumber)?.doubleValue == (status == .passed ? exercise.points : 0)),
                    ("status", test["status"] as? String == (status == .passed ? "passed" : "failed")),
                    ("output", !((test["output"] as? String) ?? "").isEmpty),
                    ("extra_data.status", extra?["status"] as? String == status.rawValue),
                ]
                for (field, ok) in fields where !ok {
                    problems.append("\(file.lastPathComponent) \(exercise.id): field \(field) is wrong (\(test[field] ?? extra?["status"] ?? "nil"))")
                }
            }
        }
        return problems
    }
}
