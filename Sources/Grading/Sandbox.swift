// Sandbox.swift — learner code runs in a bubblewrap sandbox when one is available.
//
// A learner's exercise is code the instructor executes: building it and running its
// checks happens inside `bwrap` with a read-only view of the system, the workspace as
// the only writable folder (plus a private /tmp), no network, its own process ids,
// and death with its parent. No copy can touch another learner's results, the
// reports or the instructor's files. Without bubblewrap, grading runs unsandboxed and
// says so in one line.

import Foundation

/// How learner code is confined.
public struct Sandbox: Sendable {
    /// Whether bubblewrap confines the commands (false: they run as they are).
    public let isolated: Bool

    /// The sandbox of this machine: bubblewrap when it is installed and works here.
    public static func detect() -> Sandbox {
        guard ProcessRunner.available("bwrap") else { return Sandbox(isolated: false) }
        let probe = ProcessRunner.run(["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                                       "--unshare-net", "--die-with-parent", "true"], seconds: 30)
        return Sandbox(isolated: probe.status == 0)
    }

    /// Without confinement, for `--no-sandbox` and for tests.
    public static let none = Sandbox(isolated: false)

    /// The one line said when grading is not sandboxed.
    public static let notSandboxedNote =
        "grading is not sandboxed: bubblewrap (`bwrap`, Debian package `bubblewrap`) is not installed or does not work here, so learner code runs with your permissions"

    /// `command`, to run in `directory`, wrapped so that only `writable` (and a private
    /// /tmp) can be written.
    public func wrap(_ command: [String], writable: URL, home: URL, directory: URL) -> [String] {
        guard isolated else { return command }
        return ["bwrap",
                "--ro-bind", "/", "/",
                "--dev", "/dev",
                "--proc", "/proc",
                "--tmpfs", "/tmp",
                "--bind", writable.path, writable.path,
                "--unshare-all",              // network, process ids, IPC, host name
                "--die-with-parent",
                "--new-session",
                "--setenv", "HOME", home.path,
                "--setenv", "TMPDIR", "/tmp",
                "--chdir", directory.path,
                "--"] + command
    }
}
