// Softmax.swift — softmax and log-softmax over one axis, computed stably.
//
// softmax(x)_i = e^(x_i − m) / Σ_j e^(x_j − m), with m = max_j x_j so nothing overflows.
// Backward (y = softmax(x)):     ∂L/∂x_i = y_i (g_i − Σ_j g_j y_j)
// Backward (y = logSoftmax(x)):  ∂L/∂x_i = g_i − softmax(x)_i Σ_j g_j

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// Views the shape as `[outer, n, inner]` around `axis`, and calls `body` with the
    /// base offset of each of the `outer·inner` lines of `n` values spaced `inner` apart.
    func forEachLine(axis: Int, _ body: (_ base: Int, _ n: Int, _ step: Int) -> Void) {
        let outer = shape[..<axis].reduce(1, *), n = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        for o in 0..<outer {
            for i in 0..<inner { body(o * n * inner + i, n, inner) }
        }
    }

    /// Softmax over `axis` (default: the last). Values along the axis sum to 1.
    public func softmax(axis: Int = -1) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "softmax")
        let y = lineSoftmax(axis: ax, log: false)
        return Tensor(shape: shape, scalars: y, op: "softmax", inputs: [self]) { g in
            var dx = [Float](repeating: 0, count: y.count)
            g.forEachLine(axis: ax) { base, n, step in
                var dot: Float = 0
                for j in 0..<n { dot += g.scalars[base + j * step] * y[base + j * step] }
                for j in 0..<n { let p = base + j * step; dx[p] = y[p] * (g.scalars[p] - dot) }
            }
            return [Tensor(shape: g.shape, scalars: dx)]
        }
    }

    /// Log-softmax over `axis` (default: the last): x − log Σ eˣ, without overflow.
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "logSoftmax")
        let y = lineSoftmax(axis: ax, log: true)
        return Tensor(shape: shape, scalars: y, op: "logSoftmax", inputs: [self]) { g in
            var dx = [Float](repeating: 0, count: y.count)
            g.forEachLine(axis: ax) { base, n, step in
                var total: Float = 0
                for j in 0..<n { total += g.scalars[base + j * step] }
                for j in 0..<n { let p = base + j * step; dx[p] = g.scalars[p] - expf(y[p]) * total }
            }
            return [Tensor(shape: g.shape, scalars: dx)]
        }
    }

    /// The forward pass shared by `softmax` and `logSoftmax`.
    private func lineSoftmax(axis: Int, log: Bool) -> [Float] {
        var y = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { out in
                forEachLine(axis: axis) { base, n, step in
                    var m = -Float.infinity
                    for j in 0..<n { m = Swift.max(m, x[base + j * step]) }
                    var z: Float = 0
                    for j in 0..<n { z += expf(x[base + j * step] - m) }
                    // Work with x − m throughout: folding m into log Z first would round
                    // it to the spacing of |m| (6e-5 at 1000), an error every output shares.
                    let logZ = logf(z)
                    for j in 0..<n {
                        let p = base + j * step
                        out[p] = log ? (x[p] - m) - logZ : expf(x[p] - m) / z
                    }
                }
            }
        }
        return y
    }
}
