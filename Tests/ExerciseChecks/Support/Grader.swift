// Grader.swift — running one exercise check in its own process, and trusting its verdict.
//
// Each check runs inside an exit test: a child process that runs the learner's code.
// That way a trap (force-unwrap of nil, index out of range), an endless loop or a
// runaway allocation in one exercise fails that check alone, and every other check
// still reports. In the child (`child`):
//   - the time limit is CPU seconds (RLIMIT_CPU), so a loaded machine does not fail a
//     correct exercise; a wall-clock alarm several times longer is only a backstop;
//   - an address-space limit turns a runaway allocation into a crash;
//   - `NotImplemented` is reported as "not started", other errors as "threw";
//   - comparisons (`Compare`, `fail`) note the first failure, and after the last one the
//     child writes its verdict on standard error, tagged with a nonce the parent chose.
// In the parent (`grade`):
//   - a child that exits 0 without the verdict line ended early (`exit(0)` in the
//     exercise) and fails;
//   - a check that timed out is run once more, alone, before "timed out" is recorded;
//   - a crash is run once more with Swift's backtracer on, to name the learner's line;
//   - the verdict is recorded as the test's one issue, and appended as JSON to the file
//     `$KIT_GRADE_VERDICTS` names (kit-grade reads it; see Sources/Grading/Verdict.swift).

import Foundation
import Testing
import DiffusionKit
import Grading

enum Grader {
    /// CPU seconds a check may use before it counts as timed out: 20, or
    /// `$KIT_GRADE_CPU_SECONDS` (kit-grade's self-check lowers it to time out quickly).
    static let defaultCPUSeconds = Int(ProcessInfo.processInfo.environment["KIT_GRADE_CPU_SECONDS"] ?? "") ?? 20
    /// The wall-clock backstop, as a multiple of the CPU limit (a check that sleeps or
    /// waits uses no CPU time).
    static let wallClockFactor = 6

    // MARK: - Parent

    /// Runs a check: `run(nonce, condition)` must start the exit test whose child calls
    /// `child(exercise, nonce: nonce) { … }`, expecting `condition`. Records at most one
    /// issue: the verdict's message.
    static func grade(_ exercise: String, cpuSeconds: Int = defaultCPUSeconds,
                      _ run: (_ nonce: String, _ expecting: ExitTest.Condition) async -> ExitTest.Result?) async {
        VerdictFile.prepare()
        var verdict = await attempt(exercise, cpuSeconds: cpuSeconds, run, exclusive: false)
        if verdict.status == .timedOut {
            // Time limits can still be hit on a busy machine (the wall-clock backstop):
            // run it again with nothing else running before recording it.
            verdict = await attempt(exercise, cpuSeconds: cpuSeconds, run, exclusive: true)
        }
        if let test = Test.current {
            verdict.name = test.displayName ?? test.name
            verdict.test = "Chapter\(chapterNumber(exercise))/\(test.name)"
        }
        if verdict.status != .passed {
            Issue.record(Comment(rawValue: verdict.message))
        }
        VerdictFile.append(verdict)
    }

    /// One run of the check (and, for a crash, a second one with the backtracer on).
    private static func attempt(_ exercise: String, cpuSeconds: Int,
                                _ run: (String, ExitTest.Condition) async -> ExitTest.Result?,
                                exclusive: Bool) async -> Verdict {
        let nonce = UUID().uuidString
        let result = await CheckLanes.run(exclusive: exclusive) { await run(nonce, .success) }
        if let result {
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            return VerdictChannel.find(in: text, nonce: nonce)
                ?? Verdict(exercise: exercise, status: .crashed,
                           message: "crashed: exercise \(exercise) ended the process before the check finished (exit called?)")
        }
        // The child did not exit normally: run it again with Swift's backtracer on, to
        // learn how it ended and where.
        setenv("SWIFT_BACKTRACE", "enable=yes,interactive=no,color=no,threads=crashed", 1)
        let again = await CheckLanes.run(exclusive: true) { await run(nonce, .failure) }
        guard let again else {
            return Verdict(exercise: exercise, status: .crashed,
                           message: "crashed: exercise \(exercise) crashed once but passed when run again — is the solution random?")
        }
        let stderr = again.standardErrorContent
        switch again.exitStatus {
        case .signal(let signal):
            let fatal = fatalErrorLine(stderr)
            let place = learnerFrame(stderr)
            return Verdict(exercise: exercise, status: .crashed,
                           message: "crashed: exercise \(exercise) stopped with signal \(signal) (\(signalName(signal)))\(fatal.map { " — \($0)" } ?? "") at \(place ?? "an unknown place (run this check alone to see the backtrace)")",
                           location: place)
        case .exitCode(let code):
            return Verdict(exercise: exercise, status: .crashed,
                           message: "crashed: exercise \(exercise) ended the check's process with status \(code) (exit called?)\(fatalErrorLine(stderr).map { " — \($0)" } ?? "")",
                           location: learnerFrame(stderr))
        @unknown default:
            return Verdict(exercise: exercise, status: .crashed,
                           message: "crashed: exercise \(exercise): the check's process ended with \(again.exitStatus)")
        }
    }

    // MARK: - Child

    /// The first failure a comparison noted in this child process.
    nonisolated(unsafe) private static var firstFailure: Verdict?
    /// The exercise this child checks.
    nonisolated(unsafe) private static var currentExercise = "?"

    /// Runs a check body in the exit-test child, with a CPU-time, wall-clock and memory
    /// limit, then writes the verdict for `nonce` on standard error.
    static func child(_ exercise: String, nonce: String, cpuSeconds: Int = defaultCPUSeconds, _ body: () throws -> Void) {
        currentExercise = exercise
        TimeLimit.install(exercise: exercise, nonce: nonce, cpuSeconds: cpuSeconds,
                          wallSeconds: cpuSeconds * wallClockFactor)
        var memory = rlimit(rlim_cur: 8 << 30, rlim_max: 8 << 30)      // 8 GB of address space
        setrlimit(Int32(RLIMIT_AS.rawValue), &memory)
        do {
            try body()
        } catch let error as NotImplemented {
            note(Verdict(exercise: exercise, status: .notStarted,
                         message: "not started: exercise \(error.exercise) still throws NotImplemented — write it in \(gradedFolder)/Chapter\(chapterNumber(exercise)).swift"))
        } catch {
            note(Verdict(exercise: exercise, status: .threw, message: "exercise \(exercise) threw an error: \(error)"))
        }
        let verdict = firstFailure ?? Verdict(exercise: exercise, status: .passed, message: "passed")
        FileHandle.standardError.write(Data(VerdictChannel.line(verdict, nonce: nonce).utf8))
    }

    /// Notes a failed comparison (the first one is the verdict). The status follows the
    /// message's first words: "wrong shape…", "NaN…"/"infinity…", else a wrong value.
    static func fail(_ message: String, hint: String? = nil, expected: String? = nil, got: String? = nil, index: Int? = nil) {
        let status: Verdict.Status =
            message.hasPrefix("wrong shape") ? .wrongShape
            : message.hasPrefix("NaN") || message.hasPrefix("infinity") ? .nonFinite
            : .wrongValue
        note(Verdict(exercise: currentExercise, status: status, message: message, hint: hint,
                     expected: expected, got: got, index: index))
    }

    /// The same for a comment.
    static func fail(_ comment: Comment) { fail(comment.rawValue) }

    private static func note(_ verdict: Verdict) {
        if firstFailure == nil { firstFailure = verdict }
    }

    // MARK: - Explaining a crash

    /// "1.3" → "01".
    static func chapterNumber(_ exercise: String) -> String {
        let n = Int(exercise.split(separator: ".").first ?? "") ?? 0
        return n < 10 ? "0\(n)" : "\(n)"
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
        case SIGKILL: return "killed, often by the CPU-time limit's hard stop"
        default: return "signal \(signal)"
        }
    }
}
