// Workspace: which pristine files of a (fake) kit the grading workspace takes, and how
// it installs a learner's exercises (no build is run).

import Foundation
import Testing
import Grading

@Suite("Workspace")
struct WorkspaceTests {
    /// A fake kit with files the workspace takes and files it leaves out.
    static func makeKit(_ folder: TemporaryFolder) throws {
        let files = [
            "Package.swift": "// swift-tools-version: 6.1\n",
            "Package.resolved": "{\"pins\": []}\n",
            "Sources/Tensors/Tensor.swift": "public struct Tensor {}\n",
            "Sources/Grading/Verdict.swift": "public struct Verdict {}\n",
            "Sources/CBLAS/module.modulemap": "module CBLAS {}\n",
            "Sources/kit-bench/main.swift": "print(1)\n",                          // not a grading target
            "Tests/ExerciseChecks/Chapter01.swift": "@Test(\"1.1 qSample\") func q() {}\n",
            "Tests/ExerciseChecks/Support/Grader.swift": "enum Grader {}\n",
            "Tests/TensorsTests/TensorTests.swift": "@Test func t() {}\n",          // not the grader
            "Solutions/Chapter01.swift": "solution\n",
            "Exercises/Chapter01.swift": "stub 1\n",
            "Exercises/Chapter02.swift": "stub 2\n",
        ]
        for (path, text) in files { try folder.write(text, to: path, under: "kit") }
    }

    @Test("the workspace takes the manifest, the grading targets' sources, the grader and the stubs")
    func pristineFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.makeKit(folder)
        let workspace = try Workspace(kit: folder("kit"), root: folder("ws"))
        #expect(workspace.pristine.keys.sorted() == [
            "Package.resolved", "Package.swift", "Sources/CBLAS/module.modulemap", "Sources/Grading/Verdict.swift",
            "Sources/Tensors/Tensor.swift", "Tests/ExerciseChecks/Chapter01.swift", "Tests/ExerciseChecks/Support/Grader.swift",
        ])
        #expect(workspace.stubs == ["Exercises/Chapter01.swift": Data("stub 1\n".utf8),
                                    "Exercises/Chapter02.swift": Data("stub 2\n".utf8)])
        #expect(workspace.package.path == folder("ws/kit").path)
        #expect(workspace.home.path == folder("ws/home").path)
        #expect(workspace.verdictFile.path == folder("ws/run/verdicts.jsonl").path)
        #expect(workspace.environment == ["KIT_ONLY": "CBLAS,CPNG,CMalloc,CZlib,Tensors,Figures,NeuralNets,Datasets,Diffusion,Metrics,Notebook,DiffusionKit,Exercises,Grading,ExerciseChecks"])
        #expect(throws: (any Error).self) { try Workspace(kit: folder("nothing here"), root: folder("ws2")) }
    }

    @Test("install puts the learner's exercises into the pristine package, and removes the previous learner's extras")
    func install() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.makeKit(folder)
        let workspace = try Workspace(kit: folder("kit"), root: folder("ws"))
        try workspace.install(exercises: workspace.stubs.merging([
            "Exercises/Chapter01.swift": Data("learner 1\n".utf8),
            "Exercises/Helpers.swift": Data("helpers\n".utf8),
        ]) { $1 })
        #expect(KitFiles.list(workspace.package) == [
            "Exercises/Chapter01.swift", "Exercises/Chapter02.swift", "Exercises/Helpers.swift", "Package.swift",
            "Sources/CBLAS/module.modulemap", "Sources/Grading/Verdict.swift", "Sources/Tensors/Tensor.swift",
            "Tests/ExerciseChecks/Chapter01.swift", "Tests/ExerciseChecks/Support/Grader.swift",
        ])
        #expect(try folder.read("ws/kit/Exercises/Chapter01.swift") == "learner 1\n")
        #expect(try folder.read("ws/kit/Package.resolved") == "{\"pins\": []}\n")
        #expect(folder.exists("ws/home"))
        #expect(folder.exists("ws/run"))

        try workspace.install(exercises: workspace.stubs)
        #expect(try folder.read("ws/kit/Exercises/Chapter01.swift") == "stub 1\n")
        #expect(!folder.exists("ws/kit/Exercises/Helpers.swift"))
    }
}
