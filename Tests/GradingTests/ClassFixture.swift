// A class of three fake learners whose verdicts, together, use every status.

import Grading

/// The fake class the report tests grade.
enum ClassFixture {
    static let exercises = [
        ExerciseInfo(id: "1.1", name: "1.1 forward process", points: 1),
        ExerciseInfo(id: "1.2", name: "1.2 noisy sample", points: 2),
        ExerciseInfo(id: "2.1", name: "2.1 linear schedule", points: 1.5),
        ExerciseInfo(id: "3.1", name: "3.1 sinusoidal embedding", points: 1),
        ExerciseInfo(id: "3.2", name: "3.2 sizes of convolutions", points: 0.25),
    ]

    /// A message with a comma and quotes, for the CSV's quoting.
    static let quotedMessage = "wrong value in \"noisy sample\" at index 0: expected 1.5, got 2.5"
    /// A note as the grader writes it when a chapter file does not compile.
    static let compilerLine = """
        compile error in Exercises/Chapter03.swift (graded as the stub instead):
        Chapter03.swift:12:5: error: cannot find 'halfDim' in scope
        Chapter03.swift:20:1: error: expected '}' at end of brace statement
        """

    static let alice = LearnerResult(
        learner: "alice", source: "/submissions/alice",
        verdicts: [
            "1.1": Verdict(exercise: "1.1", status: .passed, message: "passed", test: "Chapter01/forward()"),
            "1.2": Verdict(exercise: "1.2", status: .wrongValue, message: quotedMessage,
                           hint: "the noise is scaled by sqrt(1 - alphaBar), not (1 - alphaBar)",
                           expected: "1.5", got: "2.5", index: 0, test: "Chapter01/noisySample()"),
            "2.1": Verdict(exercise: "2.1", status: .passed, message: "passed"),
            "3.1": Verdict(exercise: "3.1", status: .wrongShape,
                           message: "wrong shape for embedding of t = [0.0, 1.0], d = 8: expected [4, 8], got [4, 4]",
                           expected: "[4, 8]", got: "[4, 4]", test: "Chapter03/embedding()"),
            "3.2": Verdict(exercise: "3.2", status: .nonFinite, message: "NaN in sizes at index 3", got: "nan", index: 3),
        ],
        changedIgnored: ["Package.swift", "Sources/Tensors/Tensor.swift"],
        notes: ["grading was not sandboxed (bubblewrap is not installed)"],
        locations: ["1.2": "Exercises/Chapter01.swift:30", "3.1": "Exercises/Chapter03.swift:8"])

    static let bob = LearnerResult(
        learner: "bob", source: "/submissions/bob @ 1a2b3c4 (2025-03-01)",
        verdicts: [
            "1.1": Verdict(exercise: "1.1", status: .threw, message: "exercise 1.1 threw an error: badInput",
                           test: "Chapter01/forward()"),
            "1.2": Verdict(exercise: "1.2", status: .wrongValue,
                           message: "wrong value in noisy sample at index 0: expected 1.5, got 0.5 (tolerance 0.0001)",
                           expected: "1.5", got: "0.5", index: 0, test: "Chapter01/noisySample()"),
            "2.1": Verdict(exercise: "2.1", status: .passed, message: "passed"),
            "3.1": Verdict(exercise: "3.1", status: .compileError, message: "compile error: Exercises/Chapter03.swift did not compile"),
            "3.2": Verdict(exercise: "3.2", status: .compileError, message: "compile error: Exercises/Chapter03.swift did not compile"),
        ],
        notes: ["grading was not sandboxed (bubblewrap is not installed)", compilerLine])

    static let carol = LearnerResult(
        learner: "carol", source: "/submissions/carol",
        verdicts: [
            "1.1": Verdict(exercise: "1.1", status: .notStarted,
                           message: "not started: exercise 1.1 still throws NotImplemented — write it in Exercises/Chapter01.swift"),
            "1.2": Verdict(exercise: "1.2", status: .passed, message: "passed"),
            "2.1": Verdict(exercise: "2.1", status: .timedOut,
                           message: "timed out: exercise 2.1 used more than 20 s of CPU time (an endless loop, or far too much work?)",
                           test: "Chapter02/linear()"),
            "3.1": Verdict(exercise: "3.1", status: .crashed,
                           message: "crashed: exercise 3.1 stopped with signal 4 (SIGILL) — Fatal error: Index out of range at Exercises/Chapter03.swift:14:13",
                           location: "Exercises/Chapter03.swift:14:13", test: "Chapter03/embedding()"),
            // 3.2: no verdict — not run.
        ],
        locations: ["3.1": "Exercises/Chapter03.swift:8"])

    static let learners = [alice, bob, carol]

    /// A copy that could not be graded at all.
    static let dave = LearnerResult(learner: "dave", source: "/submissions/dave", graded: false,
                                    gradingStatus: "not a copy of the kit: no Package.swift, no Exercises/")
}
