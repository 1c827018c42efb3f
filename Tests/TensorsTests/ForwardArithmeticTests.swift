// ForwardArithmeticTests.swift — values of the elementwise ops and broadcasting,
// checked against hand-computed results and explicit index loops.

import Testing
import Tensors

@Suite struct ForwardArithmeticTests {
    @Test func rowVectorBroadcast() {
        let a = indexTensor([2, 3])                       // [[0, 1, 2], [3, 4, 5]]
        let b = Tensor([10, 20, 30])
        expectValues(a + b, shape: [2, 3], [10, 21, 32, 13, 24, 35])
        expectValues(b - a, shape: [2, 3], [10, 19, 28, 7, 16, 25])
        expectValues(a * b, shape: [2, 3], [0, 20, 60, 30, 80, 150])
        expectValues(a / b, shape: [2, 3], [0, 0.05, 2.0 / 30, 0.3, 0.2, 5.0 / 30])
    }

    @Test func sizeOneAxesOnBothSides() {
        // [2, 1, 2] · [3, 1] → [2, 3, 2]: out[i, j, k] = a[i, 0, k] · b[j, 0].
        let a = Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4])
        let b = Tensor(shape: [3, 1], scalars: [10, 20, 30])
        expectValues(a * b, shape: [2, 3, 2], [10, 20, 20, 40, 30, 60,
                                                30, 40, 60, 80, 90, 120])
        // Column [3, 1] + row [1, 4]: an outer sum.
        let col = Tensor(shape: [3, 1], scalars: [0, 10, 20])
        let row = Tensor(shape: [1, 4], scalars: [1, 2, 3, 4])
        expectValues(col + row, shape: [3, 4], [1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24])
    }

    /// The per-channel pattern `[N, C, H, W] + [C, 1, 1]`, against an index loop.
    @Test func perChannelBroadcast() {
        let x = indexTensor([2, 3, 4, 5])
        let c = Tensor(shape: [3, 1, 1], scalars: [100, 200, 300])
        let y = x + c
        #expect(y.shape == [2, 3, 4, 5])
        var sums: [Float] = [], differences: [Float] = []
        for n in 0..<2 { for ch in 0..<3 { for h in 0..<4 { for w in 0..<5 {
            let xv = Float(((n * 3 + ch) * 4 + h) * 5 + w)
            sums.append(xv + c.scalars[ch])
            differences.append(c.scalars[ch] - xv)
        } } } }
        expectValues(y, shape: [2, 3, 4, 5], sums)
        expectValues(c - x, shape: [2, 3, 4, 5], differences)   // the broadcast operand on the left
    }

    @Test func scalarTensors() {
        let m = indexTensor([2, 2])
        let s = Tensor(3)
        #expect(s.shape == [])
        expectValues(s - m, shape: [2, 2], [3, 2, 1, 0])
        expectValues(m * s, shape: [2, 2], [0, 3, 6, 9])
        expectValues(Tensor(shape: [1], scalars: [2]) + m, shape: [2, 2], [2, 3, 4, 5])
        expectValues(s + s, shape: [], [6])
        // A [1, 1] operand against a [3] operand broadcasts to [1, 3].
        expectValues(Tensor(shape: [1, 1], scalars: [1]) + Tensor([1, 2, 3]), shape: [1, 3], [2, 3, 4])
    }

    @Test func tensorScalarForms() {
        let x = Tensor([1, 2, 4])
        expectValues(x + 1, shape: [3], [2, 3, 5])
        expectValues(1 - x, shape: [3], [0, -1, -3])
        expectValues(x - 1, shape: [3], [0, 1, 3])
        expectValues(2 * x, shape: [3], [2, 4, 8])
        expectValues(x / 4, shape: [3], [0.25, 0.5, 1])
        expectValues(4 / x, shape: [3], [4, 2, 1])
        expectValues(-x, shape: [3], [-1, -2, -4])
        expectValues(x.squared(), shape: [3], [1, 4, 16])
        expectValues(x.pow(0.5), shape: [3], [1, Float(2).squareRoot(), 2])
        expectValues(maximum(Tensor([-1, 0.5]), 0), shape: [2], [0, 0.5])
    }

    @Test func unaryValues() {
        let x = Tensor([-2, -0.5, 0, 1, 3])
        expectValues(x.relu(), shape: [5], [0, 0, 0, 1, 3])
        expectValues(x.abs(), shape: [5], [2, 0.5, 0, 1, 3])
        expectValues(x.clamped(min: -1, max: 2), shape: [5], [-1, -0.5, 0, 1, 2])
        expectValues(x.sigmoid(), shape: [5], [0.11920292, 0.37754067, 0.5, 0.7310586, 0.95257413])
        expectValues(x.silu(), shape: [5], [-0.23840584, -0.18877033, 0, 0.7310586, 2.8577223])
        // GELU (tanh form) reference values from PyTorch gelu(approximate="tanh").
        expectValues(x.gelu(), shape: [5], [-0.04540230, -0.15428599, 0, 0.84119199, 2.99636261],
                     tolerance: 1e-5)
        expectValues(x.tanh(), shape: [5], [-0.9640276, -0.46211716, 0, 0.7615942, 0.9950548])
        expectValues(Tensor([0, 1]).exp(), shape: [2], [1, 2.7182817])
        expectValues(Tensor([1, 2.7182817]).log(), shape: [2], [0, 1])
        expectValues(Tensor([4, 9]).sqrt(), shape: [2], [2, 3])
        expectValues(Tensor([0, Float.pi / 2]).sin(), shape: [2], [0, 1])
        expectValues(Tensor([0, Float.pi]).cos(), shape: [2], [1, -1])
        // sigmoid stays finite and exact at the extremes.
        expectValues(Tensor([-200, 200]).sigmoid(), shape: [2], [0, 1])
    }

    /// Above `Kernels.parallelThreshold` values the loops are split across threads;
    /// every value must still be exactly what the single-threaded formula gives.
    @Test func largeTensorsTakeTheParallelPath() {
        let n = 3 * Kernels.parallelThreshold + 5
        var rng = SeededGenerator(seed: 17)
        let x = Tensor.randn([n], using: &rng), y = Tensor.randn([n], using: &rng)
        x.requiresGrad = true
        let z = x * y + 2 * x - 1                         // zip, map
        let e = x.tanh()                                  // map, and zip3 in backward
        for i in 0..<n where z.scalars[i] != x.scalars[i] * y.scalars[i] + 2 * x.scalars[i] - 1 {
            Issue.record("z at \(i)"); break
        }
        (z + e).sum().backward()
        for i in 0..<n {
            let t = e.scalars[i]
            let expected = y.scalars[i] + 2 + (1 - t * t)
            if Swift.abs(x.grad!.scalars[i] - expected) > 1e-6 * (1 + Swift.abs(expected)) {
                Issue.record("gradient at \(i): \(x.grad!.scalars[i]) vs \(expected)"); break
            }
        }
        // A broadcast of that size: [n/…, 8] + [8].
        let rows = n / 8
        let m = Tensor.randn([rows, 8], using: &rng), b = Tensor.randn([8], using: &rng)
        let sum = m + b
        for i in 0..<(rows * 8) where sum.scalars[i] != m.scalars[i] + b.scalars[i % 8] {
            Issue.record("broadcast sum at \(i)"); break
        }
    }

    @Test func makingTensors() {
        expectValues(Tensor.arange(0, 5), shape: [5], [0, 1, 2, 3, 4])
        expectValues(Tensor.arange(1, 2, step: 0.25), shape: [4], [1, 1.25, 1.5, 1.75])
        expectValues(Tensor.linspace(0, 1, count: 5), shape: [5], [0, 0.25, 0.5, 0.75, 1])
        expectValues(Tensor.zeros([2, 2]), shape: [2, 2], [0, 0, 0, 0])
        expectValues(Tensor.ones([3]), shape: [3], [1, 1, 1])
        expectValues(Tensor(repeating: 7, shape: [1, 2]), shape: [1, 2], [7, 7])
        #expect(Tensor(2.5).item == 2.5)
    }
}
