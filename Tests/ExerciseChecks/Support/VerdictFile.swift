// VerdictFile.swift — the verdicts kit-grade reads.
//
// When `$KIT_GRADE_VERDICTS` names a file, the parent appends each check's verdict to it
// as one JSON line. The name is read once and removed from the environment before any
// check's child starts, so learner code does not inherit it.

import Foundation
import Grading

enum VerdictFile {
    /// The file, when grading for kit-grade.
    private static let path: String? = {
        guard let value = ProcessInfo.processInfo.environment[VerdictChannel.fileVariable], !value.isEmpty else { return nil }
        unsetenv(VerdictChannel.fileVariable)
        return value
    }()
    private static let lock = NSLock()

    /// Starts the environment clean-up; call before the first child is spawned.
    static func prepare() { _ = path }

    /// Appends `verdict` as one line (nothing when no file was asked for).
    static func append(_ verdict: Verdict) {
        guard let path else { return }
        lock.lock(); defer { lock.unlock() }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { return }
        let line = Array((verdict.jsonLine + "\n").utf8)
        line.withUnsafeBufferPointer { _ = write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
