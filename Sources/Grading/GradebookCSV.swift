// GradebookCSV.swift — the class's gradebook as CSV: one row per learner (grades.csv),
// and one row per learner and exercise (grades-long.csv).

import Foundation

/// Writes the gradebook's two CSV files. Fields are quoted as RFC 4180 says; lines end
/// with "\n".
public enum GradebookCSV {
    /// grades.csv: the header `learner,<ids>,total,max,grading_status`, then a `points`
    /// row with what each exercise is worth, then one row per learner (in the order given)
    /// with the points earned per exercise (0 unless passed).
    public static func grades(_ results: [LearnerResult], exercises: [ExerciseInfo]) -> String {
        let max = number(exercises.maxScore)
        var rows: [[String]] = [
            ["learner"] + exercises.map(\.id) + ["total", "max", "grading_status"],
            ["points"] + exercises.map { number($0.points) } + [max, max, ""],
        ]
        for result in results {
            let earned = exercises.map { result.verdict(for: $0).status == .passed ? $0.points : 0 }
            rows.append([result.learner] + earned.map(number)
                        + [number(result.score(exercises)), max, result.gradingStatus])
        }
        return document(rows)
    }

    /// grades-long.csv: the header `learner,exercise,name,status,score,max_score,message`,
    /// then one row per learner × exercise, learners in the order given, exercises in kit order.
    public static func long(_ results: [LearnerResult], exercises: [ExerciseInfo]) -> String {
        var rows: [[String]] = [["learner", "exercise", "name", "status", "score", "max_score", "message"]]
        for result in results {
            for exercise in exercises {
                let verdict = result.verdict(for: exercise)
                let score = verdict.status == .passed ? exercise.points : 0
                rows.append([result.learner, exercise.id, exercise.name, verdict.status.rawValue,
                             number(score), number(exercise.points), verdict.message])
            }
        }
        return document(rows)
    }

    /// Writes grades.csv and grades-long.csv into `folder` (which must exist).
    public static func write(_ results: [LearnerResult], exercises: [ExerciseInfo], into folder: URL) throws {
        try Data(grades(results, exercises: exercises).utf8)
            .write(to: folder.appendingPathComponent("grades.csv"), options: .atomic)
        try Data(long(results, exercises: exercises).utf8)
            .write(to: folder.appendingPathComponent("grades-long.csv"), options: .atomic)
    }

    /// A number as the reports print it: integers without ".0" ("1"), others with up to
    /// two decimals ("2.5", "0.33").
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded(), abs(rounded) < 1e15 {
            return String(Int(rounded))                       // also turns -0 into "0"
        }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// One CSV field, quoted when it holds a comma, a quote, CR or LF (quotes doubled).
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Rows joined into a CSV document.
    static func document(_ rows: [[String]]) -> String {
        rows.map { $0.map(field).joined(separator: ",") + "\n" }.joined()
    }
}
