// LearnerGrader.swift — grading one copy: install, build, check, collect.
//
// 1. The copy's `Exercises/*.swift` go into the workspace (a missing chapter file is
//    graded as its stub).
// 2. The build runs sandboxed. When it fails, each learner file the compiler blames is
//    swapped for its pristine stub (an extra file is removed) and the build runs again,
//    so one chapter's compile error does not zero the others; that chapter's exercises
//    are reported `compile_error` with the compiler's first lines.
// 3. The checks run sandboxed, one after another (`--no-parallel`), and append their
//    verdicts to a file; an exercise without a verdict is `not_run`.

import Foundation

/// Grades learners' copies in one reused workspace.
public final class LearnerGrader {
    /// The exercises, names and points.
    public let catalog: ExerciseCatalog
    /// The workspace the copies are built in.
    public let workspace: Workspace
    /// How learner code is confined.
    public let sandbox: Sandbox
    /// The longest a learner's build may take, in seconds.
    public var buildSeconds: Double = 1800
    /// The longest a learner's checks may take together, in seconds.
    public var checkSeconds: Double = 1800
    /// Variables added to the checks' environment (kit-grade's self-check shortens the CPU limit).
    public var extraEnvironment: [String: String] = [:]
    /// Seconds spent building and checking the last copy graded.
    public private(set) var lastTimings: (build: Double, checks: Double) = (0, 0)

    /// A grader for the kit's `catalog`, building in `workspace`.
    public init(catalog: ExerciseCatalog, workspace: Workspace, sandbox: Sandbox) {
        self.catalog = catalog
        self.workspace = workspace
        self.sandbox = sandbox
    }

    /// Grades one copy. `phase` is told what is happening ("building 12 s", "checking 3 s")
    /// about once a second.
    public func grade(_ copy: LearnerCopy, phase: @escaping (String) -> Void = { _ in }) -> LearnerResult {
        var result = LearnerResult(learner: copy.id, source: copy.source, graded: false, gradingStatus: "")
        if !sandbox.isolated { result.notes.append(Sandbox.notSandboxedNote) }
        if let problem = copy.problem {
            result.gradingStatus = "not graded: \(problem)"
            return result
        }
        result.changedIgnored = KitFiles.changedOutsideExercises(copy: copy.root, kit: workspace.kit)
        var exercises = copy.exerciseFiles()
        for (path, stub) in workspace.stubs where exercises[path] == nil {
            exercises[path] = stub
            result.notes.append("\(path) is missing from the copy: its stubs were graded")
        }

        let learnerFiles = exercises          // what the learner wrote, for the file:line of each exercise

        // Build, swapping the files the compiler blames for their stubs.
        phase("building")
        let buildStart = Date()
        var compileErrors: [String: [String]] = [:]
        while true {
            do { try workspace.install(exercises: exercises) } catch {
                result.gradingStatus = "not graded: cannot write the workspace \(workspace.package.path): \(error)"
                return result
            }
            let build = runSandboxed(["swift", "build", "--build-tests", "--scratch-path", ".build"], seconds: buildSeconds) {
                phase(String(format: "building %.0f s", Date().timeIntervalSince(buildStart)))
            }
            if build.status == 0 { break }
            if build.timedOut {
                result.gradingStatus = "not graded: the build took more than \(Int(buildSeconds)) s"
                return result
            }
            let errors = CompilerDiagnostics.errorsByExerciseFile(build.output)
            let blamed = errors.keys.filter { exercises[$0] != nil && exercises[$0] != workspace.stubs[$0] }.sorted()
            guard !blamed.isEmpty else {
                let first = (errors[""] ?? []).prefix(3).joined(separator: " | ")
                let tail = build.output.split(separator: "\n").suffix(3).joined(separator: " | ")
                result.gradingStatus = "not graded: the kit did not build: \(first.isEmpty ? tail : first)"
                return result
            }
            for file in blamed {
                compileErrors[file] = Array((errors[file] ?? []).prefix(5))
                exercises[file] = workspace.stubs[file]         // nil for an extra file: removed
            }
        }
        let built = Date()

        // Check.
        phase("checking")
        try? FileManager.default.removeItem(at: workspace.verdictFile)
        let run = runSandboxed(["swift", "test", "--skip-build", "--no-parallel", "--scratch-path", ".build"],
                               seconds: checkSeconds,
                               extra: extraEnvironment.merging([VerdictChannel.fileVariable: workspace.verdictFile.path]) { $1 }) {
            phase(String(format: "checking %.0f s", Date().timeIntervalSince(built)))
        }
        lastTimings = (built.timeIntervalSince(buildStart), Date().timeIntervalSince(built))
        var verdicts: [String: Verdict] = [:]
        let lines = (try? String(contentsOf: workspace.verdictFile, encoding: .utf8)) ?? ""
        for line in lines.split(separator: "\n") {
            if let verdict = Verdict(jsonLine: line) { verdicts[verdict.exercise] = verdict }
        }

        for exercise in catalog.exercises {
            let file = "Exercises/" + (catalog.chapterFiles[exercise.id] ?? ExerciseCatalog.chapterFile(of: exercise.id))
            if let errors = compileErrors[file] {
                verdicts[exercise.id] = Verdict(
                    exercise: exercise.id, name: exercise.name, status: .compileError,
                    message: "compile error in \(file): none of its exercises could be checked (its stubs were built instead) — \(errors.first ?? "")",
                    test: verdicts[exercise.id]?.test)
            } else if verdicts[exercise.id] == nil {
                let why = run.timedOut ? "the checks took more than \(Int(checkSeconds)) s in all and were stopped"
                    : "the test run ended before this check reported (status \(run.status))"
                verdicts[exercise.id] = Verdict(exercise: exercise.id, name: exercise.name, status: .notRun, message: "not run: \(why)")
            }
            verdicts[exercise.id]?.name = exercise.name
            if let name = catalog.functionNames[exercise.id], let data = learnerFiles[file],
               let line = Self.line(of: name, in: data) {
                result.locations[exercise.id] = "\(file):\(line)"
            }
        }
        for (file, errors) in compileErrors.sorted(by: { $0.key < $1.key }) {
            result.notes.append("compile error in \(file) (graded as the stub instead):\n" + errors.joined(separator: "\n"))
        }
        result.verdicts = verdicts
        result.graded = true
        result.gradingStatus = "graded"
        return result
    }

    /// Runs a command in the workspace's package, sandboxed when possible.
    private func runSandboxed(_ command: [String], seconds: Double, extra: [String: String] = [:],
                              tick: @escaping () -> Void) -> ProcessRunner.Outcome {
        ProcessRunner.run(sandbox.wrap(command, writable: workspace.root, home: workspace.home, directory: workspace.package), in: workspace.package,
                          environment: workspace.environment.merging(extra) { $1 }, seconds: seconds, tick: { _ in tick() })
    }

    /// The 1-based line of `func name(` in a Swift file.
    static func line(of name: String, in data: Data) -> Int? {
        let text = String(decoding: data, as: UTF8.self)
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.contains("func \(name)(") || line.contains("func \(name)<") {
            return i + 1
        }
        return nil
    }
}
