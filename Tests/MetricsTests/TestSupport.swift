// TestSupport.swift — small helpers shared by the Metrics tests.

import Tensors

/// A `[N, D]` tensor from rows of Doubles.
func points(_ rows: [[Double]]) -> Tensor {
    Tensor(shape: [rows.count, rows.first?.count ?? 0], scalars: rows.flatMap { $0.map(Float.init) })
}

/// The rows of a `[N, D]` tensor as Doubles.
func rows(_ t: Tensor) -> [[Double]] {
    let d = t.shape[1]
    return (0..<t.shape[0]).map { i in (0..<d).map { Double(t.scalars[i * d + $0]) } }
}

/// The 2^D corners of the cube {−1, +1}^D: every column has mean 0 and sum of squares
/// N = 2^D, and every two columns are exactly uncorrelated (a full factorial design).
/// So the unbiased sample covariance is exactly (N/(N − 1))·I.
func cubeCorners(dimension d: Int) -> [[Double]] {
    (0..<(1 << d)).map { k in (0..<d).map { (k >> $0) & 1 == 1 ? 1.0 : -1.0 } }
}

/// A D × D rotation: the product of Givens rotations by `angles` in the planes
/// (0, 1), (1, 2), …, cycling.
func rotation(dimension d: Int, angles: [Double]) -> [[Double]] {
    var r = (0..<d).map { i in (0..<d).map { $0 == i ? 1.0 : 0.0 } }
    for (k, theta) in angles.enumerated() {
        let p = k % d, q = (k + 1) % d
        let (c, s) = (cos(theta), sin(theta))
        for i in 0..<d {                         // R ← G · R (rows p and q)
            let (rp, rq) = (r[p][i], r[q][i])
            r[p][i] = c * rp - s * rq
            r[q][i] = s * rp + c * rq
        }
    }
    return r
}

/// `matrix · x` for every row x of `set`.
func apply(_ matrix: [[Double]], to set: [[Double]]) -> [[Double]] {
    set.map { x in matrix.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } } }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
