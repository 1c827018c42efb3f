// LearnerGrader: where an exercise's function is in a learner's file, and a copy that
// cannot be graded (no build is run).

import Foundation
import Testing
@testable import Grading

@Suite("Learner grader")
struct LearnerGraderTests {
    @Test("the 1-based line of a function's declaration")
    func line() {
        let file = Data("""
            // Chapter 1 — the forward process.
            import Tensors

            public enum Chapter01 {
                /// Calls qSample(x0:t:noise:alphasCumprod:) for a batch.
                public static func qSampleBatch(x0: [Tensor]) throws -> [Tensor] { [] }

                public static func qSample(x0: Tensor, t: [Int], noise: Tensor, alphasCumprod: Tensor) throws -> Tensor {
                    throw NotImplemented("1.1")
                }

                static func snr<T: BinaryFloatingPoint>(_ alphaBar: T) -> T { alphaBar / (1 - alphaBar) }
            }
            """.utf8)
        #expect(LearnerGrader.line(of: "qSample", in: file) == 8)
        #expect(LearnerGrader.line(of: "qSampleBatch", in: file) == 6)
        #expect(LearnerGrader.line(of: "snr", in: file) == 12)
        #expect(LearnerGrader.line(of: "ddimStep", in: file) == nil)
        #expect(LearnerGrader.line(of: "qSample", in: Data("\n\nfunc qSample(x: Int) {}\n".utf8)) == 3)
    }

    @Test("the real stub of 1.1 is found where the catalog says")
    func realStub() throws {
        let kit = ExerciseCatalogTests.kit
        let stub = try Data(contentsOf: kit.appendingPathComponent("Exercises/Chapter01.swift"))
        let line = try #require(LearnerGrader.line(of: "qSample", in: stub))
        let lines = String(decoding: stub, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[line - 1].contains("func qSample("))
        #expect(!lines[..<(line - 1)].contains { $0.contains("func qSample(") })
    }

    @Test("a copy with a problem is reported not graded, without building")
    func notGraded() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("// swift-tools-version: 6.1\n", to: "kit/Package.swift")
        try folder.write("throw NotImplemented(\"1.1\")\n", to: "kit/Exercises/Chapter01.swift")
        let grader = LearnerGrader(catalog: try ExerciseCatalog(kit: folder("kit")),
                                   workspace: try Workspace(kit: folder("kit"), root: folder("ws")), sandbox: .none)
        let copy = LearnerCopy.resolve(path: folder("ghost").path, before: nil, snapshots: folder("snapshots"))
        var phases: [String] = []
        let result = grader.grade(copy) { phases.append($0) }
        #expect(!result.graded)
        #expect(result.learner == "ghost")
        #expect(result.gradingStatus == "not graded: no such folder: \(folder("ghost").path)")
        #expect(result.notes == [Sandbox.notSandboxedNote])
        #expect(result.verdicts.isEmpty)
        #expect(phases.isEmpty)
        #expect(!folder.exists("ws"))
    }
}
