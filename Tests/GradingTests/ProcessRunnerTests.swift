// ProcessRunner: running a command with its output, status, folder, environment and time limit.

import Foundation
import Testing
import Grading

@Suite("Process runner")
struct ProcessRunnerTests {
    @Test("output and errors are captured together, with the exit status")
    func outputAndStatus() {
        let outcome = ProcessRunner.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(outcome.status == 3)
        #expect(!outcome.timedOut)
        #expect(outcome.output.split(separator: "\n").sorted() == ["err", "out"])
        #expect(ProcessRunner.run(["true"]).status == 0)
    }

    @Test("the command runs in the folder given, with the variables added")
    func folderAndEnvironment() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outcome = ProcessRunner.run(["sh", "-c", "pwd; echo \"$KIT_ONLY\"; echo \"${PATH:+path}\""], in: folder.url,
                                        environment: ["KIT_ONLY": "Grading,GradingTests"])
        #expect(outcome.status == 0)
        let lines = outcome.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
                == folder.url.resolvingSymlinksInPath().path)
        #expect(Array(lines.dropFirst()) == ["Grading,GradingTests", "path"])     // PATH is inherited
    }

    @Test("the time limit kills the command and what it started")
    func timeLimit() {
        let start = Date()
        let outcome = ProcessRunner.run(["sh", "-c", "echo started; sleep 8; echo never"], seconds: 0.3)
        #expect(outcome.timedOut)
        #expect(outcome.status == 128 + 9)
        #expect(outcome.output == "started\n")
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test("a missing command fails, and is not available")
    func missingCommand() {
        let outcome = ProcessRunner.run(["no-such-command-kit-grade"])
        #expect(outcome.status == 127)
        #expect(!outcome.timedOut)
        #expect(ProcessRunner.available("sh"))
        #expect(!ProcessRunner.available("no-such-command-kit-grade"))
    }
}
