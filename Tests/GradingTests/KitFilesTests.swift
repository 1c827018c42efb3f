// KitFiles: listing a kit copy's files, what a copy changed outside Exercises/*.swift,
// mirroring files into the workspace, and reading a folder's files — on fake kits in a
// temporary folder.

import Foundation
import Testing
@testable import Grading

@Suite("Kit files")
struct KitFilesTests {
    /// A fake kit under `base`, with the build products and version-control data a copy may hold.
    static func makeKit(_ folder: TemporaryFolder, under base: String) throws {
        let files = [
            "Package.swift": "// swift-tools-version: 6.1\n",
            "README.md": "# The diffusion kit\n",
            "Sources/Tensors/Tensor.swift": "public struct Tensor {}\n",
            "Tests/ExerciseChecks/Chapter01.swift": "@Test(\"1.1 closed-form qSample\") func abc() {}\n",
            "Exercises/Chapter01.swift": "throw NotImplemented(\"1.1\")\n",
            // Skipped by `list`:
            "Package.resolved": "{\"pins\": []}\n",
            ".git/HEAD": "ref: refs/heads/main\n",
            ".build-x/debug.yaml": "client: {}\n",
            ".build/debug/Tensors.o": "object\n",
            ".swiftpm/configuration/mirrors.json": "{}\n",
            "out/figure.png": "png\n",
            "grading/grades.csv": "learner,score\n",
            "Sources/Tensors/.build/stale.o": "nested build product\n",
        ]
        for (path, text) in files { try folder.write(text, to: path, under: base) }
    }

    @Test("list gives the sorted files, without build products, outputs or version control")
    func list() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.makeKit(folder, under: "kit")
        #expect(KitFiles.list(folder("kit")) == [
            "Exercises/Chapter01.swift",
            "Package.swift",
            "README.md",
            "Sources/Tensors/Tensor.swift",
            "Tests/ExerciseChecks/Chapter01.swift",
        ])
        #expect(KitFiles.list(folder("no such folder")) == [])
    }

    @Test("only Exercises/*.swift are exercise files")
    func exerciseFiles() {
        #expect(KitFiles.isExerciseFile("Exercises/Chapter01.swift"))
        #expect(KitFiles.isExerciseFile("Exercises/Helpers.swift"))
        #expect(!KitFiles.isExerciseFile("Exercises/Sub/x.swift"))
        #expect(!KitFiles.isExerciseFile("Exercises/notes.txt"))
        #expect(!KitFiles.isExerciseFile("Solutions/Chapter01.swift"))
        #expect(!KitFiles.isExerciseFile("Chapter01.swift"))
    }

    @Test("changes outside Exercises/*.swift are reported as changed, added or deleted")
    func changedOutsideExercises() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.makeKit(folder, under: "kit")
        try Self.makeKit(folder, under: "copy")
        // Graded files and skipped files: not reported.
        try folder.write("public static func qSample() { 42 }\n", to: "copy/Exercises/Chapter01.swift")
        try folder.write("extension Tensor {}\n", to: "copy/Exercises/Helpers.swift")
        try folder.write("{\"pins\": [1]}\n", to: "copy/Package.resolved")
        try folder.write("ref: refs/heads/learner\n", to: "copy/.git/HEAD")
        try folder.write("new figure\n", to: "copy/out/figure2.png")
        // Reported: same size, one byte different; a nested file in Exercises; a new file; a deleted one.
        try folder.write("@Test(\"1.1 closed-form qSample\") func abd() {}\n", to: "copy/Tests/ExerciseChecks/Chapter01.swift")
        try folder.write("func helper() {}\n", to: "copy/Exercises/Sub/x.swift")
        try folder.write("my notes\n", to: "copy/Notes.txt")
        try FileManager.default.removeItem(at: folder("copy/README.md"))

        #expect(KitFiles.changedOutsideExercises(copy: folder("copy"), kit: folder("kit")) == [
            "Exercises/Sub/x.swift (added)",
            "Notes.txt (added)",
            "README.md (deleted)",
            "Tests/ExerciseChecks/Chapter01.swift (changed)",
        ])
        #expect(KitFiles.changedOutsideExercises(copy: folder("kit"), kit: folder("kit")) == [])
    }

    @Test("mirror writes changed files, removes extra ones and leaves unchanged ones alone")
    func mirror() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let fm = FileManager.default
        try folder.write("// swift-tools-version: 6.1\n", to: "dest/Package.swift")
        try folder.write("let a = 1\n", to: "dest/Sources/A.swift")
        try folder.write("let old = 0\n", to: "dest/Sources/Old.swift")
        try folder.write("object\n", to: "dest/.build/debug/A.o")
        let old = Date(timeIntervalSince1970: 1_600_000_000)
        for path in ["dest/Package.swift", "dest/Sources/A.swift"] {
            try fm.setAttributes([.modificationDate: old], ofItemAtPath: folder(path).path)
        }

        try KitFiles.mirror([
            "Package.swift": Data("// swift-tools-version: 6.1\n".utf8),
            "Sources/A.swift": Data("let a = 2\n".utf8),
            "Exercises/Chapter01.swift": Data("throw NotImplemented(\"1.1\")\n".utf8),
        ], into: folder("dest"))

        #expect(KitFiles.list(folder("dest")) == ["Exercises/Chapter01.swift", "Package.swift", "Sources/A.swift"])
        #expect(try folder.read("dest/Sources/A.swift") == "let a = 2\n")
        #expect(try folder.read("dest/Exercises/Chapter01.swift") == "throw NotImplemented(\"1.1\")\n")
        #expect(!folder.exists("dest/Sources/Old.swift"))
        #expect(folder.exists("dest/.build/debug/A.o"))      // build products are kept
        func modified(_ path: String) throws -> Date? {
            try fm.attributesOfItem(atPath: folder(path).path)[.modificationDate] as? Date
        }
        let unchanged = try #require(try modified("dest/Package.swift"))
        #expect(abs(unchanged.timeIntervalSince(old)) < 1)
        let rewritten = try #require(try modified("dest/Sources/A.swift"))
        #expect(rewritten.timeIntervalSince(old) > 1_000)

        // Into a folder that does not exist yet.
        try KitFiles.mirror(["a/b.txt": Data("b".utf8)], into: folder("fresh/dest"))
        #expect(KitFiles.list(folder("fresh/dest")) == ["a/b.txt"])
    }

    @Test("read gives a folder's files with the folder's prefix")
    func read() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.makeKit(folder, under: "kit")
        try folder.write("public func relu() {}\n", to: "kit/Sources/Tensors/Ops/ReLU.swift")
        let files = try KitFiles.read(folder("kit"), under: "Sources/Tensors")
        #expect(files == [
            "Sources/Tensors/Tensor.swift": Data("public struct Tensor {}\n".utf8),
            "Sources/Tensors/Ops/ReLU.swift": Data("public func relu() {}\n".utf8),
        ])
        #expect(try KitFiles.read(folder("kit"), under: "Sources/Missing") == [:])
    }
}
