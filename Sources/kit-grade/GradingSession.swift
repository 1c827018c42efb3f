// GradingSession.swift — grading a class in one workspace, with a progress bar, and
// writing the reports.

import Foundation
import Grading
import Notebook

/// One run of kit-grade.
final class GradingSession {
    let kit: URL
    let catalog: ExerciseCatalog
    let grader: LearnerGrader

    /// Prepares the workspace (pristine files, resolved dependencies).
    init(kit: URL, catalog: ExerciseCatalog, workspaceFolder: URL, sandbox: Sandbox) throws {
        self.kit = kit
        self.catalog = catalog
        let workspace = try Workspace(kit: kit, root: workspaceFolder)
        try workspace.install(exercises: workspace.stubs)
        let resolve = workspace.resolve()
        guard resolve.status == 0 else {
            throw GradingError.other("cannot resolve the kit's dependencies in \(workspace.package.path): \(resolve.output.split(separator: "\n").suffix(3).joined(separator: " | "))")
        }
        grader = LearnerGrader(catalog: catalog, workspace: workspace, sandbox: sandbox)
    }

    /// Resolves each copy (with `before`, the last commit before it) into the workspace's snapshots.
    func resolve(_ paths: [String], before: String?) -> [LearnerCopy] {
        LearnerCopy.uniqueIDs(paths.map { LearnerCopy.resolve(path: $0, before: before, snapshots: grader.workspace.snapshots) })
    }

    /// Grades each copy in turn, with a bar across learners and one line per learner.
    func grade(_ copies: [LearnerCopy]) throws -> [LearnerResult] {
        let bar = ProgressBar("grading", total: copies.count, unit: "copies")
        var results: [LearnerResult] = []
        for (i, copy) in copies.enumerated() {
            bar.update(i, info: "\(copy.id): starting")
            let result = grader.grade(copy) { phase in bar.update(i, info: "\(copy.id): \(phase)") }
            bar.pause()
            let timing = result.graded
                ? String(format: "build %.0f s, checks %.0f s", grader.lastTimings.build, grader.lastTimings.checks) : ""
            Console.write("\(copy.id): \(result.graded ? "\(GradebookCSV.number(result.score(catalog.exercises))) / \(GradebookCSV.number(catalog.exercises.maxScore))" : result.gradingStatus)  \(timing)\n")
            results.append(result)
            bar.update(i + 1, info: copy.id)
        }
        bar.finish()
        return results
    }

    /// Writes results/, grades.csv, grades-long.csv, feedback/ and summary.md into `out`.
    func writeReports(_ results: [LearnerResult], out: URL) throws {
        let exercises = catalog.exercises
        let resultsFolder = out.appendingPathComponent("results")
        try FileManager.default.createDirectory(at: resultsFolder, withIntermediateDirectories: true)
        for result in results {
            try GradescopeResults(result, exercises: exercises).write(to: resultsFolder.appendingPathComponent("\(result.learner).json"))
        }
        try GradebookCSV.write(results, exercises: exercises, into: out)
        try FeedbackReport.write(results, exercises: exercises, into: out)
        try ClassSummary.write(results, exercises: exercises, into: out)
    }

    /// `--check-kit`: grades the fixtures, compares everything with what it must be,
    /// prints each difference, and returns whether there were none.
    func checkKit(out: URL) throws -> Bool {
        let fixturesFolder = grader.workspace.root.appendingPathComponent("fixtures")
        let outside = kit.appendingPathComponent("grading-escape-\(UUID().uuidString.prefix(8)).txt")
        let listener = try LocalListener()
        defer { listener.close() }
        let fixtures = try KitFixtures.make(kit: kit, in: fixturesFolder, outside: outside, port: listener.port)
        grader.extraEnvironment["KIT_GRADE_CPU_SECONDS"] = "5"      // the endless loop times out sooner
        let copies = fixtures.map { LearnerCopy.resolve(path: $0.copy.path, before: $0.before,
                                                        snapshots: grader.workspace.snapshots) }
        let results = try grade(copies)
        try writeReports(results, out: out)
        Console.write(ClassSummary.text(results, exercises: catalog.exercises) + "\n")

        var problems: [String] = []
        for (fixture, result) in zip(fixtures, results) {
            problems += KitCheck.problems(fixture, result, exercises: catalog.exercises)
        }
        problems += KitCheck.reportProblems(out: out, fixtures: Array(zip(fixtures, results)), exercises: catalog.exercises)
        if grader.sandbox.isolated {
            if FileManager.default.fileExists(atPath: outside.path) {
                problems.append("the mistakes copy wrote \(outside.path), outside its workspace")
                try? FileManager.default.removeItem(at: outside)
            }
            if listener.accepted() { problems.append("the mistakes copy connected to this process through the network") }
        } else {
            try? FileManager.default.removeItem(at: outside)
            Console.write("check-kit: not sandboxed, so the escape attempt (5.1) reached the machine; its expectations were not checked\n")
        }
        for problem in problems { Console.write("check-kit: ✗ \(problem)\n") }
        Console.write(problems.isEmpty
            ? "check-kit: ok — solutions full marks, stubs all not_started, every planted mistake named, every status produced\n"
            : "check-kit: \(problems.count) problem\(problems.count == 1 ? "" : "s")\n")
        return problems.isEmpty
    }
}
