// Every chapter runs with --quick, writes a notebook whose figures all exist and
// decode as PNG, and gives byte-identical figures for the same seed.

import Foundation
import Testing
import Figures

@Suite("Chapters (smoke tests with --quick)", .serialized)
struct ChapterSmokeTests {
    static let chapters = ["chapter01", "chapter02", "chapter03", "chapter04", "chapter05", "chapter06", "chapter07", "chapter08", "chapter09"]

    @Test("the chapter runs and every figure in notebook.md is a valid PNG", arguments: chapters)
    func runs(chapter: String) throws {
        let run = try ChapterRunner.run(chapter, ["--quick"])
        defer { try? FileManager.default.removeItem(at: run.folder) }
        #expect(run.status == 0, "\(chapter) exited with \(run.status): \(run.errors)")
        let notebook = try String(contentsOf: run.folder.appendingPathComponent("notebook.md"), encoding: .utf8)
        #expect(notebook.contains("```swift"), "notebook.md has no code cells")
        let images = ChapterRunner.referencedImages(in: notebook)
        #expect(images.count >= 1, "notebook.md shows no figures")
        for file in images {
            let path = run.folder.appendingPathComponent(file).path
            #expect(FileManager.default.fileExists(atPath: path), "\(file) is referenced but missing")
            if file.hasSuffix(".gif") {                   // animations: a GIF89a header is enough here
                let head = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(6)
                #expect(head == Data("GIF89a".utf8), "\(file) is not a GIF")
                continue
            }
            let image = try readPNG(path)
            #expect(image.width > 0 && image.height > 0, "\(file) is empty")
        }
        // Every gnuplot figure left its script and data next to the picture.
        let files = try FileManager.default.contentsOfDirectory(atPath: run.folder.path)
        for script in files where script.hasSuffix(".gp") {
            #expect(files.contains(String(script.dropLast(3)) + ".dat"), "\(script) has no data file")
        }
    }

    @Test("the same seed gives byte-identical PNGs, another seed different ones", arguments: chapters)
    func deterministic(chapter: String) throws {
        let a = try ChapterRunner.run(chapter, ["--quick", "--seed", "3"])
        let b = try ChapterRunner.run(chapter, ["--quick", "--seed", "3"])
        let c = try ChapterRunner.run(chapter, ["--quick", "--seed", "4"])
        defer { for r in [a, b, c] { try? FileManager.default.removeItem(at: r.folder) } }
        let pngs = try FileManager.default.contentsOfDirectory(atPath: a.folder.path).filter { $0.hasSuffix(".png") }.sorted()
        #expect(!pngs.isEmpty)
        var differs = false
        for file in pngs {
            let x = try Data(contentsOf: a.folder.appendingPathComponent(file))
            let y = try Data(contentsOf: b.folder.appendingPathComponent(file))
            #expect(x == y, "\(file) differs between two runs with seed 3")
            if let z = try? Data(contentsOf: c.folder.appendingPathComponent(file)), z != x { differs = true }
        }
        #expect(differs, "seed 4 gave the same figures as seed 3")
        let notebookA = try Data(contentsOf: a.folder.appendingPathComponent("notebook.md"))
        let notebookB = try Data(contentsOf: b.folder.appendingPathComponent("notebook.md"))
        #expect(notebookA == notebookB, "notebook.md differs between two runs with the same seed")
    }

    @Test("--mine runs and says once per exercise whose version it uses")
    func mine() throws {
        let run = try ChapterRunner.run("chapter01", ["--quick", "--mine"])
        defer { try? FileManager.default.removeItem(at: run.folder) }
        #expect(run.status == 0, "chapter01 --mine exited with \(run.status): \(run.errors)")
        for exercise in ["1.1", "1.2", "1.3"] {
            let lines = run.output.split(separator: "\n").filter { $0.contains("exercise \(exercise):") }
            #expect(lines.count == 1, "exercise \(exercise) announced \(lines.count) times")
            #expect(lines.allSatisfy { $0.contains("using your solution") || $0.contains("not done yet") })
        }
    }

    @Test("an invalid option prints what is wrong and exits with status 64")
    func badOption() throws {
        for arguments in [["--seed", "minus-one"], ["--frobnicate"], ["--seed", "-3"]] {
            let run = try ChapterRunner.run("chapter01", arguments)
            defer { try? FileManager.default.removeItem(at: run.folder) }
            #expect(run.status == 64, "\(arguments) exited with \(run.status)")
            #expect(run.errors.contains("Error"), "\(arguments) printed no error: \(run.errors)")
            #expect(!run.errors.contains("Thread 0"), "\(arguments) printed a stack trace")
        }
    }

    @Test("an output folder that cannot be written is named in one line, status 73")
    func unwritable() throws {
        let blocker = ChapterRunner.temporaryFolder().appendingPathComponent("a-file")
        try Data("x".utf8).write(to: blocker)
        let run = try ChapterRunner.run("chapter01", ["--quick"], out: blocker.appendingPathComponent("sub"))
        #expect(run.status == 73)
        #expect(run.errors.contains(blocker.path), "the message does not name the path: \(run.errors)")
        #expect(!run.errors.contains("Thread 0"))
    }
}
