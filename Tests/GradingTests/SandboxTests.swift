// Sandbox.wrap: the bubblewrap command line learner code runs in (nothing is run here).

import Foundation
import Testing
@testable import Grading

@Suite("Sandbox")
struct SandboxTests {
    let writable = URL(fileURLWithPath: "/srv/grading/.workspace")
    let home = URL(fileURLWithPath: "/srv/grading/.workspace/home")
    let directory = URL(fileURLWithPath: "/srv/grading/.workspace/kit")
    let command = ["swift", "test", "--skip-build", "--no-parallel", "--scratch-path", ".build"]

    /// Whether `part` occurs in `whole` as consecutive elements.
    func contains(_ whole: [String], _ part: [String]) -> Bool {
        guard part.count <= whole.count else { return false }
        return (0...(whole.count - part.count)).contains { Array(whole[$0..<($0 + part.count)]) == part }
    }

    @Test("without isolation the command runs as it is")
    func notIsolated() {
        #expect(Sandbox.none.wrap(command, writable: writable, home: home, directory: directory) == command)
        #expect(Sandbox(isolated: false).wrap(command, writable: writable, home: home, directory: directory) == command)
        #expect(!Sandbox.none.isolated)
    }

    @Test("bubblewrap: read-only system, the workspace writable, everything unshared, then the command")
    func isolated() throws {
        let wrapped = Sandbox(isolated: true).wrap(command, writable: writable, home: home, directory: directory)
        #expect(wrapped.first == "bwrap")
        let W = writable.path, D = directory.path
        #expect(contains(wrapped, ["--bind", W, W]))
        #expect(contains(wrapped, ["--chdir", D]))
        #expect(contains(wrapped, ["--setenv", "HOME", home.path]))
        #expect(contains(wrapped, ["--tmpfs", "/tmp"]))
        let readOnly = try #require(wrapped.firstIndex(of: "--ro-bind"))
        #expect(Array(wrapped[readOnly...(readOnly + 2)]) == ["--ro-bind", "/", "/"])
        let unshare = try #require(wrapped.firstIndex(of: "--unshare-all"))
        let die = try #require(wrapped.firstIndex(of: "--die-with-parent"))
        #expect(readOnly < unshare && unshare < die)
        let separator = try #require(wrapped.firstIndex(of: "--"))
        #expect(Array(wrapped[(separator + 1)...]) == command)
        #expect(wrapped.filter { $0 == "--" }.count == 1)
        #expect(wrapped == ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                            "--bind", W, W, "--unshare-all", "--die-with-parent", "--new-session",
                            "--setenv", "HOME", home.path, "--setenv", "TMPDIR", "/tmp", "--chdir", D, "--"] + command)
    }
}
