// ForwardMatMulTests.swift — the BLAS matrix product against a naive triple loop.

import Testing
import Tensors

@Suite struct ForwardMatMulTests {
    /// C[b, i, j] = Σ_k A[b, i, k]·B[b, k, j] in Double; `sharedB` uses one B for every b.
    func naive(_ a: Tensor, _ b: Tensor, batch: Int, m: Int, k: Int, n: Int, sharedB: Bool) -> [Float] {
        var c = [Float]()
        for t in 0..<batch {
            let bOffset = sharedB ? 0 : t * k * n
            for i in 0..<m {
                for j in 0..<n {
                    var s = 0.0
                    for l in 0..<k {
                        s += Double(a.scalars[t * m * k + i * k + l]) * Double(b.scalars[bOffset + l * n + j])
                    }
                    c.append(Float(s))
                }
            }
        }
        return c
    }

    @Test func handExample() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        expectValues(matmul(a, b), shape: [2, 2], [58, 64, 139, 154])
    }

    /// Float32 products of K ≈ 10 terms of size ~1: relative error ≲ K·6e-8, so 1e-5.
    @Test(arguments: [([5, 7], [7, 3]), ([1, 4], [4, 1]), ([3, 4, 5], [3, 5, 2]),
                      ([2, 4, 3, 5], [2, 4, 5, 6]), ([3, 4, 5], [5, 2]), ([2, 2, 3, 4], [4, 6])])
    func againstNaiveLoop(shapes: ([Int], [Int])) {
        var rng = SeededGenerator(seed: 91)
        let a = Tensor.randn(shapes.0, using: &rng)
        let b = Tensor.randn(shapes.1, using: &rng)
        let m = shapes.0[shapes.0.count - 2], k = shapes.0.last!, n = shapes.1.last!
        let batch = shapes.0.dropLast(2).reduce(1, *)
        let c = matmul(a, b)
        expectValues(c, shape: shapes.0.dropLast(2) + [m, n],
                     naive(a, b, batch: batch, m: m, k: k, n: n, sharedB: shapes.1.count == 2),
                     tolerance: 1e-5)
    }

    /// A size large enough for OpenBLAS's blocked kernels (and several threads).
    @Test func largerProduct() {
        var rng = SeededGenerator(seed: 92)
        let a = Tensor.randn([67, 130], using: &rng)
        let b = Tensor.randn([130, 45], using: &rng)
        // K = 130 terms of size ~1: the sum is ~√130 ≈ 11 and Float32 rounding adds up
        // to ≈ K·u·Σ|terms| ~ 1e-4 absolute; 1e-4 relative (plus absolute) covers it.
        expectValues(matmul(a, b), shape: [67, 45],
                     naive(a, b, batch: 1, m: 67, k: 130, n: 45, sharedB: true), tolerance: 1e-4)
    }
}
