// GradCheckShapeTests.swift — gradients of the ops that move values: reshape,
// flatten, broadcast, permute/transpose, slice/split/chunk, pad, concat and stack.
// Each case multiplies the moved values by something position-dependent (the random
// cotangent, or another op), so a gradient routed to the wrong position fails.

import Testing
import Tensors

@Suite struct GradCheckShapeTests {
    @Test func reshapeAndFlatten() {
        let x = randomInput([2, 3, 4], seed: 41)
        gradCheck(x) { $0[0].reshaped([4, 6]) }
        gradCheck(x) { $0[0].reshaped([-1, 2]) }
        gradCheck(x) { $0[0].flattened() }
        // A reshape whose result is combined with a differently-shaped tensor.
        gradCheck(x) { $0[0].reshaped([6, 4]) * $0[0].reshaped([6, 4]).sin() }
    }

    @Test(arguments: [([3, 1], [2, 3, 4]), ([4], [3, 4]), ([], [2, 2]), ([1, 3, 1], [2, 3, 5])])
    func broadcast(from: [Int], to: [Int]) {
        let x = randomInput(from, seed: 42)
        gradCheck(x) { $0[0].broadcasted(to: to) }
    }

    @Test(arguments: [[2, 0, 1], [1, 2, 0], [0, 2, 1], [2, 1, 0], [-1, 0, 1]])
    func permute(axes: [Int]) {
        let x = randomInput([2, 3, 4], seed: 43)
        gradCheck(x) { $0[0].permuted(axes) }
    }

    @Test func transpose() {
        let x = randomInput([2, 3, 4], seed: 44)
        gradCheck(x) { $0[0].transposed() }
        gradCheck(x) { $0[0].transposed(0, 2) }
        gradCheck(x) { $0[0].transposed(1, 0) }
        let m = randomInput([3, 5], seed: 45)
        gradCheck(m) { $0[0].transposed() }
    }

    @Test(arguments: [(0, 0..<1), (1, 1..<3), (2, 1..<4), (-1, 0..<2), (1, 2..<3)])
    func slice(axis: Int, range: Range<Int>) {
        let x = randomInput([2, 3, 4], seed: 46)
        gradCheck(x) { $0[0].slice(axis: axis, range) }
    }

    /// The pieces are recombined nonlinearly (a·c + b, with b broadcast), so each
    /// piece's gradient depends on the others.
    @Test func splitAndChunk() {
        let x = randomInput([2, 5, 3], seed: 47)
        gradCheck(x) { x in
            let p = x[0].split(axis: 1, sizes: [2, 1, 2])
            return p[0] * p[2] + p[1]
        }
        gradCheck(x) { x in
            let p = x[0].split(axis: -1, sizes: [1, 2])
            return p[0] * p[1]
        }
        let y = randomInput([4, 6], seed: 48)
        gradCheck(y) { y in
            let p = y[0].chunked(3, axis: 1)
            return p[0] * p[1] - p[2].squared()
        }
        gradCheck(y) { y in
            let p = y[0].chunked(2, axis: 0)
            return p[0] / (p[1].squared() + 1)
        }
    }

    @Test func pad() {
        let x = randomInput([2, 3, 4], seed: 49)
        gradCheck(x) { $0[0].padded([(1, 0), (0, 2), (1, 1)]) }
        gradCheck(x) { $0[0].padded([(0, 0), (2, 1), (0, 0)], value: 0.5) }
        gradCheck(x) { $0[0].padded([(0, 0), (0, 0), (3, 0)], value: -1).exp() }
    }

    @Test(arguments: [0, 1, 2, -1])
    func concatAlongAxis(axis: Int) {
        var shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
        let ax = axis < 0 ? axis + 3 : axis
        shapes[1][ax] = 1
        shapes[2][ax] = 2
        let a = randomInput(shapes[0], seed: 50)
        let b = randomInput(shapes[1], seed: 51)
        let c = randomInput(shapes[2], seed: 52)
        gradCheck(a, b, c) { concat($0, axis: axis) }
        // The same tensor twice in one concat gets both slices' gradients.
        gradCheck(a) { concat([$0[0], $0[0].sin()], axis: axis) }
    }

    @Test(arguments: [0, 1, 2, -1])
    func stackAlongAxis(axis: Int) {
        let a = randomInput([3, 2], seed: 53)
        let b = randomInput([3, 2], seed: 54)
        let c = randomInput([3, 2], seed: 55, requiresGrad: false)
        gradCheck(a, b, c) { stack($0, axis: axis) }
    }
}
