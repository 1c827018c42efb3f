// SymmetricEigenTests.swift — the Jacobi eigen-decomposition.

import Metrics
import Tensors
import Testing

@Suite struct SymmetricEigenTests {
    /// A random symmetric 24 × 24 matrix: V Λ Vᵀ gives it back, V is orthogonal, the
    /// eigenvalues are sorted and sum to the trace. Everything in Double: 1e-11.
    @Test func reconstructsRandomSymmetricMatrix() {
        var rng = SeededGenerator(seed: 4)
        let n = 24
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                let v = Double(rng.nextNormal())
                a[i * n + j] = v; a[j * n + i] = v
            }
        }
        let eig = SymmetricEigen(a, size: n)
        let back = eig.reconstructed()
        let maxError = zip(a, back).map { abs($0 - $1) }.max()!
        #expect(maxError < 1e-11, "max |A − VΛVᵀ| = \(maxError)")
        var maxOrthError = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let dot = (0..<n).reduce(0.0) { $0 + eig.vectors[$1 * n + i] * eig.vectors[$1 * n + j] }
                maxOrthError = max(maxOrthError, abs(dot - (i == j ? 1 : 0)))
            }
        }
        #expect(maxOrthError < 1e-11, "max |VᵀV − I| = \(maxOrthError)")
        #expect(zip(eig.values, eig.values.dropFirst()).allSatisfy { $0 >= $1 }, "not sorted: \(eig.values)")
        let trace = (0..<n).reduce(0.0) { $0 + a[$1 * n + $1] }
        #expect(abs(eig.values.reduce(0, +) - trace) < 1e-11)
        #expect(eig.sweeps < 20, "took \(eig.sweeps) sweeps")
    }

    /// Known spectra: [[2, 1], [1, 2]] has eigenvalues 3 and 1 with vectors (1, ±1)/√2;
    /// a diagonal matrix has its diagonal, sorted.
    @Test func knownSpectra() {
        let eig = SymmetricEigen([2, 1, 1, 2], size: 2)
        #expect(abs(eig.values[0] - 3) < 1e-14 && abs(eig.values[1] - 1) < 1e-14)
        #expect(abs(abs(eig.vectors[0]) - 0.5.squareRoot()) < 1e-14)      // first column ∝ (1, 1)
        #expect(abs(eig.vectors[0] - eig.vectors[2]) < 1e-14)
        let diagonal = SymmetricEigen([1, 0, 0, 0, 5, 0, 0, 0, -2], size: 3)
        #expect(diagonal.values == [5, 1, -2])
    }

    /// √A squared is A for a positive definite A (here BᵀB + I).
    @Test func squareRootSquaresBack() {
        var rng = SeededGenerator(seed: 5)
        let n = 10
        let b = (0..<(n * n)).map { _ in Double(rng.nextNormal()) }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n { a[i * n + j] = (0..<n).reduce(i == j ? 1 : 0) { $0 + b[$1 * n + i] * b[$1 * n + j] } }
        }
        let s = SymmetricEigen.squareRoot(of: a, size: n)
        var maxError = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let ss = (0..<n).reduce(0.0) { $0 + s[i * n + $1] * s[$1 * n + j] }
                maxError = max(maxError, abs(ss - a[i * n + j]))
            }
        }
        #expect(maxError < 1e-10, "max |√A·√A − A| = \(maxError)")
    }
}
