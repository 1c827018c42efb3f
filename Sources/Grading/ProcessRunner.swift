// ProcessRunner.swift — running a command, with its output captured and a time limit.

import Foundation

/// Runs external commands (git, swift, bwrap) for the grader.
public enum ProcessRunner {
    /// What a finished command left behind.
    public struct Outcome: Sendable {
        /// The exit status (or 128 + signal when it was killed).
        public var status: Int32
        /// Standard output and standard error, interleaved as written.
        public var output: String
        /// Whether the time limit ended it.
        public var timedOut: Bool
    }

    /// Runs `arguments[0]` (looked up on the PATH) with the others, in `directory`,
    /// with `environment` added to this process's, for at most `seconds`; `tick` is
    /// told the seconds elapsed, about once a second, while it runs.
    public static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                           seconds: Double = .infinity, tick: ((Double) -> Void)? = nil) -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Foundation starts the command as the leader of its own process group, so a time
        // limit ends it together with everything it started (kill of the negative pid).
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let collected = OutputBuffer()
        pipe.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
        do { try process.run() } catch {
            return Outcome(status: 127, output: "cannot run \(arguments.first ?? ""): \(error)", timedOut: false)
        }
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        var timedOut = false
        var lastTick = start
        while process.isRunning {
            if let tick, Date().timeIntervalSince(lastTick) >= 1 {
                lastTick = Date()
                tick(lastTick.timeIntervalSince(start))
            }
            if Date() > deadline {
                timedOut = true
                kill(-process.processIdentifier, SIGKILL)
                process.terminate()
                break
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        pipe.fileHandleForReading.readabilityHandler = nil
        collected.append(pipe.fileHandleForReading.readDataToEndOfFile())
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Outcome(status: status, output: collected.text, timedOut: timedOut)
    }

    /// Whether a command is on the PATH.
    public static func available(_ command: String) -> Bool {
        run(["sh", "-c", "command -v \(command)"]).status == 0
    }
}

/// Output gathered from a pipe's handler thread.
final class OutputBuffer: @unchecked Sendable {
    private var data = Data()
    private let lock = NSLock()
    func append(_ chunk: Data) { lock.lock(); data.append(chunk); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
}
