// kit-grade — the instructor's grader: learners' copies in, a gradebook out.
//
//     swift run kit-grade ~/class/alice ~/class/bob --before "2026-12-18 23:59"
//     swift run kit-grade .                 # a learner's own progress table
//     swift run kit-grade --check-kit       # the kit grades itself
//
// Each copy is graded in one workspace made from this kit (only the copy's
// Exercises/*.swift are taken), sandboxed with bubblewrap when it is installed.
// Writes into --out (default grading/): results/<learner>.json (Gradescope),
// grades.csv, grades-long.csv, feedback/<learner>.md and summary.md.

import ArgumentParser
import Foundation
import Grading
import Notebook

@main
struct KitGrade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kit-grade",
        abstract: "Grade learners' copies of the kit: Gradescope results, a CSV gradebook and feedback per learner.",
        discussion: """
            Only each copy's Exercises/*.swift is graded, in a workspace made from this kit; any other \
            file a learner changed is listed as "changed, ignored". Points are 1 per exercise unless \
            grading.json at the kit's root says otherwise: {"points": {"1.1": 2, "8.3": 3}}.

            Exit status: 0 when every copy was graded (whatever the scores), 1 when some copy could \
            not be, 64 for bad usage.
            """)

    @Argument(help: "Learners' copies: folders or git repositories.")
    var copies: [String] = []

    @Option(help: "Where the reports go.")
    var out = "grading"

    @Option(help: "Grade each copy's last commit before this date (git repositories only), e.g. \"2026-12-18 23:59\".")
    var before: String?

    @Option(help: "The reused build workspace (default: <out>/.workspace).")
    var workspace: String?

    @Flag(help: "Run learner code without bubblewrap even when it is installed.")
    var noSandbox = false

    @Flag(help: "Grade the kit's own fixtures (solutions, stubs, planted mistakes) and check every result.")
    var checkKit = false

    func validate() throws {
        if copies.isEmpty && !checkKit { throw ValidationError("give at least one learner's copy (or `.` for this one), or --check-kit") }
        if !copies.isEmpty && checkKit { throw ValidationError("--check-kit grades the kit's own fixtures; give no copies with it") }
        if let before, !Deadline.isValid(before) {
            throw ValidationError("--before \"\(before)\" is not a date: write it as 2026-12-18 or \"2026-12-18 23:59\"")
        }
        if copies.contains(where: { !FileManager.default.fileExists(atPath: $0) }) {
            let missing = copies.filter { !FileManager.default.fileExists(atPath: $0) }
            throw ValidationError("no such folder: \(missing.joined(separator: ", "))")
        }
    }

    func run() throws {
        let kit = KitLocation.root
        let catalog: ExerciseCatalog
        do { catalog = try ExerciseCatalog(kit: kit) } catch {
            Console.write("kit-grade: \(error)\n")
            throw ExitCode(64)
        }
        let outFolder = URL(fileURLWithPath: out).standardizedFileURL
        do { try FileManager.default.createDirectory(at: outFolder, withIntermediateDirectories: true) } catch {
            Console.write("kit-grade: cannot write the output folder \(outFolder.path): \(error.localizedDescription)\n")
            throw ExitCode(64)
        }
        let workspaceFolder = workspace.map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? outFolder.appendingPathComponent(".workspace")
        let sandbox = noSandbox ? Sandbox.none : Sandbox.detect()
        if !sandbox.isolated { Console.write("kit-grade: \(Sandbox.notSandboxedNote)\n") }

        let session = try GradingSession(kit: kit, catalog: catalog, workspaceFolder: workspaceFolder, sandbox: sandbox)
        if checkKit {
            let ok = try session.checkKit(out: outFolder)
            if !ok { throw ExitCode(1) }
            return
        }
        let resolved = session.resolve(copies, before: before.map(Deadline.normalised))
        let results = try session.grade(resolved)
        try session.writeReports(results, out: outFolder)
        Console.write(ClassSummary.text(results, exercises: catalog.exercises) + "\n")
        Console.write("reports in \(outFolder.path): results/, grades.csv, grades-long.csv, feedback/, summary.md\n")
        if results.contains(where: { !$0.graded }) { throw ExitCode(1) }
    }
}

/// Where the kit this command was built from lives (its pristine files).
enum KitLocation {
    /// The kit's root: three folders above this source file, or the working folder.
    static var root: URL {
        let fromSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: fromSource.appendingPathComponent("Exercises").path) { return fromSource }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}
