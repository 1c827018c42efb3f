// Grader.swift — running one exercise check in its own process.
//
// Each check runs inside an exit test: a child process that runs the learner's
// code. That way a trap (force-unwrap of nil, index out of range), an endless loop
// or a runaway allocation in one exercise fails that check alone, and every other
// check still reports. In the child:
//   - `alarm(seconds)` ends a hang with SIGALRM;
//   - an address-space limit turns a runaway allocation into a crash;
//   - `NotImplemented` is caught and reported as "not started".
// In the parent, `explain` turns the child's exit status into a sentence, and for
// a crash runs the child once more with Swift's backtracer on to find the
// learner's file and line.

import Foundation
import Testing
import DiffusionKit

enum Grader {
    /// Seconds a check may run before it counts as timed out.
    static let defaultSeconds: UInt32 = 20

    /// Runs a check body in the exit-test child, with a time and memory limit.
    static func child(_ exercise: String, seconds: UInt32 = defaultSeconds, _ body: () throws -> Void) {
        alarm(seconds)
        var limit = rlimit(rlim_cur: 8 << 30, rlim_max: 8 << 30)      // 8 GB of address space
        setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        do {
            try body()
        } catch let error as NotImplemented {
            Issue.record("not started: exercise \(error.exercise) still throws NotImplemented — write it in \(gradedFolder)/Chapter\(chapterNumber(exercise)).swift")
        } catch {
            Issue.record("exercise \(exercise) threw an error: \(error)")
        }
    }

    /// "1.3" → "01".
    static func chapterNumber(_ exercise: String) -> String {
        let n = Int(exercise.split(separator: ".").first ?? "") ?? 0
        return n < 10 ? "0\(n)" : "\(n)"
    }

    /// Explains a child that did not exit normally: timed out, or crashed (with the
    /// learner's file and line). `result` is what the first run's expectation
    /// returned: `nil` when the child did not exit with status 0. The child is then
    /// run once more, expected to fail, with Swift's backtracer on, to learn how it
    /// ended and where.
    static func explain(_ result: ExitTest.Result?, exercise: String, seconds: UInt32 = defaultSeconds,
                        rerunWithBacktrace: () async -> ExitTest.Result?) async {
        guard result == nil else { return }          // exited normally; any issues were recorded in the child
        setenv("SWIFT_BACKTRACE", "enable=yes,interactive=no,color=no,threads=crashed", 1)
        guard let again = await rerunWithBacktrace() else {
            Issue.record("exercise \(exercise): the check failed once but passed when run again — is the solution random?")
            return
        }
        switch again.exitStatus {
        case .signal(SIGALRM):
            Issue.record("timed out: exercise \(exercise) ran for more than \(seconds) s (an endless loop, or far too much work?)")
        case .signal(let signal):
            let message = fatalErrorLine(again.standardErrorContent)
            let place = learnerFrame(again.standardErrorContent) ?? "an unknown place (run this check alone to see the backtrace)"
            Issue.record("crashed: exercise \(exercise) stopped with signal \(signal) (\(signalName(signal)))\(message.map { " — \($0)" } ?? "") at \(place)")
        case .exitCode(let code):
            Issue.record("exercise \(exercise): the check's process exited with status \(code)\(fatalErrorLine(again.standardErrorContent).map { " — \($0)" } ?? "")")
        @unknown default:
            Issue.record("exercise \(exercise): the check's process ended with \(again.exitStatus)")
        }
    }

    /// The runtime's "Fatal error: …" line, if the child printed one.
    static func fatalErrorLine(_ stderr: [UInt8]) -> String? {
        String(decoding: stderr, as: UTF8.self).split(separator: "\n")
            .first { $0.contains("Fatal error") }
            .map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    /// The first backtrace frame in the graded folder, as "Exercises/Chapter01.swift:42:13".
    static func learnerFrame(_ stderr: [UInt8]) -> String? {
        let text = String(decoding: stderr, as: UTF8.self)
        for line in text.split(separator: "\n") {
            guard let at = line.range(of: " at ", options: .backwards) else { continue }
            let location = line[at.upperBound...].trimmingCharacters(in: .whitespaces)
            if let folder = location.range(of: "/\(gradedFolder)/") {
                return String(location[location.index(after: folder.lowerBound)...])
            }
        }
        return nil
    }

    /// A plain-words name for the signals a crash usually raises.
    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGILL, SIGTRAP: return "a Swift runtime trap: index out of range, nil unwrapped, overflow or fatalError"
        case SIGSEGV, SIGBUS: return "a bad memory access"
        case SIGABRT: return "aborted, often out of memory"
        case SIGFPE: return "an arithmetic fault"
        default: return "signal \(signal)"
        }
    }
}
