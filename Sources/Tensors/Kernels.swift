// Kernels.swift — the loops that every op is built from.
//
// They run over unsafe buffer pointers (no bounds checks, no per-element
// allocation) and split large arrays across the cores. Splitting an elementwise
// loop never changes a result, so outputs stay byte-identical across runs.

import Dispatch

/// Low-level loops over `[Float]` buffers. The ops in this module call these; a
/// learner reading an op can treat `Kernels.map(x) { … }` as "apply to every value".
public enum Kernels {
    /// Number of worker threads for elementwise loops: the core count, or
    /// `KIT_THREADS` from the environment when set.
    public static let threadCount: Int = {
        if let s = getenvString("KIT_THREADS"), let n = Int(s), n >= 1 { return n }
        return Swift.max(1, sysconfCores())
    }()

    /// Loops shorter than this run on one thread: below it, waking a second thread
    /// costs more than it saves.
    public static let parallelThreshold = 1 << 15

    /// Calls `body` on contiguous chunks that cover `0..<count`, in parallel when
    /// `count` is large. Each chunk is a whole number of `grain`-sized blocks.
    @inline(__always)
    public static func parallelChunks(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let threads = threadCount
        if threads == 1 || count * grain < parallelThreshold || count < 2 {
            body(0..<count)
            return
        }
        forEachChunk(Swift.min(threads, count), items: count) { _, range in body(range) }
    }

    /// Products and batches whose total work (multiply–adds) is below this run on one
    /// thread: waking a second thread costs ≈ 10–20 µs, the time of ≈ 10⁶ multiply–adds.
    public static let minimumChunkWork = 1 << 20

    /// The number of chunks to split `items` items of `workPerItem` multiply–adds
    /// into: one per core when the total is large enough, else 1. It depends only on
    /// the sizes and the core count, so a split computation is reproducible.
    public static func chunkCount(items: Int, workPerItem: Int) -> Int {
        if threadCount == 1 || items < 2 || items * workPerItem < minimumChunkWork { return 1 }
        return Swift.min(threadCount, items)
    }

    /// Calls `body(chunk, range)` for `chunks` contiguous ranges covering `0..<items`,
    /// concurrently. Chunk c always covers the same items, so results that are
    /// combined chunk by chunk in chunk order are byte-identical from run to run.
    /// GEMMs inside run on their own thread (OpenBLAS is kept on one thread, see
    /// `BLAS` in MatMul.swift), so each core runs its own chunk's products.
    public static func forEachChunk(_ chunks: Int, items: Int, _ body: (Int, Range<Int>) -> Void) {
        if chunks <= 1 { body(0, 0..<items); return }
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)   // each chunk writes only its own memory
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                work.value(c, (items * c / chunks)..<(items * (c + 1) / chunks))
            }
        }
    }

    /// `[f(a[0]), f(a[1]), …]`.
    @inline(__always)
    public static func map(_ a: [Float], _ f: (Float) -> Float) -> [Float] {
        let n = a.count
        return [Float](unsafeUninitializedCapacity: n) { out, initialized in
            a.withUnsafeBufferPointer { src in
                let o = out.baseAddress!, s = src.baseAddress!
                parallelChunks(n) { r in
                    for i in r { o[i] = f(s[i]) }
                }
            }
            initialized = n
        }
    }

    /// `[f(a[0], b[0]), f(a[1], b[1]), …]` for arrays of equal length.
    @inline(__always)
    public static func zip(_ a: [Float], _ b: [Float], _ f: (Float, Float) -> Float) -> [Float] {
        let n = a.count
        precondition(b.count == n, "Kernels.zip: lengths \(a.count) and \(b.count) differ")
        return [Float](unsafeUninitializedCapacity: n) { out, initialized in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    let o = out.baseAddress!, x = pa.baseAddress!, y = pb.baseAddress!
                    parallelChunks(n) { r in
                        for i in r { o[i] = f(x[i], y[i]) }
                    }
                }
            }
            initialized = n
        }
    }

    /// `[f(a[0], b[0], c[0]), …]` for arrays of equal length.
    @inline(__always)
    public static func zip3(_ a: [Float], _ b: [Float], _ c: [Float],
                            _ f: (Float, Float, Float) -> Float) -> [Float] {
        let n = a.count
        precondition(b.count == n && c.count == n, "Kernels.zip3: lengths differ")
        return [Float](unsafeUninitializedCapacity: n) { out, initialized in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeBufferPointer { pc in
                        let o = out.baseAddress!, x = pa.baseAddress!, y = pb.baseAddress!, z = pc.baseAddress!
                        parallelChunks(n) { r in
                            for i in r { o[i] = f(x[i], y[i], z[i]) }
                        }
                    }
                }
            }
            initialized = n
        }
    }

    /// Visits a shape in row-major order, one innermost row at a time, tracking an
    /// offset into each of two strided operands. `body(offsetA, offsetB, n)` handles
    /// a row of `n` values whose successive elements are `innerA`/`innerB` apart
    /// (the strides of the last axis). Axes that can be merged are merged first, so
    /// `[B, C, H, W]` against `[1, C, 1, 1]` becomes long rows of `H·W`.
    public static func forEachRow(
        shape: [Int], stridesA: [Int], stridesB: [Int],
        _ body: (_ offsetA: Int, _ offsetB: Int, _ n: Int, _ innerA: Int, _ innerB: Int) -> Void
    ) {
        let (dims, sa, sb) = coalesce(shape, stridesA, stridesB)
        let rank = dims.count
        if dims.contains(0) { return }
        if rank == 0 { body(0, 0, 1, 0, 0); return }
        let n = dims[rank - 1], ia = sa[rank - 1], ib = sb[rank - 1]
        let rows = dims.product / n
        var index = [Int](repeating: 0, count: rank)   // counter over all but the last axis
        var offA = 0, offB = 0
        for _ in 0..<rows {
            body(offA, offB, n, ia, ib)
            // Advance the counter like an odometer, updating both offsets.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                offA += sa[axis]; offB += sb[axis]
                if index[axis] < dims[axis] { break }
                offA -= sa[axis] * dims[axis]; offB -= sb[axis] * dims[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// `forEachRow`, with the rows split across the cores when the shape coalesces
    /// to at most two axes (rows × a contiguous run, the common case: `[B, C, H, W]`
    /// against `[1, C, 1, 1]` or `[B, C, 1, 1]`). `body` must only write memory that
    /// belongs to its own row; callers whose rows share an output use `forEachRow`.
    public static func forEachRowParallel(
        shape: [Int], stridesA: [Int], stridesB: [Int],
        _ body: (_ row: Int, _ offsetA: Int, _ offsetB: Int, _ n: Int, _ innerA: Int, _ innerB: Int) -> Void
    ) {
        let (dims, sa, sb) = coalesce(shape, stridesA, stridesB)
        guard dims.count == 2, !dims.contains(0) else {
            var row = 0
            forEachRow(shape: shape, stridesA: stridesA, stridesB: stridesB) { oa, ob, n, ia, ib in
                body(row, oa, ob, n, ia, ib)
                row += 1
            }
            return
        }
        let rows = dims[0], n = dims[1]
        parallelChunks(rows, grain: n) { range in
            for r in range { body(r, r * sa[0], r * sb[0], n, sa[1], sb[1]) }
        }
    }

    /// Merges neighbouring axes that are contiguous in every operand and drops
    /// size-1 axes, so loops run over as few, as long rows as possible.
    static func coalesce(_ shape: [Int], _ sa: [Int], _ sb: [Int]) -> ([Int], [Int], [Int]) {
        var dims: [Int] = [], a: [Int] = [], b: [Int] = []
        for i in 0..<shape.count where shape[i] != 1 {
            if let last = dims.last,
               a.last! == sa[i] * shape[i], b.last! == sb[i] * shape[i] {
                dims[dims.count - 1] = last * shape[i]
                a[a.count - 1] = sa[i]; b[b.count - 1] = sb[i]
            } else {
                dims.append(shape[i]); a.append(sa[i]); b.append(sb[i])
            }
        }
        return (dims, a, b)
    }
}

/// Wraps a value (a closure, a pointer) to send it into `concurrentPerform`, where
/// each worker touches only its own slice of memory. The compiler cannot check that
/// promise; the code that uses this must keep it.
public struct UncheckedSendable<T>: @unchecked Sendable {
    /// The wrapped value.
    public let value: T
    /// Wraps `value`.
    public init(_ value: T) { self.value = value }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func getenvString(_ name: String) -> String? {
    guard let p = getenv(name) else { return nil }
    return String(cString: p)
}

func sysconfCores() -> Int {
    Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}
