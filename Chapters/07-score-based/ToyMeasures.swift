// ToyMeasures.swift — small helpers of chapter 07 for points in the plane: grids of
// arrow positions, vector lengths, and which of the eight modes a point belongs to.

import DiffusionKit

/// The Euclidean length of each row of `v` [N, 2].
func rowNorms(_ v: Tensor) -> [Double] {
    let x = v.scalars
    return (0..<v.shape[0]).map { i -> Double in
        let a = Double(x[2 * i]), b = Double(x[2 * i + 1])
        return (a * a + b * b).squareRoot()
    }
}

/// The centres of an n × n grid of cells covering `range` × `range`, row by row from
/// the bottom: [n², 2].
func gridPoints(_ n: Int, over range: ClosedRange<Double>) -> Tensor {
    let cell = (range.upperBound - range.lowerBound) / Double(n)
    var xy: [Float] = []
    for i in 0..<n {
        for j in 0..<n {
            xy.append(Float(range.lowerBound + (Double(j) + 0.5) * cell))
            xy.append(Float(range.lowerBound + (Double(i) + 0.5) * cell))
        }
    }
    return Tensor(shape: [n * n, 2], scalars: xy)                                          // [n², 2]
}

/// "(a, b)" for row `row` of a [N, 2] tensor, three significant digits.
func pair(_ x: Tensor, _ row: Int = 0) -> String {
    "(\(Console.number(Double(x.scalars[2 * row]), digits: 3)), \(Console.number(Double(x.scalars[2 * row + 1]), digits: 3)))"
}

/// Where points lie relative to the modes of a mixture.
struct ModeMeasures {
    /// The component means.
    let means: [[Double]]
    /// The components' standard deviation.
    let std: Double

    /// The squared distance of each row of `x` [N, 2] to each mean: N arrays of K.
    func squaredDistances(_ x: Tensor) -> [[Double]] {
        (0..<x.shape[0]).map { i in
            let p = (Double(x.scalars[2 * i]), Double(x.scalars[2 * i + 1]))
            return means.map { m in (p.0 - m[0]) * (p.0 - m[0]) + (p.1 - m[1]) * (p.1 - m[1]) }
        }
    }

    /// The index of the nearest mean for each row of `x`.
    func nearest(_ x: Tensor) -> [Int] {
        squaredDistances(x).map { d in d.indices.min { d[$0] < d[$1] }! }
    }

    /// The share of points nearest to each mode, and the share farther than 4 std
    /// from every mode.
    func shares(_ x: Tensor) -> (perMode: [Double], far: Double) {
        let distances = squaredDistances(x)
        var counts = [Int](repeating: 0, count: means.count), far = 0
        for d in distances {
            let k = d.indices.min { d[$0] < d[$1] }!
            counts[k] += 1
            if d[k] > 16 * std * std { far += 1 }
        }
        let n = Double(max(distances.count, 1))
        return (counts.map { Double($0) / n }, Double(far) / n)
    }

    /// The RMS distance of the points to their nearest mode (√2·std for the data).
    func spread(_ x: Tensor) -> Double {
        let distances = squaredDistances(x)
        return (distances.map { $0.min()! }.reduce(0, +) / Double(max(distances.count, 1))).squareRoot()
    }
}
