// TimeLimit.swift — a check's time limits, in the child process.
//
// The limit is CPU time (RLIMIT_CPU): the kernel sends SIGXCPU when the child has
// used that many seconds of processor time, however busy the machine is. A wall-clock
// alarm (SIGALRM) several times longer catches a child that waits instead of computing.
// Either signal writes a prepared "timed_out" verdict and ends the child with status 0,
// so the parent reads it like any other verdict (and runs the check again, alone).

import Foundation
import Grading

enum TimeLimit {
    /// The prepared verdict lines, written from the signal handlers (which may only
    /// call async-signal-safe functions: `write` and `_exit`).
    nonisolated(unsafe) private static var cpuLine: [UInt8] = []
    nonisolated(unsafe) private static var wallLine: [UInt8] = []

    /// Sets both limits and the handlers for the check of `exercise`.
    static func install(exercise: String, nonce: String, cpuSeconds: Int, wallSeconds: Int) {
        cpuLine = Array(VerdictChannel.line(Verdict(
            exercise: exercise, status: .timedOut,
            message: "timed out: exercise \(exercise) used more than \(cpuSeconds) s of CPU time (an endless loop, or far too much work?)"),
            nonce: nonce).utf8)
        wallLine = Array(VerdictChannel.line(Verdict(
            exercise: exercise, status: .timedOut,
            message: "timed out: exercise \(exercise) ran for more than \(wallSeconds) s without finishing (waiting for something, or far too much work?)"),
            nonce: nonce).utf8)
        signal(SIGXCPU) { _ in TimeLimit.report(TimeLimit.cpuLine) }
        signal(SIGALRM) { _ in TimeLimit.report(TimeLimit.wallLine) }
        // The hard limit a few seconds later kills a child whose handler cannot run.
        var cpu = rlimit(rlim_cur: rlim_t(cpuSeconds), rlim_max: rlim_t(cpuSeconds + 5))
        setrlimit(Int32(RLIMIT_CPU.rawValue), &cpu)
        alarm(UInt32(wallSeconds))
    }

    private static func report(_ line: [UInt8]) {
        line.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count) }
        _exit(0)
    }
}
