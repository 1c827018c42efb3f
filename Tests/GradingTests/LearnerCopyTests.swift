// LearnerCopy: resolving a learner's copy (a missing folder, a plain folder, a git
// repository graded at a deadline), the ids of copies, and their exercise files.

import Foundation
import Testing
@testable import Grading

@Suite("Learner copies")
struct LearnerCopyTests {
    /// Runs a shell command in `folder` with git's configuration isolated from the machine's.
    @discardableResult
    static func sh(_ script: String, in folder: URL, date: String? = nil) throws -> String {
        var environment = ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
                           "GIT_AUTHOR_NAME": "Alice", "GIT_AUTHOR_EMAIL": "alice@example.org",
                           "GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.org"]
        if let date { environment["GIT_AUTHOR_DATE"] = date; environment["GIT_COMMITTER_DATE"] = date }
        let outcome = ProcessRunner.run(["sh", "-c", script], in: folder, environment: environment, seconds: 60)
        try #require(outcome.status == 0, "\(script): \(outcome.output)")
        return outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A git repository at `folder/relative` whose Exercises/Chapter01.swift says `texts[i]` in
    /// commit i, made at `dates[i]`; the commits' hashes.
    static func makeRepository(_ folder: TemporaryFolder, _ relative: String,
                               texts: [String], dates: [String]) throws -> [String] {
        let repository = folder(relative)
        try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
        try sh("git init -q .", in: repository)
        var hashes: [String] = []
        for (text, date) in zip(texts, dates) {
            try folder.write(text, to: "Exercises/Chapter01.swift", under: relative)
            try sh("git add -A && git commit -q -m '\(text)'", in: repository, date: date)
            hashes.append(try sh("git rev-parse HEAD", in: repository))
        }
        return hashes
    }

    @Test("a missing folder cannot be graded")
    func missing() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder("ghost").path
        let copy = LearnerCopy.resolve(path: path, before: nil, snapshots: folder("snapshots"))
        #expect(copy.id == "ghost")
        #expect(copy.problem == "no such folder: \(path)")
        try folder.write("not a folder\n", to: "file.txt")
        let file = LearnerCopy.resolve(path: folder("file.txt").path, before: "2026-12-18", snapshots: folder("snapshots"))
        #expect(file.problem == "no such folder: \(folder("file.txt").path)")
    }

    @Test("a plain folder is graded as it is when there is no deadline")
    func plainFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("second\n", to: "my copy!/Exercises/Chapter01.swift")
        let path = folder("my copy!").path
        let copy = LearnerCopy.resolve(path: path + "/", before: nil, snapshots: folder("snapshots"))
        #expect(copy.problem == nil)
        #expect(copy.id == "my_copy_")
        #expect(copy.root.path == path)
        #expect(copy.source == path)
        #expect(!folder.exists("snapshots"))
    }

    @Test("a deadline needs a git repository")
    func deadlineWithoutGit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("first\n", to: "bob/Exercises/Chapter01.swift")
        let copy = LearnerCopy.resolve(path: folder("bob").path, before: "2026-12-18 23:59:59", snapshots: folder("snapshots"))
        #expect(copy.problem == "--before needs a git repository, and \(folder("bob").path) is not one")
        #expect(copy.problem?.contains("git repository") == true)
    }

    @Test("with a deadline, the last commit before it is extracted and graded")
    func deadline() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let hashes = try Self.makeRepository(folder, "class1/alice", texts: ["first\n", "second\n"],
                                             dates: ["2020-01-10T12:00:00+0000", "2020-03-10T12:00:00+0000"])
        try folder.write("uncommitted\n", to: "class1/alice/Exercises/Chapter01.swift")
        let path = folder("class1/alice").path
        let snapshots = folder("snapshots")

        let copy = LearnerCopy.resolve(path: path, before: "2020-02-01 00:00:00", snapshots: snapshots)
        #expect(copy.problem == nil)
        #expect(copy.id == "alice")
        #expect(copy.source == "\(path) @ \(hashes[0].prefix(10)) (2020-01-10 12:00:00 +0000)")
        #expect(copy.root.deletingLastPathComponent().path == snapshots.path)
        #expect(copy.root.lastPathComponent.hasPrefix("alice-"))
        #expect(try String(contentsOf: copy.root.appendingPathComponent("Exercises/Chapter01.swift"), encoding: .utf8) == "first\n")
        #expect(copy.exerciseFiles() == ["Exercises/Chapter01.swift": Data("first\n".utf8)])

        let later = LearnerCopy.resolve(path: path, before: "2020-06-01", snapshots: snapshots)
        #expect(later.source == "\(path) @ \(hashes[1].prefix(10)) (2020-03-10 12:00:00 +0000)")
        #expect(later.exerciseFiles() == ["Exercises/Chapter01.swift": Data("second\n".utf8)])

        let early = LearnerCopy.resolve(path: path, before: "2019-12-31 23:59:59", snapshots: snapshots)
        #expect(early.problem == "no commit before 2019-12-31 23:59:59 in \(path)")
        #expect(early.root.path == path)
    }

    @Test("two copies with the same folder name get their own snapshots")
    func sameNameSnapshots() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try Self.makeRepository(folder, "class1/alice", texts: ["class 1\n"], dates: ["2020-01-10T12:00:00+0000"])
        _ = try Self.makeRepository(folder, "class2/alice", texts: ["class 2\n"], dates: ["2020-01-10T12:00:00+0000"])
        let copies = LearnerCopy.uniqueIDs(["class1/alice", "class2/alice"].map {
            LearnerCopy.resolve(path: folder($0).path, before: "2020-02-01 00:00:00", snapshots: folder("snapshots"))
        })
        #expect(copies.map(\.id) == ["alice", "alice-2"])
        #expect(copies.map(\.problem) == [nil, nil])
        #expect(copies[0].root != copies[1].root)
        #expect(copies.map { $0.exerciseFiles()["Exercises/Chapter01.swift"] } == [Data("class 1\n".utf8), Data("class 2\n".utf8)])
    }

    @Test("ids are made unique in the order given, and safe for file names")
    func ids() {
        func copy(_ id: String) -> LearnerCopy {
            LearnerCopy(id: id, root: URL(fileURLWithPath: "/c/\(id)"), source: "/c/\(id)", problem: nil)
        }
        #expect(LearnerCopy.uniqueIDs([copy("alice"), copy("bob"), copy("alice"), copy("alice")]).map(\.id)
                == ["alice", "bob", "alice-2", "alice-3"])
        #expect(LearnerCopy.uniqueIDs([]).isEmpty)
        #expect(LearnerCopy.safeID("my copy!") == "my_copy_")
        #expect(LearnerCopy.safeID(".hidden") == "_hidden")
        #expect(LearnerCopy.safeID("élève-2.v_1") == "_l_ve-2.v_1")
        #expect(LearnerCopy.safeID("../x") == "_._x")
    }

    @Test("the snapshot folder's hash is stable and tells paths apart")
    func pathHash() {
        #expect(LearnerCopy.pathHash("") == "cbf29ce484222325")          // FNV-1a's offset basis
        #expect(LearnerCopy.pathHash("a") == "af63dc4c8601ec8c")          // FNV-1a 64 of "a"
        #expect(LearnerCopy.pathHash("/c1/alice") != LearnerCopy.pathHash("/c2/alice"))
        #expect(LearnerCopy.pathHash("/c1/alice").count == 16)
    }

    @Test("exercise files are the copy's Exercises/*.swift only")
    func exerciseFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("one\n", to: "carol/Exercises/Chapter01.swift")
        try folder.write("help\n", to: "carol/Exercises/Helpers.swift")
        try folder.write("notes\n", to: "carol/Exercises/notes.txt")
        try folder.write("nested\n", to: "carol/Exercises/Sub/Chapter02.swift")
        try folder.write("solution\n", to: "carol/Solutions/Chapter01.swift")
        let copy = LearnerCopy.resolve(path: folder("carol").path, before: nil, snapshots: folder("snapshots"))
        #expect(copy.exerciseFiles() == ["Exercises/Chapter01.swift": Data("one\n".utf8),
                                         "Exercises/Helpers.swift": Data("help\n".utf8)])
    }
}
