// Shape.swift — shape arithmetic: sizes, strides and NumPy broadcasting.

extension Array where Element == Int {
    /// The product of the sizes (1 for a scalar shape `[]`).
    public var product: Int { reduce(1, *) }

    /// Row-major (C-order) strides of a contiguous tensor of this shape.
    public var contiguousStrides: [Int] {
        var strides = [Int](repeating: 1, count: count)
        var s = 1
        for axis in stride(from: count - 1, through: 0, by: -1) {
            strides[axis] = s
            s *= self[axis]
        }
        return strides
    }
}

/// Shape helpers shared by the ops.
public enum Shape {
    /// The NumPy broadcast of two shapes: align them at the right; each pair of sizes
    /// must be equal or contain a 1, and the result takes the larger.
    /// Stops with a message naming `op` and both shapes when they do not broadcast.
    public static func broadcast(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        let rank = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { out[i] = da }
            else if da == 1 { out[i] = db }
            else { fatalError("\(op): shapes \(a) and \(b) cannot be broadcast together (axis \(i - rank) has \(da) vs \(db))") }
        }
        return out
    }

    /// Strides for reading a tensor of `shape` as if it had the broadcast shape `target`:
    /// axes that are missing or of size 1 get stride 0, so they repeat.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = shape.contiguousStrides
        let lead = target.count - shape.count
        return (0..<target.count).map { i in
            i < lead || shape[i - lead] == 1 ? 0 : own[i - lead]
        }
    }

    /// Normalises an axis that may be negative (`-1` is the last) and checks its range.
    public static func axis(_ axis: Int, rank: Int, op: String) -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < Swift.max(rank, 1) else {
            fatalError("\(op): axis \(axis) is out of range for a tensor of rank \(rank)")
        }
        return a
    }
}
