// Notebook.swift — the chapter runner.
//
// Every chapter starts with
//
//     let nb = Notebook(chapter: 1, title: "The forward process")
//
// which parses the shared command line (`--out`, `--seed`, `--quick`, `--mine`,
// `--help`), creates the output folder and seeds `nb.rng`. What the chapter shows
// goes through `nb` — `nb.print`, `nb.table`, `nb.image`, `nb.plot` — which prints it
// to the console *and* remembers the source line it came from. `nb.finish()` then
// weaves the chapter's own source (found through `#filePath`) with those outputs
// into `notebook.md` (see Weave.swift).

import ArgumentParser
import Foundation
import Tensors

/// The runner of one chapter: options, console output, and the woven notebook.
public final class Notebook {
    /// The parsed command line.
    public let options: ChapterOptions
    /// The chapter number (1–9).
    public let chapter: Int
    /// The chapter title.
    public let title: String
    /// The folder that receives every file the chapter writes.
    public let outputDirectory: URL
    /// The chapter's random generator, seeded with `--seed`.
    public var rng: SeededGenerator

    /// `true` with `--quick`: chapters use smaller sizes so that a run takes seconds.
    public var quick: Bool { options.quick }
    /// `true` with `--mine`: chapters use the learner's exercise solutions where done.
    public var mine: Bool { options.mine }

    private let sourcePath: String
    private let source: String?
    private let headings: [(line: Int, text: String)]
    private var nextHeading = 0
    private var outputs: [(line: Int, output: NotebookOutput)] = []
    private let started = Date()
    private var figureCount = 0
    private var announcedExercises: Set<String> = []

    /// Parses the command line (`arguments` defaults to the process's), prepares the
    /// output folder and prints the chapter banner. Invalid options print what is
    /// wrong and exit with status 64; `--help` prints the usage and exits 0.
    public convenience init(chapter: Int, title: String, arguments: [String]? = nil, sourcePath: String = #filePath) {
        self.init(chapter: chapter, title: title, options: ChapterCommand.parseOrExitOnOneLine(arguments).options,
                  sourcePath: sourcePath)
    }

    /// A chapter with flags of its own (say chapter 04's `--steps` and `--dataset`):
    /// parses the shared options and `Flags` from one command line, so `--help` lists
    /// both and any invalid value exits with status 64 before the chapter starts.
    ///
    /// ```swift
    /// let (nb, flags) = Notebook.withFlags(TrainingFlags.self, chapter: 4, title: "Training")
    /// ```
    public static func withFlags<Flags: ParsableArguments>(
        _ flags: Flags.Type, chapter: Int, title: String, arguments: [String]? = nil,
        sourcePath: String = #filePath
    ) -> (Notebook, Flags) {
        let command = ChapterCommandWithFlags<Flags>.parseOrExitOnOneLine(arguments)
        return (Notebook(chapter: chapter, title: title, options: command.options, sourcePath: sourcePath), command.flags)
    }

    private init(chapter: Int, title: String, options: ChapterOptions, sourcePath: String) {
        self.options = options
        self.chapter = chapter
        self.title = title
        self.rng = SeededGenerator(seed: options.seed)
        let name = String(format: "chapter%02d", chapter)
        self.outputDirectory = URL(fileURLWithPath: options.out ?? "out/\(name)", isDirectory: true).standardizedFileURL
        self.sourcePath = sourcePath
        self.source = try? String(contentsOfFile: sourcePath, encoding: .utf8)
        self.headings = source.map(Notebook.proseHeadings) ?? []

        do {
            try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
            let probe = outputDirectory.appendingPathComponent(".write-test-\(getpid())")
            try Data().write(to: probe)
            try? FileManager.default.removeItem(at: probe)
        } catch {
            Notebook.exitWithError("cannot write to the output folder \(outputDirectory.path): \(Notebook.reason(error))", code: 73)
        }
        Console.write(Console.heading(String(format: "Chapter %02d — %@", chapter, title), level: 1) + "\n")
        Console.write("seed \(options.seed)\(options.quick ? ", quick run" : "")\(options.mine ? ", using your exercises" : ""); writing to \(outputDirectory.path)\n")
        if source == nil {
            Console.write("note: the chapter source \(sourcePath) is not there, so notebook.md will hold outputs only (figures are still written)\n")
        }
    }

    // MARK: Showing things

    /// Prints text and records it under the calling line for the notebook.
    public func print(_ text: String, line: Int = #line) {
        announceHeadings(upTo: line)
        Console.write(text + "\n")
        outputs.append((line, .text(text)))
    }

    /// Prints an aligned table and records it as a Markdown table.
    public func table(_ header: [String], _ rows: [[String]], line: Int = #line) {
        announceHeadings(upTo: line)
        Console.write(Console.table(header, rows) + "\n")
        outputs.append((line, .table(header: header, rows: rows)))
    }

    /// Records a file already written in the output folder as a figure of the notebook.
    public func recordFigure(file: String, caption: String, line: Int = #line) {
        announceHeadings(upTo: line)
        figureCount += 1
        Console.write("  figure: \(file) — \(caption)\n")
        outputs.append((line, .figure(file: file, caption: caption)))
    }

    /// Records a note for the notebook (shown as a quote) and prints it.
    public func note(_ text: String, line: Int = #line) {
        announceHeadings(upTo: line)
        Console.write("note: \(text)\n")
        outputs.append((line, .note(text)))
    }

    /// Runs `body`, printing how long it took on the console (not in the notebook,
    /// which stays identical from run to run).
    public func timed<T>(_ label: String, line: Int = #line, _ body: () throws -> T) rethrows -> T {
        announceHeadings(upTo: line)
        let t0 = Date()
        let result = try body()
        Console.write("  \(label): \(Console.duration(Date().timeIntervalSince(t0)))\n")
        return result
    }

    /// A progress bar for a loop of `total` steps.
    public func progress(_ label: String, total: Int, unit: String = "it") -> ProgressBar {
        ProgressBar(label, total: total, unit: unit)
    }

    /// The path of `file` inside the output folder.
    public func path(_ file: String) -> String { outputDirectory.appendingPathComponent(file).path }

    // MARK: Exercises

    /// With `--mine`, runs the learner's solution of exercise `number`; when it is not
    /// done yet (it throws `NotImplemented`) or fails, uses the reference instead.
    /// Without `--mine`, uses the reference. Which one was used is said once per
    /// exercise, however often the chapter calls it.
    public func exercise<T>(_ number: String, mine: () throws -> T, reference: () -> T) -> T {
        guard options.mine else { return reference() }
        func say(_ text: String) {
            if announcedExercises.insert(number).inserted { Console.write("  exercise \(number): \(text)\n") }
        }
        do {
            let value = try mine()
            say("using your solution")
            return value
        } catch is NotImplemented {
            say("not done yet — using the reference solution")
        } catch {
            say("your solution threw \(error) — using the reference solution")
        }
        return reference()
    }

    // MARK: Finishing

    /// Writes notebook.md (the woven source and outputs) and prints a summary.
    public func finish() {
        let markdown: String
        if let source {
            markdown = Weave.markdown(segments: Weave.segments(of: source), outputs: outputs)
        } else {
            markdown = "# Chapter \(chapter): \(title)\n\n(The chapter source was not found; outputs only.)\n\n"
                + Weave.render(outputs.map(\.output)).joined(separator: "\n\n") + "\n"
        }
        let file = outputDirectory.appendingPathComponent("notebook.md")
        do {
            try Data(markdown.utf8).write(to: file, options: .atomic)
        } catch {
            Notebook.exitWithError("cannot write \(file.path): \(Notebook.reason(error))", code: 73)
        }
        let elapsed = Console.duration(Date().timeIntervalSince(started))
        Console.write("\nwrote \(figureCount) figures and notebook.md to \(outputDirectory.path) in \(elapsed)\n")
    }

    /// Prints `error: message` and exits with `code` — for missing data, unwritable
    /// paths and the like (never a stack trace).
    public static func exitWithError(_ message: String, code: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        exit(code)
    }

    /// A short description of a Foundation error.
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }

    // MARK: Headings on the console

    /// Prints the prose headings that lie above `line` and have not been printed,
    /// so the console shows the chapter's sections as it runs.
    private func announceHeadings(upTo line: Int) {
        while nextHeading < headings.count && headings[nextHeading].line < line {
            let h = headings[nextHeading].text
            let level = h.prefix(while: { $0 == "#" }).count
            let text = h.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
            if level >= 2 { Console.write(Console.heading(text, level: level) + "\n") }
            nextHeading += 1
        }
    }

    /// The Markdown headings in the prose of `source`, with their line numbers.
    static func proseHeadings(_ source: String) -> [(line: Int, text: String)] {
        var result: [(Int, String)] = []
        var inBlock = false
        for (i, raw) in source.components(separatedBy: "\n").enumerated() {
            let t = raw.trimmingCharacters(in: .whitespaces)
            if inBlock {
                if t.contains("*/") { inBlock = false }
                if t.hasPrefix("#") { result.append((i + 1, t)) }
            } else if t.hasPrefix("/*:") {
                inBlock = !t.contains("*/")
                let rest = t.dropFirst(3).trimmingCharacters(in: .whitespaces)
                if rest.hasPrefix("#") { result.append((i + 1, rest)) }
            } else if t.hasPrefix("//:") {
                let rest = t.dropFirst(3).trimmingCharacters(in: .whitespaces)
                if rest.hasPrefix("#") { result.append((i + 1, rest)) }
            }
        }
        return result
    }
}
