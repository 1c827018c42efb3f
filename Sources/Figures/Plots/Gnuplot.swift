// Gnuplot.swift — finding and running gnuplot.
//
// gnuplot is optional: the scripts are the real output, and a learner without
// gnuplot can render them later. When it is on PATH, a script is rendered by
// running `gnuplot NAME.gp` with the script's folder as working directory (the
// script refers to its data and picture by relative names). gnuplot reports errors
// on standard error and exits with a non-zero status; that message becomes a thrown
// `FigureError.gnuplotFailed`. A successful run may still print warnings, which are
// returned to the caller.

import Foundation

/// Finds and runs the `gnuplot` program.
public enum Gnuplot {
    /// The full path of `gnuplot` found on PATH, or `nil` when it is not installed.
    /// Looked up once per process.
    public static let executablePath: String? = findOnPath("gnuplot")

    /// Whether gnuplot is installed (found on PATH).
    public static var isAvailable: Bool { executablePath != nil }

    /// Runs `gnuplot SCRIPT` in `folder` and waits for it.
    /// - Parameters:
    ///   - script: the script's file name, relative to `folder`.
    ///   - folder: the working directory for gnuplot.
    /// - Returns: what gnuplot printed on standard error (warnings), trimmed.
    /// - Throws: `FigureError.gnuplotFailed` with gnuplot's message when it is not
    ///   installed, cannot be started, or exits with an error.
    @discardableResult
    public static func run(script: String, in folder: String) throws -> String {
        let scriptPath = folder + "/" + script
        guard let executablePath else {
            throw FigureError.gnuplotFailed(script: scriptPath, message: "gnuplot is not installed (not found on PATH)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath)
        process.arguments = [script]
        process.currentDirectoryURL = URL(fileURLWithPath: folder, isDirectory: true)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw FigureError.gnuplotFailed(script: scriptPath, message: "could not start \(executablePath): \(error)")
        }
        // Read before waiting: a full pipe would otherwise block gnuplot forever.
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let message = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let status = process.terminationReason == .exit
                ? "exit status \(process.terminationStatus)" : "killed by signal \(process.terminationStatus)"
            throw FigureError.gnuplotFailed(script: scriptPath, message: message.isEmpty ? status : message)
        }
        return message
    }

    /// Prints, the first time only in this process, that gnuplot is missing and how
    /// to render the scripts later.
    static func noteMissingOnce(folder: String) {
        missingNotice.runOnce {
            print("gnuplot not found: scripts written; render later with: cd \(shellQuoted(folder)) && gnuplot *.gp")
        }
    }

    /// `path` as one shell word: unchanged when it is plain, else in single quotes.
    private static func shellQuoted(_ path: String) -> String {
        let plain = path.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/._-+,:=".unicodeScalars.contains($0)) }
        return plain && !path.isEmpty ? path : "'" + path.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// Guards the missing-gnuplot notice (figures may be written from several threads).
    private static let missingNotice = OnceFlag()
}

/// Runs a closure at most once per process, whichever thread gets there first.
final class OnceFlag: @unchecked Sendable {     // Sendable: `done` is only touched under `lock`
    private let lock = NSLock()
    private var done = false

    /// Runs `body` if no earlier call has run it.
    func runOnce(_ body: () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        done = true
        body()
    }
}

/// The first executable file called `name` in the folders of PATH.
func findOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") where !folder.isEmpty {
        let candidate = folder + "/" + name
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}
