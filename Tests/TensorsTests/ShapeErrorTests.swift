// ShapeErrorTests.swift — a shape mismatch stops the program with a message that
// names the op and both shapes. Each case runs in a child process (an exit test),
// and the child's standard error is checked for those names.
// (Values are built inside each body: an exit test captures only explicitly typed values.)

import Testing
import Tensors

@Suite struct ShapeErrorTests {
    /// Expects the captured standard error to contain every one of `needles`.
    func expectMessage(_ result: ExitTest.Result?, contains needles: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) {
        guard let result else { return }        // the exit test itself already failed
        let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
        for needle in needles {
            #expect(stderr.contains(needle), "stderr lacks \"\(needle)\": \(stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func addMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }
        expectMessage(result, contains: ["add", "[2, 3]", "[4]"])
    }

    @Test func mulMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([4, 1, 5]) * Tensor.zeros([3, 2])
        }
        expectMessage(result, contains: ["mul", "[4, 1, 5]", "[3, 2]"])
    }

    @Test func matmulInnerMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 5]))
        }
        expectMessage(result, contains: ["matmul", "[2, 3]", "[4, 5]"])
    }

    @Test func matmulBatchMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor.zeros([2, 3, 4]), Tensor.zeros([3, 4, 5]))
        }
        expectMessage(result, contains: ["matmul", "[2, 3, 4]", "[3, 4, 5]"])
    }

    @Test func concatMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = concat([Tensor.zeros([2, 3]), Tensor.zeros([2, 4])], axis: 0)
        }
        expectMessage(result, contains: ["concat", "[2, 3]", "[2, 4]"])
    }

    @Test func reshapeMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshaped([4])
        }
        expectMessage(result, contains: ["reshape", "[2, 3]", "[4]"])
    }
}
