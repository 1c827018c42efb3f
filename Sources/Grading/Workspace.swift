// Workspace.swift — where learners' exercises are built and checked.
//
// The workspace is made from the pristine kit the command runs from: its manifest,
// the library's sources, the grader (Tests/ExerciseChecks) and the stubs. Only the
// learner's `Exercises/*.swift` replace the stubs; nothing else of a copy is used, so
// a learner's edited tests never run. The package is trimmed with `KIT_ONLY` to the
// targets the grader needs, and the workspace is reused from learner to learner:
// files whose bytes do not change keep their dates, so each further build is
// incremental (the learner's module, the grader, one link).

import Foundation

/// The grading workspace: `root/kit` is the package, `root/home` the sandbox's home.
public struct Workspace: Sendable {
    /// The targets the grader builds (passed as `KIT_ONLY`).
    public static let targets = ["CBLAS", "CPNG", "CMalloc", "CZlib", "Tensors", "Figures", "NeuralNets", "Datasets",
                                 "Diffusion", "Metrics", "Notebook", "DiffusionKit", "Exercises", "Grading", "ExerciseChecks"]
    /// The pristine kit.
    public let kit: URL
    /// The workspace folder.
    public let root: URL
    /// The pristine files the workspace holds, apart from the learner's exercises.
    public let pristine: [String: Data]
    /// The pristine stubs, `Exercises/ChapterNN.swift` → bytes.
    public let stubs: [String: Data]

    /// The package folder inside the workspace.
    public var package: URL { root.appendingPathComponent("kit") }
    /// The sandbox's home folder.
    public var home: URL { root.appendingPathComponent("home") }
    /// Where `--before` extracts each copy's graded commit.
    public var snapshots: URL { root.appendingPathComponent("snapshots") }
    /// The file the checks append their verdicts to.
    public var verdictFile: URL { root.appendingPathComponent("run/verdicts.jsonl") }
    /// The environment of every build and test command.
    public var environment: [String: String] { ["KIT_ONLY": Self.targets.joined(separator: ",")] }

    /// Reads the pristine kit's files (not yet written: see `install`).
    public init(kit: URL, root: URL) throws {
        self.kit = kit
        self.root = root
        var files: [String: Data] = [:]
        files["Package.swift"] = try Data(contentsOf: kit.appendingPathComponent("Package.swift"))
        if let resolved = try? Data(contentsOf: kit.appendingPathComponent("Package.resolved")) {
            files["Package.resolved"] = resolved
        }
        for target in Self.targets where target != "Exercises" && target != "ExerciseChecks" {
            files.merge(try KitFiles.read(kit, under: "Sources/\(target)")) { $1 }
        }
        files.merge(try KitFiles.read(kit, under: "Tests/ExerciseChecks")) { $1 }
        pristine = files
        stubs = try KitFiles.read(kit, under: "Exercises")
    }

    /// Makes the package hold the pristine kit with `exercises` as its `Exercises/`.
    public func install(exercises: [String: Data]) throws {
        try KitFiles.mirror(pristine.merging(exercises) { $1 }, into: package)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: verdictFile.deletingLastPathComponent(), withIntermediateDirectories: true)
    }

    /// Resolves the package's dependencies (outside the sandbox: the manifest is the
    /// instructor's, and resolution may need the network or a mirror).
    public func resolve() -> ProcessRunner.Outcome {
        ProcessRunner.run(["swift", "package", "resolve", "--scratch-path", ".build"], in: package,
                          environment: environment, seconds: 1800)
    }
}
