// SymmetricEigen.swift — eigenvalues and eigenvectors of a symmetric matrix (Jacobi).
//
// Reference: C. G. J. Jacobi (1846); G. H. Golub & C. F. Van Loan, "Matrix
// Computations", §8.5 (the cyclic Jacobi method); Numerical Recipes §11.1.
//
// A symmetric A (n × n) is driven to diagonal form by plane rotations J(p, q, θ):
//
//   1. for every pair p < q with a_pq ≠ 0 (one "sweep"):
//        θ = (a_qq − a_pp) / (2 a_pq),   t = sign(θ) / (|θ| + √(θ² + 1))   (the smaller root)
//        c = 1/√(t² + 1),  s = t·c
//        A ← Jᵀ A J   (zeroes a_pq),   V ← V J
//   2. repeat sweeps until the off-diagonal part is negligible:
//        Σ_{i≠j} a_ij² ≤ (10⁻¹⁵ ‖A‖_F)²
//   3. the diagonal holds the eigenvalues, the columns of V the eigenvectors:
//        A = V Λ Vᵀ,  VᵀV = I.
//
// Each sweep costs O(n³) and convergence is quadratic once the off-diagonal part is
// small: a 128 × 128 covariance takes about ten sweeps, a few tens of milliseconds.
// Everything is in Double. No LAPACK needed.

/// The eigen-decomposition A = V Λ Vᵀ of a real symmetric matrix, by cyclic Jacobi
/// rotations in Double.
public struct SymmetricEigen: Sendable {
    /// The size n of the matrix.
    public let size: Int
    /// The eigenvalues, largest first.
    public let values: [Double]
    /// The eigenvectors as the columns of a row-major n × n matrix V: column k
    /// (`vectors[i * size + k]` for i in 0..<n) belongs to `values[k]`.
    public let vectors: [Double]
    /// The number of sweeps the method took.
    public let sweeps: Int

    /// Decomposes the symmetric `matrix` (row-major `size` × `size`). The matrix is
    /// symmetrised as (A + Aᵀ)/2 first, so rounding-level asymmetry does no harm.
    /// - Precondition: `matrix.count == size²`, finite values, and A is symmetric to
    ///   within 10⁻⁸ of its largest entry.
    public init(_ matrix: [Double], size n: Int, maxSweeps: Int = 100) {
        precondition(n >= 0 && matrix.count == n * n,
                     "SymmetricEigen: \(matrix.count) values for a \(n) × \(n) matrix")
        precondition(matrix.allSatisfy(\.isFinite), "SymmetricEigen: the matrix has NaN or infinite values")
        let scale = matrix.reduce(0) { max($0, abs($1)) }
        var a = matrix
        for i in 0..<n {
            for j in (i + 1)..<n {
                precondition(abs(a[i * n + j] - a[j * n + i]) <= 1e-8 * max(scale, 1e-300),
                             "SymmetricEigen: the matrix is not symmetric (entries (\(i), \(j)) and (\(j), \(i)) are \(a[i * n + j]) and \(a[j * n + i]))")
                let m = 0.5 * (a[i * n + j] + a[j * n + i])
                a[i * n + j] = m; a[j * n + i] = m
            }
        }
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let frobenius2 = a.reduce(0) { $0 + $1 * $1 }
        let target = 1e-30 * frobenius2                            // (10⁻¹⁵ ‖A‖_F)²
        var sweeps = 0
        a.withUnsafeMutableBufferPointer { a in
            v.withUnsafeMutableBufferPointer { v in
                func offDiagonal2() -> Double {
                    var s = 0.0
                    for i in 0..<n { for j in 0..<n where j != i { s += a[i * n + j] * a[i * n + j] } }
                    return s
                }
                while sweeps < maxSweeps, offDiagonal2() > target {
                    sweeps += 1
                    for p in 0..<n {
                        for q in (p + 1)..<n {
                            let apq = a[p * n + q]
                            if apq == 0 { continue }
                            // 1. the rotation that zeroes a_pq
                            let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                            let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                            let c = 1 / (t * t + 1).squareRoot(), s = t * c
                            // A ← A J (columns p and q)
                            for k in 0..<n {
                                let akp = a[k * n + p], akq = a[k * n + q]
                                a[k * n + p] = c * akp - s * akq
                                a[k * n + q] = s * akp + c * akq
                            }
                            // A ← Jᵀ A (rows p and q)
                            for k in 0..<n {
                                let apk = a[p * n + k], aqk = a[q * n + k]
                                a[p * n + k] = c * apk - s * aqk
                                a[q * n + k] = s * apk + c * aqk
                            }
                            a[p * n + q] = 0; a[q * n + p] = 0              // exactly, not ≈ 1e-17
                            // V ← V J
                            for k in 0..<n {
                                let vkp = v[k * n + p], vkq = v[k * n + q]
                                v[k * n + p] = c * vkp - s * vkq
                                v[k * n + q] = s * vkp + c * vkq
                            }
                        }
                    }
                }
            }
        }
        // 3. Sort by eigenvalue, largest first, carrying the columns of V along.
        let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] }
        var sortedVectors = [Double](repeating: 0, count: n * n)
        for (k, from) in order.enumerated() {
            for i in 0..<n { sortedVectors[i * n + k] = v[i * n + from] }
        }
        self.size = n
        self.values = order.map { a[$0 * n + $0] }
        self.vectors = sortedVectors
        self.sweeps = sweeps
    }

    /// V f(Λ) Vᵀ (row-major n × n): the matrix function f(A), e.g. √A with
    /// `f = { max($0, 0).squareRoot() }`.
    public func mapped(_ f: (Double) -> Double) -> [Double] {
        let n = size
        let fl = values.map(f)
        var out = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                var s = 0.0
                for k in 0..<n { s += vectors[i * n + k] * fl[k] * vectors[j * n + k] }
                out[i * n + j] = s
                out[j * n + i] = s
            }
        }
        return out
    }

    /// V Λ Vᵀ: the original (symmetrised) matrix, up to rounding.
    public func reconstructed() -> [Double] { mapped { $0 } }

    /// The symmetric positive semi-definite square root of a symmetric PSD matrix,
    /// V √Λ Vᵀ, with eigenvalues below 0 (rounding noise, or a rank-deficient
    /// covariance) clamped to 0.
    public static func squareRoot(of matrix: [Double], size: Int) -> [Double] {
        SymmetricEigen(matrix, size: size).mapped { max($0, 0).squareRoot() }
    }
}
