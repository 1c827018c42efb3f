// ShapeOps.swift — ops that move values without changing them: reshape, broadcast,
// permute/transpose, slice/split, concat and pad.
//
// Their gradients move the gradient back the same way: a slice's gradient is padded
// with zeros, a pad's gradient is sliced, a permutation's is permuted back.

extension Tensor {
    /// The same values viewed with another shape of the same size (no copy: the
    /// storage is shared, copy-on-write). One size may be `-1`, inferred from the rest.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let hole = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != hole }.map(\.element).product
            guard known > 0, count % known == 0 else {
                fatalError("reshape: cannot infer -1 in \(newShape) for \(count) values (shape \(shape))")
            }
            target[hole] = count / known
        }
        guard target.product == count, target.allSatisfy({ $0 >= 0 }) else {
            fatalError("reshape: shape \(shape) (\(count) values) cannot be viewed as \(newShape)")
        }
        if target == shape { return self }
        let inputShape = shape
        return Tensor(shape: target, scalars: scalars, op: "reshape", inputs: [self]) { g in
            [g.reshaped(inputShape)]
        }
    }

    /// Flattens all axes after the first: `[N, C, H, W]` → `[N, C·H·W]`.
    public func flattened() -> Tensor { reshaped([shape.first ?? 1, -1]) }

    /// Repeats this tensor along broadcast axes to `target` (NumPy `broadcast_to`).
    /// ∂L/∂x = g summed back over the repeated axes.
    public func broadcasted(to target: [Int]) -> Tensor {
        if target == shape { return self }
        let check = Shape.broadcast(shape, target, op: "broadcast")
        guard check == target else { fatalError("broadcast: shape \(shape) cannot be broadcast to \(target)") }
        let y = stridedCopy(shape: target, offset: 0, strides: Shape.broadcastStrides(shape, to: target))
        let inputShape = shape
        return Tensor(shape: target, scalars: y, op: "broadcast", inputs: [self]) { g in
            [g.sumToShape(inputShape)]
        }
    }

    /// Reorders the axes: result axis i is input axis `axes[i]` (PyTorch `permute`).
    /// ∂L/∂x = g permuted by the inverse permutation.
    public func permuted(_ axes: [Int]) -> Tensor {
        let axes = axes.map { Shape.axis($0, rank: rank, op: "permute") }
        guard axes.count == rank, Set(axes).count == rank else {
            fatalError("permute: \(axes) is not a permutation of the \(rank) axes of \(shape)")
        }
        if axes == Array(0..<rank) { return self }
        let own = shape.contiguousStrides
        let newShape = axes.map { shape[$0] }
        let y = stridedCopy(shape: newShape, offset: 0, strides: axes.map { own[$0] })
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return Tensor(shape: newShape, scalars: y, op: "permute", inputs: [self]) { g in [g.permuted(inverse)] }
    }

    /// Swaps two axes (PyTorch `transpose(a, b)`); `transposed()` swaps the last two.
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var axes = Array(0..<rank)
        axes.swapAt(Shape.axis(a, rank: rank, op: "transpose"), Shape.axis(b, rank: rank, op: "transpose"))
        return permuted(axes)
    }

    /// The sub-range `range` of axis `axis` (PyTorch `x.narrow` / `x[:, a:b]`).
    /// ∂L/∂x = g placed back at `range`, zeros elsewhere.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let ax = Shape.axis(axis, rank: rank, op: "slice")
        guard range.lowerBound >= 0, range.upperBound <= shape[ax] else {
            fatalError("slice: range \(range) is outside axis \(axis) of size \(shape[ax]) (shape \(shape))")
        }
        if range.count == shape[ax] { return self }
        var newShape = shape
        newShape[ax] = range.count
        let own = shape.contiguousStrides
        let y = stridedCopy(shape: newShape, offset: range.lowerBound * own[ax], strides: own)
        let inputShape = shape
        return Tensor(shape: newShape, scalars: y, op: "slice", inputs: [self]) { g in
            var widths = [(Int, Int)](repeating: (0, 0), count: inputShape.count)
            widths[ax] = (range.lowerBound, inputShape[ax] - range.upperBound)
            return [g.padded(widths)]
        }
    }

    /// Splits axis `axis` into consecutive pieces of the given sizes (which must add
    /// up to the axis size).
    public func split(axis: Int, sizes: [Int]) -> [Tensor] {
        let ax = Shape.axis(axis, rank: rank, op: "split")
        guard sizes.reduce(0, +) == shape[ax], sizes.allSatisfy({ $0 >= 0 }) else {
            fatalError("split: sizes \(sizes) do not add up to axis \(axis) of size \(shape[ax]) (shape \(shape))")
        }
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: ax, start..<(start + size))
        }
    }

    /// Splits axis `axis` into `parts` equal pieces (PyTorch `chunk`).
    public func chunked(_ parts: Int, axis: Int) -> [Tensor] {
        let ax = Shape.axis(axis, rank: rank, op: "chunk")
        guard parts > 0, shape[ax] % parts == 0 else {
            fatalError("chunk: axis \(axis) of size \(shape[ax]) does not split into \(parts) equal parts")
        }
        return split(axis: ax, sizes: [Int](repeating: shape[ax] / parts, count: parts))
    }

    /// Pads with `value`: `widths[i] = (before, after)` for every axis i.
    /// ∂L/∂x = the interior of g (the padding got no input value).
    public func padded(_ widths: [(Int, Int)], value: Float = 0) -> Tensor {
        guard widths.count == rank, widths.allSatisfy({ $0.0 >= 0 && $0.1 >= 0 }) else {
            fatalError("pad: need one non-negative (before, after) pair per axis of \(shape), got \(widths)")
        }
        let newShape = zip(shape, widths).map { $0 + $1.0 + $1.1 }
        let outStrides = newShape.contiguousStrides
        let interior = zip(widths, outStrides).map { $0.0 * $1 }.reduce(0, +)
        var y = [Float](repeating: value, count: newShape.product)
        scalars.withUnsafeBufferPointer { src in
            y.withUnsafeMutableBufferPointer { dst in
                copyRows(shape: shape, from: src.baseAddress!, 0, shape.contiguousStrides,
                         to: dst.baseAddress!, interior, outStrides)
            }
        }
        let inputShape = shape
        return Tensor(shape: newShape, scalars: y, op: "pad", inputs: [self]) { g in
            var x = g
            for (axis, (before, _)) in widths.enumerated() {
                x = x.slice(axis: axis, before..<(before + inputShape[axis]))
            }
            return [x]
        }
    }

    /// Copies this tensor's values read through `strides` from `offset` into a new
    /// contiguous array of `shape` (the engine behind permute, slice and broadcast).
    func stridedCopy(shape outShape: [Int], offset: Int, strides: [Int]) -> [Float] {
        let n = outShape.product
        return [Float](unsafeUninitializedCapacity: n) { dst, initialized in
            scalars.withUnsafeBufferPointer { src in
                copyRows(shape: outShape, from: src.baseAddress!, offset, strides,
                         to: dst.baseAddress!, 0, outShape.contiguousStrides)
            }
            initialized = n
        }
    }
}

/// Joins tensors along `axis`; all other sizes must agree (PyTorch `torch.cat`).
/// ∂L/∂(part k) = the slice of g that part k filled.
public func concat(_ parts: [Tensor], axis: Int) -> Tensor {
    guard let first = parts.first else { fatalError("concat: no tensors to join") }
    let ax = Shape.axis(axis, rank: first.rank, op: "concat")
    for p in parts where p.rank != first.rank || (0..<first.rank).contains(where: { $0 != ax && p.shape[$0] != first.shape[$0] }) {
        fatalError("concat: shapes \(first.shape) and \(p.shape) differ outside axis \(axis)")
    }
    var outShape = first.shape
    outShape[ax] = parts.map { $0.shape[ax] }.reduce(0, +)
    let outStrides = outShape.contiguousStrides
    var y = [Float](repeating: 0, count: outShape.product)
    y.withUnsafeMutableBufferPointer { dst in
        var start = 0
        for p in parts {
            p.scalars.withUnsafeBufferPointer { src in
                copyRows(shape: p.shape, from: src.baseAddress!, 0, p.shape.contiguousStrides,
                         to: dst.baseAddress!, start * outStrides[ax], outStrides)
            }
            start += p.shape[ax]
        }
    }
    let sizes = parts.map { $0.shape[ax] }
    return Tensor(shape: outShape, scalars: y, op: "concat", inputs: parts) { g in
        g.split(axis: ax, sizes: sizes)
    }
}

/// Stacks same-shape tensors along a new axis (PyTorch `torch.stack`).
public func stack(_ parts: [Tensor], axis: Int = 0) -> Tensor {
    guard let first = parts.first else { fatalError("stack: no tensors to stack") }
    let ax = axis < 0 ? axis + first.rank + 1 : axis
    precondition(ax >= 0 && ax <= first.rank, "stack: axis \(axis) is out of range for rank \(first.rank)")
    return concat(parts.map { p in
        var s = p.shape
        s.insert(1, at: ax)
        return p.reshaped(s)
    }, axis: ax)
}

/// Copies a block of `shape` between two strided buffers, row by row.
func copyRows(shape: [Int], from src: UnsafePointer<Float>, _ srcOffset: Int, _ srcStrides: [Int],
              to dst: UnsafeMutablePointer<Float>, _ dstOffset: Int, _ dstStrides: [Int]) {
    Kernels.forEachRowParallel(shape: shape, stridesA: srcStrides, stridesB: dstStrides) { _, oa, ob, n, ia, ib in
        let s = src + srcOffset + oa, d = dst + dstOffset + ob
        if ia == 1 && ib == 1 {
            d.update(from: s, count: n)
        } else {
            for i in 0..<n { d[i * ib] = s[i * ia] }
        }
    }
}
