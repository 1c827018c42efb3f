// Console formatting, the progress bar's text, and option parsing.

import ArgumentParser
import Testing
@testable import Notebook

@Suite("Console and options")
struct ConsoleTests {
    @Test("tables align: numbers right, text left")
    func table() {
        let t = Console.table(["schedule", "ᾱ_T"], [["linear", "0.6"], ["cosine", "0.00002"]])
        #expect(t == """
            schedule      ᾱ_T
            --------  -------
            linear        0.6
            cosine    0.00002
            """)
    }

    @Test("durations and clocks read naturally")
    func durations() {
        #expect(Console.duration(0.25) == "250 ms")
        #expect(Console.duration(12.34) == "12.3 s")
        #expect(Console.duration(245) == "4 min 05 s")
        #expect(Console.clock(75) == "1:15")
        #expect(Console.clock(3725) == "1:02:05")
    }

    @Test("the progress bar shows step, rate and ETA")
    func progress() {
        let bar = ProgressBar("training", total: 200, terminal: false)
        bar.update(50, info: "loss 0.1")
        let text = bar.render()
        #expect(text.hasPrefix("training  25% |██████"))
        #expect(text.contains("50/200"))
        #expect(text.contains("it/s"))
        #expect(text.contains("ETA"))
        #expect(text.hasSuffix("loss 0.1"))
    }

    @Test("a resumed loop's bar counts only its own steps in the rate")
    func resumedProgress() {
        // Resumed at step 700 of 1,200 and no step done yet: the rate is 0, not
        // 700 steps over a few microseconds, and there is no ETA yet.
        let bar = ProgressBar("training", total: 1200, unit: "step", startingAt: 700, terminal: false)
        bar.update(700)
        let text = bar.render()
        #expect(text.contains("700/1200") && text.contains(" 0.00 step/s"), "\(text)")
        #expect(!text.contains("ETA 0:"), "\(text)")
    }

    @Test("options: defaults, values, and invalid input exits with status 64")
    func options() throws {
        let d = try ChapterOptions.parse([])
        #expect(d.seed == 0 && !d.quick && !d.mine && d.out == nil)
        let o = try ChapterOptions.parse(["--seed", "7", "--quick", "--out", "/tmp/x", "--mine"])
        #expect(o.seed == 7 && o.quick && o.mine && o.out == "/tmp/x")
        for bad in [["--seed", "-1"], ["--seed", "abc"], ["--frobnicate"], ["--out", ""]] {
            do {
                _ = try ChapterOptions.parse(bad)
                Issue.record("\(bad) was accepted")
            } catch {
                #expect(ChapterOptions.exitCode(for: error).rawValue == 64, "\(bad)")
                #expect(!ChapterOptions.message(for: error).isEmpty)
            }
        }
    }
}
