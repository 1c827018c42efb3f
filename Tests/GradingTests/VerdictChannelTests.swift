// VerdictChannelTests.swift — the child's verdict line is found by its nonce only.

import Testing
import Grading

@Suite("Verdict channel")
struct VerdictChannelTests {
    @Test("the parent accepts only the line with its own nonce, the last one written")
    func nonce() {
        let passed = Verdict(exercise: "3.1", status: .passed, message: "passed")
        let wrong = Verdict(exercise: "3.1", status: .wrongValue, message: "wrong value in x at index 2: expected 1, got 2",
                            expected: "1.0", got: "2.0", index: 2)
        let stderr = "learner output\n" + VerdictChannel.line(passed, nonce: "other")
            + VerdictChannel.line(passed, nonce: "mine") + "more output\n" + VerdictChannel.line(wrong, nonce: "mine")
        #expect(VerdictChannel.find(in: stderr, nonce: "mine") == wrong)
        #expect(VerdictChannel.find(in: stderr, nonce: "other") == passed)
        #expect(VerdictChannel.find(in: "learner output only\n", nonce: "mine") == nil)
    }

    @Test("a verdict survives its JSON line, and the statuses are the documented vocabulary")
    func roundTrip() {
        let verdict = Verdict(exercise: "8.2", name: "8.2 scale factor", status: .nonFinite, message: "NaN in s at index 0",
                              hint: "centre first", got: "nan", index: 0, location: "Exercises/Chapter08.swift:12",
                              test: "Chapter08/scaleFactor()")
        #expect(Verdict(jsonLine: verdict.jsonLine) == verdict)
        #expect(Verdict.Status.allCases.map(\.rawValue) == [
            "passed", "not_started", "wrong_value", "wrong_shape", "non_finite", "threw", "crashed", "timed_out",
            "compile_error", "not_run"])
    }
}
