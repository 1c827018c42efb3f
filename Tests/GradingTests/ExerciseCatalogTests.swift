// ExerciseCatalog: the exercises read from the real kit's stubs and checks, and from a
// fake kit with a grading.json (points, and the errors of a bad one).

import Foundation
import Testing
@testable import Grading

@Suite("Exercise catalog")
struct ExerciseCatalogTests {
    /// The kit's root: Tests/GradingTests/ExerciseCatalogTests.swift → up two folders.
    static let kit = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test("the real kit has 27 exercises, 1.1 to 9.3, named by their checks, 1 point each")
    func realKit() throws {
        let catalog = try ExerciseCatalog(kit: Self.kit)
        #expect(catalog.exercises.map(\.name) == [
            "1.1 closed-form qSample", "1.2 signal-to-noise ratio", "1.3 one forward step",
            "2.1 linear schedule", "2.2 cosine schedule with the cap", "2.3 cumulative products and the posterior variance",
            "3.1 sinusoidal embedding", "3.2 sizes of strided and transposed convolutions", "3.3 ResBlock forward pass",
            "4.1 training loss of one batch", "4.2 EMA update and warm-up", "4.3 v target and min-SNR weights",
            "5.1 predicted x0 from epsilon", "5.2 posterior mean coefficients", "5.3 one DDPM step",
            "6.1 timestep subsequence", "6.2 one DDIM step", "6.3 slerp",
            "7.1 score from epsilon", "7.2 one Langevin step", "7.3 exact score of a Gaussian mixture",
            "8.1 reparameterisation and KL", "8.2 latent scale factor", "8.3 cross-attention forward pass",
            "9.1 label dropout", "9.2 guided prediction", "9.3 one guided DDIM step",
        ])
        #expect(catalog.exercises.count == 27)
        #expect(catalog.exercises.map(\.id) == (1...9).flatMap { c in (1...3).map { "\(c).\($0)" } })
        #expect(catalog.exercises.allSatisfy { $0.points == 1 })
        #expect(catalog.functionNames["1.1"] == "qSample")
        #expect(catalog.functionNames["3.1"] == "sinusoidalEmbedding")
        #expect(catalog.functionNames["3.2"] == "convOutputSize")          // the first of the exercise's stubs
        #expect(catalog.functionNames["8.2"] == "latentScaleFactor")
        #expect(catalog.functionNames["8.3"] == "crossAttention")
        #expect(catalog.functionNames.count == 27)
        #expect(catalog.chapterFiles["1.1"] == "Chapter01.swift")
        #expect(catalog.chapterFiles["8.2"] == "Chapter08.swift")
        #expect(catalog.chapterFiles["9.3"] == "Chapter09.swift")
        #expect(catalog.chapterFiles.count == 27)
    }

    /// A fake kit: chapter 1 with two checked exercises, chapter 2 with three unchecked ones out of order.
    static func makeFakeKit(_ folder: TemporaryFolder) throws {
        try folder.write("""
            import Tensors

            public enum Chapter01 {
                /// The forward process in closed form.
                public static func qSample(x0: [Float], t: Int) throws -> [Float] {
                    throw NotImplemented("1.1")
                }

                public static func snr<T: BinaryFloatingPoint>(_ alphaBar: T) throws -> T {
                    throw NotImplemented("1.2")
                }
            }
            """, to: "Exercises/Chapter01.swift")
        try folder.write("""
            public enum Chapter02 {
                static func tenth() throws -> Int { throw NotImplemented("2.10") }
                static func ninth() throws -> Int { throw NotImplemented("2.9") }
                static func first() throws -> Int { throw NotImplemented("2.1") }
                static func firstAgain() throws -> Int { throw NotImplemented("2.1") }
            }
            """, to: "Exercises/Chapter02.swift")
        try folder.write("extension Array {}\n", to: "Exercises/Helpers.swift")
        try folder.write("""
            @Suite struct Chapter01 {
                @Test("1.1 fake forward process") func forward() {}
                @Test("1.2 fake SNR") func snr() {}
            }
            """, to: "Tests/ExerciseChecks/Chapter01.swift")
    }

    @Test("a fake kit: ids in course order, names from the checks (or the id), function names")
    func fakeKit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.makeFakeKit(folder)
        let catalog = try ExerciseCatalog(kit: folder.url)
        #expect(catalog.exercises == [
            ExerciseInfo(id: "1.1", name: "1.1 fake forward process", points: 1),
            ExerciseInfo(id: "1.2", name: "1.2 fake SNR", points: 1),
            ExerciseInfo(id: "2.1", name: "2.1", points: 1),
            ExerciseInfo(id: "2.9", name: "2.9", points: 1),
            ExerciseInfo(id: "2.10", name: "2.10", points: 1),
        ])
        #expect(catalog.functionNames == ["1.1": "qSample", "1.2": "snr", "2.1": "first", "2.9": "ninth", "2.10": "tenth"])
        #expect(catalog.chapterFiles == ["1.1": "Chapter01.swift", "1.2": "Chapter01.swift",
                                         "2.1": "Chapter02.swift", "2.9": "Chapter02.swift", "2.10": "Chapter02.swift"])
    }

    @Test("a learner's own copy: an exercise already written (no stub left) is still listed, from its check")
    func ownCopy() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.makeFakeKit(folder)
        try folder.write("""
            public enum Chapter01 {
                public static func qSample(x0: [Float], t: Int) throws -> [Float] { x0 }
                public static func snr<T: BinaryFloatingPoint>(_ alphaBar: T) throws -> T { alphaBar / (1 - alphaBar) }
            }
            """, to: "Exercises/Chapter01.swift")
        let catalog = try ExerciseCatalog(kit: folder.url)
        #expect(catalog.exercises.map(\.id) == ["1.1", "1.2", "2.1", "2.9", "2.10"])
        #expect(catalog.exercises.first?.name == "1.1 fake forward process")
        #expect(catalog.chapterFiles["1.2"] == "Chapter01.swift")
        #expect(catalog.functionNames["1.1"] == nil)
    }

    @Test("exercise ids are ordered numerically, part by part")
    func order() {
        #expect(ExerciseCatalog.precedes("2.9", "2.10"))
        #expect(!ExerciseCatalog.precedes("2.10", "2.9"))
        #expect(ExerciseCatalog.precedes("9.3", "10.1"))
        #expect(!ExerciseCatalog.precedes("3.1", "3.1"))
        #expect(["10.1", "2.10", "1.1", "2.9", "2.1"].sorted(by: ExerciseCatalog.precedes) == ["1.1", "2.1", "2.9", "2.10", "10.1"])
        #expect(ExerciseCatalog.chapterFile(of: "3.1") == "Chapter03.swift")
        #expect(ExerciseCatalog.chapterFile(of: "12.4") == "Chapter12.swift")
    }

    @Test("grading.json sets the points of the exercises it names; the others get 1")
    func points() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.makeFakeKit(folder)
        try folder.write(#"{"points": {"1.1": 2.5, "2.10": 0}}"#, to: "grading.json")
        let catalog = try ExerciseCatalog(kit: folder.url)
        #expect(catalog.exercises.map(\.points) == [2.5, 1, 1, 1, 0])
        #expect(catalog.exercises.maxScore == 5.5)
    }

    @Test("a bad grading.json stops with a message naming the problem",
          arguments: [
            (#"{"points": {"4.7": 1}}"#,
             #"there is no exercise "4.7" (the exercises are 1.1, 1.2, 2.1, 2.9, 2.10)"#),
            (#"{"points": {"1.2": -1}}"#, "the points of 1.2 must be a number ≥ 0, got -1"),
            (#"{"points": {"1.2": "two"}}"#, "the points of 1.2 must be a number ≥ 0, got two"),
            (#"{"points": [1, 2]"#, #"expected {"points": {"1.1": 1, …}}"#),
            (#"{"score": {"1.1": 1}}"#, #"expected {"points": {"1.1": 1, …}}"#),
          ])
    func badPoints(json: String, problem: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.makeFakeKit(folder)
        try folder.write(json, to: "grading.json")
        let error = #expect(throws: GradingError.self) { try ExerciseCatalog(kit: folder.url) }
        let file = folder("grading.json").path
        #expect(error == .badPoints("\(file): \(problem)"))
        #expect(error?.description == "grading.json: \(file): \(problem)")
    }

    @Test("a folder without Exercises/ChapterNN.swift is not a kit")
    func notAKit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("# notes\n", to: "README.md")
        #expect(throws: GradingError.notAKit(folder.url.path)) { try ExerciseCatalog(kit: folder.url) }
        try folder.write("extension Array {}\n", to: "Exercises/Helpers.swift")
        #expect(throws: GradingError.notAKit(folder.url.path)) { try ExerciseCatalog(kit: folder.url) }
        #expect(GradingError.notAKit("/x").description == "/x is not a copy of the diffusion kit (it has no Exercises/ChapterNN.swift)")
    }
}
