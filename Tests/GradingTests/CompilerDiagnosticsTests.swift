// CompilerDiagnostics.errorsByExerciseFile: which learner file a failed `swift build` blames.

import Testing
import Grading

@Suite("Compiler diagnostics")
struct CompilerDiagnosticsTests {
    @Test("errors are grouped by learner file, without duplicates, in the compiler's order")
    func groupsErrors() {
        let log = """
            Building for debugging...
            [1/14] Compiling Exercises Chapter01.swift
            /w/kit/Exercises/Chapter02.swift:12:5: error: cannot convert value of type 'String' to specified type 'Int'
                    let steps: Int = "1000"
                                     ^~~~~~
            /w/kit/Exercises/Chapter02.swift:12:5: error: cannot convert value of type 'String' to specified type 'Int'
            /w/kit/Exercises/Chapter03.swift:7:9: warning: variable 'x' was never mutated; consider changing to 'let' constant
            /w/kit/Exercises/Helpers.swift:3:1: error: expected declaration
            /w/kit/Sources/Tensors/Tensor.swift:40:17: error: cannot find 'shape2' in scope
            /w/kit/Exercises/Sub/Chapter01.swift:1:1: error: expressions are not allowed at the top level
              /w/kit/Exercises/Chapter02.swift:30:12: error: missing return in static method expected to return 'Tensor'
            /w/kit/Exercises/Helpers.swift:3:1: error: expected declaration
            error: emit-module command failed with exit code 1 (use -v to see invocation)
            error: fatalError
            """
        let errors = CompilerDiagnostics.errorsByExerciseFile(log)
        #expect(errors == [
            "Exercises/Chapter02.swift": [
                "Chapter02.swift:12:5: error: cannot convert value of type 'String' to specified type 'Int'",
                "Chapter02.swift:30:12: error: missing return in static method expected to return 'Tensor'",
            ],
            "Exercises/Helpers.swift": ["Helpers.swift:3:1: error: expected declaration"],
            "": [
                "/w/kit/Sources/Tensors/Tensor.swift:40:17: error: cannot find 'shape2' in scope",
                "/w/kit/Exercises/Sub/Chapter01.swift:1:1: error: expressions are not allowed at the top level",
            ],
        ])
    }

    @Test("the file is found by its location, even when the kit lies under a folder named Exercises")
    func locationOnly() {
        let log = """
            /home/t/Exercises/grading/.workspace/kit/Exercises/Chapter04.swift:3:2: error: cannot find 'ema' in scope
            /home/t/Exercises/grading/.workspace/kit/Sources/Diffusion/Loss.swift:9:6: error: invalid redeclaration of 'loss()' declared at /w/kit/Exercises/Chapter05.swift:3:6
            <unknown>:0: error: error opening input file '/w/kit/Exercises/Chapter10.swift' (No such file or directory)
            """
        #expect(CompilerDiagnostics.errorsByExerciseFile(log) == [
            "Exercises/Chapter04.swift": ["Chapter04.swift:3:2: error: cannot find 'ema' in scope"],
            "": [
                "/home/t/Exercises/grading/.workspace/kit/Sources/Diffusion/Loss.swift:9:6: error: invalid redeclaration of 'loss()' declared at /w/kit/Exercises/Chapter05.swift:3:6",
                "<unknown>:0: error: error opening input file '/w/kit/Exercises/Chapter10.swift' (No such file or directory)",
            ],
        ])
    }

    @Test("a log without errors blames nothing")
    func noErrors() {
        let log = """
            /w/kit/Exercises/Chapter03.swift:7:9: warning: variable 'x' was never mutated
            Build complete! (12.30s)
            """
        #expect(CompilerDiagnostics.errorsByExerciseFile(log).isEmpty)
        #expect(CompilerDiagnostics.errorsByExerciseFile("").isEmpty)
    }
}
