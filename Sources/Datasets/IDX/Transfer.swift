// Transfer.swift — download one URL to a file with curl (or wget), as a child process.

import Foundation

/// Runs `curl -fsSL` (or `wget -q`) to save a URL to a file.
enum Transfer {
    /// Seconds to wait for a connection before trying the next mirror.
    static let connectTimeout = 20

    /// Saves `url` to `path`; returns nil on success, else one line saying why not
    /// (no tool found, the tool's own message, or its exit status).
    static func run(url: String, to path: String) -> String? {
        let arguments: [String]
        let tool: String
        if let curl = executable(named: "curl") {
            tool = curl
            arguments = ["-fsSL", "--connect-timeout", "\(connectTimeout)", "-o", path, url]
        } else if let wget = executable(named: "wget") {
            tool = wget
            arguments = ["-q", "--timeout=\(connectTimeout)", "-O", path, url]
        } else {
            return "neither curl nor wget is installed"
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return "could not run \(tool): \((error as NSError).localizedDescription)"
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()   // until the child closes it
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let text = oneLine(String(decoding: message, as: UTF8.self))
            let name = (tool as NSString).lastPathComponent
            let status = process.terminationReason == .exit
                ? "exit status \(process.terminationStatus)" : "killed by signal \(process.terminationStatus)"
            if text.isEmpty { return "\(name) failed (\(status))" }
            return text.hasPrefix(name + ":") ? text : "\(name): \(text)"
        }
        return nil
    }

    /// The full path of the executable `name` found on `PATH`, or nil.
    static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin:/usr/local/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
