// ChapterRunner.swift — running a chapter executable from a test.
//
// The chapter executables are built next to the test bundle (this target depends
// on them), so a test finds `chapter01` in the same folder as itself.

import Foundation
import Testing

/// The result of running a chapter: exit status, what it printed, and its output folder.
struct ChapterRun {
    let status: Int32
    let output: String
    let errors: String
    let folder: URL
}

enum ChapterRunner {
    /// The folder of the built products (where `chapter01` sits).
    static var productsFolder: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("chapter01").path) { return url }
        }
        return Bundle.main.bundleURL.deletingLastPathComponent()
    }

    /// A fresh temporary folder.
    static func temporaryFolder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kit-chapter-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `chapterNN` with `arguments`; `--out` goes to a fresh folder unless given.
    /// `environment` adds to (or replaces) the test's own environment variables.
    static func run(_ chapter: String, _ arguments: [String], out: URL? = nil,
                    environment: [String: String] = [:]) throws -> ChapterRun {
        let folder = out ?? temporaryFolder()
        let process = Process()
        process.executableURL = productsFolder.appendingPathComponent(chapter)
        process.arguments = arguments + ["--out", folder.path]
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both pipes to the end before waiting, so a chatty chapter cannot block.
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ChapterRun(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                          errors: String(decoding: err, as: UTF8.self), folder: folder)
    }

    /// The image files that notebook.md shows: lines of the form `![caption](file)`
    /// (code cells may contain `](` too, so only whole image lines count).
    static func referencedImages(in notebook: String) -> [String] {
        notebook.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("!["), line.hasSuffix(")"), let open = line.range(of: "](", options: .backwards) else { return nil }
            return String(line[open.upperBound..<line.index(before: line.endIndex)])
        }
    }
}

extension ChapterRunner {
    /// Runs `chapter` with `arguments` + `--quick` and expects it to refuse them before
    /// any work: status 64, one error line first, no stack trace, no notebook written.
    static func expectRefused(_ chapter: String, _ arguments: [String]) throws {
        let run = try ChapterRunner.run(chapter, arguments + ["--quick"])
        defer { try? FileManager.default.removeItem(at: run.folder) }
        #expect(run.status == 64, "\(arguments) exited with \(run.status): \(run.errors)")
        let lines = run.errors.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lines.first?.contains("rror") == true, "\(arguments) printed no error: \(run.errors)")
        #expect(!run.errors.contains("Thread 0") && !run.errors.contains("Fatal error"), "\(arguments) crashed: \(run.errors)")
        #expect(!FileManager.default.fileExists(atPath: run.folder.appendingPathComponent("notebook.md").path),
                "\(arguments) wrote a notebook before refusing")
    }
}
