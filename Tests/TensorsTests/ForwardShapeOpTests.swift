// ForwardShapeOpTests.swift — where reshape, broadcast, permute, slice, split, pad,
// concat and stack put each value. Inputs hold their own row-major index, so each
// expectation is an index formula.

import Testing
import Tensors

@Suite struct ForwardShapeOpTests {
    let x = indexTensor([2, 3, 4])       // x[i, j, k] = 12i + 4j + k

    @Test func reshapeKeepsOrder() {
        expectValues(x.reshaped([4, 6]), shape: [4, 6], (0..<24).map { Float($0) })
        #expect(x.reshaped([-1, 8]).shape == [3, 8])
        #expect(x.reshaped([2, -1, 3]).shape == [2, 4, 3])
        #expect(x.flattened().shape == [2, 12])
        #expect(indexTensor([2, 3, 4, 5]).flattened().shape == [2, 60])
    }

    @Test func broadcastTo() {
        let col = Tensor(shape: [2, 1], scalars: [1, 2])
        expectValues(col.broadcasted(to: [3, 2, 3]), shape: [3, 2, 3],
                     [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2])
        expectValues(Tensor(5).broadcasted(to: [2]), shape: [2], [5, 5])
    }

    @Test func permuteMovesAxes() {
        // Result axis i is input axis axes[i]: y[k, i, j] = x[i, j, k].
        let y = x.permuted([2, 0, 1])
        var expected: [Float] = []
        for k in 0..<4 { for i in 0..<2 { for j in 0..<3 { expected.append(Float(12 * i + 4 * j + k)) } } }
        expectValues(y, shape: [4, 2, 3], expected)
        // transposed() swaps the last two axes: y[i, k, j] = x[i, j, k].
        expected = []
        for i in 0..<2 { for k in 0..<4 { for j in 0..<3 { expected.append(Float(12 * i + 4 * j + k)) } } }
        expectValues(x.transposed(), shape: [2, 4, 3], expected)
        // transposed(0, 2): y[k, j, i] = x[i, j, k].
        expected = []
        for k in 0..<4 { for j in 0..<3 { for i in 0..<2 { expected.append(Float(12 * i + 4 * j + k)) } } }
        expectValues(x.transposed(0, 2), shape: [4, 3, 2], expected)
        // A hand example.
        expectValues(indexTensor([2, 3]).transposed(), shape: [3, 2], [0, 3, 1, 4, 2, 5])
        // Permuting back restores the original.
        expectValues(x.permuted([2, 0, 1]).permuted([1, 2, 0]), shape: [2, 3, 4], x.scalars)
    }

    @Test func sliceSplitChunk() {
        // x[:, 1:3, :]
        expectValues(x.slice(axis: 1, 1..<3), shape: [2, 2, 4],
                     [4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23])
        // x[..., 2:4]
        expectValues(x.slice(axis: -1, 2..<4), shape: [2, 3, 2], [2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23])
        expectValues(x.slice(axis: 0, 1..<2), shape: [1, 3, 4], (12..<24).map { Float($0) })
        let parts = x.split(axis: 2, sizes: [1, 3])
        expectValues(parts[0], shape: [2, 3, 1], [0, 4, 8, 12, 16, 20])
        expectValues(parts[1], shape: [2, 3, 3], [1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 17, 18, 19, 21, 22, 23])
        let halves = x.chunked(2, axis: 0)
        expectValues(halves[0], shape: [1, 3, 4], (0..<12).map { Float($0) })
        expectValues(halves[1], shape: [1, 3, 4], (12..<24).map { Float($0) })
        let thirds = indexTensor([2, 6]).chunked(3, axis: 1)
        expectValues(thirds[1], shape: [2, 2], [2, 3, 8, 9])
    }

    @Test func pad() {
        let m = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        expectValues(m.padded([(1, 0), (0, 2)], value: 9), shape: [3, 4],
                     [9, 9, 9, 9,
                      1, 2, 9, 9,
                      3, 4, 9, 9])
        expectValues(m.padded([(0, 1), (1, 1)]), shape: [3, 4],
                     [0, 1, 2, 0,
                      0, 3, 4, 0,
                      0, 0, 0, 0])
        // An image-style pad of H and W by 1 on a [1, 1, 2, 2] tensor.
        expectValues(m.reshaped([1, 1, 2, 2]).padded([(0, 0), (0, 0), (1, 1), (1, 1)]), shape: [1, 1, 4, 4],
                     [0, 0, 0, 0,
                      0, 1, 2, 0,
                      0, 3, 4, 0,
                      0, 0, 0, 0])
    }

    @Test func concatAndStack() {
        let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        expectValues(concat([a, Tensor(shape: [1, 2], scalars: [5, 6])], axis: 0), shape: [3, 2], [1, 2, 3, 4, 5, 6])
        expectValues(concat([a, Tensor(shape: [2, 1], scalars: [7, 8])], axis: 1), shape: [2, 3], [1, 2, 7, 3, 4, 8])
        expectValues(concat([Tensor(shape: [2, 1], scalars: [7, 8]), a, a], axis: -1), shape: [2, 5],
                     [7, 1, 2, 1, 2, 8, 3, 4, 3, 4])
        // Along the middle axis of 3-D tensors.
        let b = indexTensor([2, 1, 2]) + 100                 // [[[100, 101]], [[102, 103]]]
        expectValues(concat([indexTensor([2, 2, 2]), b], axis: 1), shape: [2, 3, 2],
                     [0, 1, 2, 3, 100, 101, 4, 5, 6, 7, 102, 103])
        let u = Tensor([1, 2, 3]), v = Tensor([4, 5, 6])
        expectValues(stack([u, v]), shape: [2, 3], [1, 2, 3, 4, 5, 6])
        expectValues(stack([u, v], axis: 1), shape: [3, 2], [1, 4, 2, 5, 3, 6])
        expectValues(stack([u, v], axis: -1), shape: [3, 2], [1, 4, 2, 5, 3, 6])
        // Splitting a concatenation gives the parts back.
        let joined = concat([a, Tensor(shape: [2, 1], scalars: [7, 8])], axis: 1)
        let back = joined.split(axis: 1, sizes: [2, 1])
        expectValues(back[0], shape: [2, 2], a.scalars)
        expectValues(back[1], shape: [2, 1], [7, 8])
    }
}
