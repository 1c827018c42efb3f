// ChapterOptions.swift — the command line every chapter shares.

import ArgumentParser

/// The options of every chapter executable:
/// `chapterNN [--out DIR] [--seed N] [--quick] [--mine]`.
public struct ChapterOptions: ParsableArguments, Sendable {
    /// Where figures, scripts and notebook.md go (default `out/chapterNN`).
    @Option(name: .long, help: ArgumentHelp("Folder for figures, gnuplot scripts and notebook.md (default: out/chapterNN).", valueName: "dir"))
    public var out: String?

    /// The seed of every random draw in the chapter (default 0).
    @Option(name: .long, help: "Seed for every random draw; the same seed gives the same figures.")
    public var seed: UInt64 = 0

    /// A seconds-long run with smaller sizes, for smoke tests.
    @Flag(name: .long, help: "A seconds-long run with smaller sizes (used by the smoke tests).")
    public var quick = false

    /// Use the learner's exercise solutions where they are done.
    @Flag(name: .long, help: "Use your own solutions from Exercises/ where they are done.")
    public var mine = false

    /// Default options (as if run with no arguments).
    public init() {}

    /// Checks the values the parser cannot: an empty output folder name.
    public func validate() throws {
        if let out, out.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--out needs a folder name, got an empty string")
        }
    }
}

import Foundation

/// The chapter's command line as a command, so that usage and help name the
/// executable that is running (`chapter02`), not a generic name.
struct ChapterCommand: ParsableCommand {
    static var configuration: CommandConfiguration { chapterConfiguration }

    @OptionGroup var options: ChapterOptions
}

/// The chapter's command line with flags of the chapter's own after the shared ones.
struct ChapterCommandWithFlags<Flags: ParsableArguments>: ParsableCommand {
    static var configuration: CommandConfiguration { chapterConfiguration }

    @OptionGroup var options: ChapterOptions
    @OptionGroup(title: "Chapter options") var flags: Flags

    init() {}
}

/// Usage and help name the executable that is running.
private var chapterConfiguration: CommandConfiguration {
    CommandConfiguration(
        commandName: URL(fileURLWithPath: CommandLine.arguments.first ?? "chapter").lastPathComponent,
        abstract: "Runs a chapter of the diffusion course and writes its figures and notebook.md.")
}

extension ParsableCommand {
    /// Parses the command line like `parseOrExit`, but a bad option or value prints a
    /// single line, "Error: … (see --help)", and exits with status 64 (EX_USAGE)
    /// instead of the error followed by the usage. `--help` still prints the help.
    static func parseOrExitOnOneLine(_ arguments: [String]?) -> Self {
        do {
            return try parse(arguments)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }      // --help
            let message = message(for: error).split(whereSeparator: \.isNewline).joined(separator: " ")
            FileHandle.standardError.write(Data("Error: \(message) (see --help)\n".utf8))
            Foundation.exit(64)
        }
    }
}
