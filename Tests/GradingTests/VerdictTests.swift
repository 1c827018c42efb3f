// Verdicts as JSON lines, and the channel that carries them from a check's process.

import Testing
import Grading

@Suite("Verdicts")
struct VerdictTests {
    @Test("a verdict round-trips through its JSON line")
    func roundTrip() throws {
        let full = Verdict(exercise: "3.1", name: "3.1 sinusoidal embedding", status: .wrongValue,
                           message: "wrong value at index 9: expected 0.5, got \"0.3\"", hint: "sines first",
                           expected: "0.5", got: "0.3", index: 9, location: "Exercises/Chapter03.swift:42:13",
                           test: "Chapter03/embedding()")
        #expect(!full.jsonLine.contains("\n"))
        #expect(Verdict(jsonLine: full.jsonLine) == full)
        for status in Verdict.Status.allCases {
            let bare = Verdict(exercise: "1.1", status: status, message: "m")
            #expect(Verdict(jsonLine: bare.jsonLine) == bare)
            #expect(bare.jsonLine.contains("\"status\":\"\(status.rawValue)\""))
        }
        #expect(Verdict(jsonLine: "not json") == nil)
    }

    @Test("the channel takes the last line with our nonce only")
    func channel() {
        let ours = Verdict(exercise: "1.2", status: .passed, message: "passed")
        let forged = Verdict(exercise: "1.2", status: .passed, message: "forged")
        let earlier = Verdict(exercise: "1.2", status: .wrongValue, message: "earlier")
        let line = VerdictChannel.line(ours, nonce: "n0nce")
        #expect(line.hasPrefix("KIT-VERDICT n0nce {"))
        #expect(line.hasSuffix("\n"))
        let stderr = "warning: something\n" + VerdictChannel.line(earlier, nonce: "n0nce") + line
            + VerdictChannel.line(forged, nonce: "other") + "trailing output\n"
        #expect(VerdictChannel.find(in: stderr, nonce: "n0nce") == ours)
        #expect(VerdictChannel.find(in: stderr, nonce: "other") == forged)
        #expect(VerdictChannel.find(in: VerdictChannel.line(forged, nonce: "other"), nonce: "n0nce") == nil)
        #expect(VerdictChannel.find(in: "", nonce: "n0nce") == nil)
    }
}
