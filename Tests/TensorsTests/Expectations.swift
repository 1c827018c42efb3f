// Expectations.swift — comparing a tensor with expected values.

import Testing
import Tensors

/// Expects `actual` to have `shape` and values within `tolerance` (absolute, plus the
/// same amount relative to the expected magnitude) of `expected`; reports the first
/// wrong index.
func expectValues(_ actual: Tensor, shape: [Int], _ expected: [Float], tolerance: Float = 1e-6,
                  sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == shape, "shape", sourceLocation: sourceLocation)
    guard actual.count == expected.count else {
        Issue.record("\(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    for i in 0..<expected.count {
        let a = actual.scalars[i], e = expected[i]
        if !(Swift.abs(a - e) <= tolerance * (1 + Swift.abs(e))) {
            Issue.record("value at index \(i): got \(a), expected \(e) (tolerance \(tolerance))",
                         sourceLocation: sourceLocation)
            return
        }
    }
}

/// `arange(0, n)` reshaped to `shape`: every value is its own row-major index, so a
/// value that lands in the wrong place is easy to spot.
func indexTensor(_ shape: [Int]) -> Tensor {
    Tensor.arange(0, Float(shape.product)).reshaped(shape)
}
