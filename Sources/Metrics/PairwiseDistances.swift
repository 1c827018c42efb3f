// PairwiseDistances.swift — squared Euclidean distances between two point sets, and
// the k-nearest-neighbour radius of every point of a set.
//
// For rows a_i of A [N, D] and b_j of B [M, D]:
//
//     d²(i, j) = Σ_t (a_it − b_jt)²                    [N, M]
//
// summed in Double straight from the differences (not as ‖a‖² + ‖b‖² − 2⟨a, b⟩, which
// cancels digits for nearby points): points with small-integer coordinates then give
// exact distances, and a point is at distance exactly 0 from a copy of itself. B is
// transposed once to [D, M] so that the inner loop runs over j, one row of d² at a
// time, with no reduction inside it (the compiler vectorises it). Within one set only
// the upper triangle is computed. N = M = 1000, D = 128: about a tenth of a second
// per N × M matrix on one core.
//
// The k-NN radius of a_i within its own set is the distance to its k-th nearest
// neighbour, a_i itself excluded (a duplicate of a_i elsewhere in the set counts, at
// distance 0):
//
//     r_k(i) = k-th smallest of { d(i, i') : i' ≠ i }

import Tensors

/// The rows of a `[N, D]` tensor as Doubles, row-major.
func doubleRows(_ x: Tensor) -> [Double] {
    x.scalars.map(Double.init)
}

/// Squared Euclidean distances between the rows of `a` (N × D) and of `b` (M × D),
/// both row-major Doubles: a row-major N × M matrix.
func squaredDistances(_ a: [Double], count n: Int, _ b: [Double], count m: Int, dimension d: Int) -> [Double] {
    pairwise(a, count: n, b, count: m, dimension: d, upperTriangleOnly: false)
}

/// Squared Euclidean distances between the rows of `a` (N × D, row-major Doubles)
/// themselves: a symmetric N × N matrix with a zero diagonal. Only the upper triangle
/// is computed (half the work), then mirrored; d²(i, j) and d²(j, i) would be equal
/// bit for bit anyway (the same squares summed in the same order).
func squaredDistances(within a: [Double], count n: Int, dimension d: Int) -> [Double] {
    var out = pairwise(a, count: n, a, count: n, dimension: d, upperTriangleOnly: true)   // [N, N]
    for i in 0..<n { for j in (i + 1)..<n { out[j * n + i] = out[i * n + j] } }
    return out
}

/// Row i of the result is Σ_t (a_it − b_jt)² for j in 0..<m, or only for j > i when
/// `upperTriangleOnly` (the rest stays 0).
private func pairwise(_ a: [Double], count n: Int, _ b: [Double], count m: Int, dimension d: Int,
                      upperTriangleOnly: Bool) -> [Double] {
    var bT = [Double](repeating: 0, count: d * m)                              // [D, M]
    for j in 0..<m { for t in 0..<d { bT[t * m + j] = b[j * d + t] } }
    var out = [Double](repeating: 0, count: n * m)                             // [N, M]
    a.withUnsafeBufferPointer { a in
        bT.withUnsafeBufferPointer { bT in
            out.withUnsafeMutableBufferPointer { out in
                for i in 0..<n {
                    let first = upperTriangleOnly ? min(i + 1, m) : 0
                    let row = out.baseAddress! + i * m
                    for t in 0..<d {
                        let ait = a[i * d + t]
                        let column = bT.baseAddress! + t * m
                        for j in first..<m {
                            let diff = ait - column[j]
                            row[j] += diff * diff
                        }
                    }
                }
            }
        }
    }
    return out
}

/// The squared k-NN radius of every point of a set, from its own n × n squared
/// distance matrix: the k-th smallest entry of row i with the diagonal left out.
/// Needs n > k ≥ 1.
func squaredNeighbourRadii(_ within: [Double], count n: Int, k: Int) -> [Double] {
    var radii = [Double](repeating: 0, count: n)
    var smallest = [Double](repeating: 0, count: k)                            // the k smallest so far, ascending
    for i in 0..<n {
        var filled = 0
        for j in 0..<n where j != i {
            let v = within[i * n + j]
            if filled == k && v >= smallest[k - 1] { continue }
            var p = filled == k ? k - 1 : filled                               // insertion into the sorted prefix
            if filled < k { filled += 1 }
            while p > 0 && smallest[p - 1] > v { smallest[p] = smallest[p - 1]; p -= 1 }
            smallest[p] = v
        }
        radii[i] = smallest[k - 1]
    }
    return radii
}
