// RowMath.swift — sums over contiguous rows of floats, eight lanes at a time.
//
// Float reductions are not vectorised by the compiler on its own (that would
// reorder the additions), so these loops keep eight partial sums in a SIMD register.
// Long rows are summed in blocks of 512 values whose Float totals are added in
// Double, so the rounding error does not grow with the row length.

/// Values summed in Float before a block total is added in Double.
private let blockLength = 512

/// Σ p[i] for i in 0..<count (summed like `sumOfValuesDouble`, rounded to Float).
@inline(__always)
func sumOfValues(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
    Float(sumOfValuesDouble(p, count))
}

/// Σ (p[i] − mean)² for i in 0..<count, in Double.
@inline(__always)
func sumOfSquaredDeviations(_ p: UnsafePointer<Float>, _ count: Int, mean: Float) -> Double {
    blockedSum(count) { start, end in
        let m = SIMD8<Float>(repeating: mean)
        var acc = SIMD8<Float>(repeating: 0)
        var i = start
        while i + 8 <= end { let d = load8(p, i) - m; acc += d * d; i += 8 }
        var s = acc.sum()
        while i < end { let d = p[i] - mean; s += d * d; i += 1 }
        return s
    }
}

/// Σ g[i]·(x[i] − mean) for i in 0..<count, in Double.
@inline(__always)
func sumOfProductsWithDeviation(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int,
                                mean: Float) -> Double {
    blockedSum(count) { start, end in
        let m = SIMD8<Float>(repeating: mean)
        var acc = SIMD8<Float>(repeating: 0)
        var i = start
        while i + 8 <= end { acc += load8(g, i) * (load8(x, i) - m); i += 8 }
        var s = acc.sum()
        while i < end { s += g[i] * (x[i] - mean); i += 1 }
        return s
    }
}

/// Σ p[i] for i in 0..<count, in Double.
@inline(__always)
func sumOfValuesDouble(_ p: UnsafePointer<Float>, _ count: Int) -> Double {
    blockedSum(count) { start, end in
        var acc = SIMD8<Float>(repeating: 0)
        var i = start
        while i + 8 <= end { acc += load8(p, i); i += 8 }
        var s = acc.sum()
        while i < end { s += p[i]; i += 1 }
        return s
    }
}

/// Adds in Double the Float totals of `block(start, end)` over blocks of `blockLength`.
@inline(__always)
private func blockedSum(_ count: Int, _ block: (Int, Int) -> Float) -> Double {
    var total = 0.0
    var start = 0
    while start < count {
        let end = Swift.min(count, start + blockLength)
        total += Double(block(start, end))
        start = end
    }
    return total
}

/// Eight floats from `p + i` (no alignment needed).
@inline(__always)
private func load8(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
}
