// LayerSupport.swift — small internal helpers shared by the layers: PyTorch's
// default initialisation, argument checks that keep their message under -O, and
// splitting a batch across the cores.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBLAS
import Dispatch
import Tensors

/// PyTorch's default initialisation of layer parameters.
enum LayerInit {
    /// A trainable tensor drawn from U(−bound, bound).
    ///
    /// `torch.nn.Linear` and `torch.nn.Conv2d` initialise their weight with
    /// `kaiming_uniform_(a=√5)`, whose bound gain·√(3/fan_in) with gain = √(2/(1+5))
    /// simplifies to 1/√fan_in, and their bias with U(−1/√fan_in, 1/√fan_in): so
    /// both use `bound = 1/√fan_in` (see `kaimingBound`).
    static func uniform(_ shape: [Int], bound: Float, using rng: inout some RandomNumberGenerator) -> Tensor {
        let t = Tensor.uniform(shape, low: -bound, high: bound, using: &rng)
        t.requiresGrad = true
        return t
    }

    /// 1/√fan_in, the bound of PyTorch's default uniform initialisation.
    static func kaimingBound(fanIn: Int) -> Float {
        fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
    }

    /// A trainable tensor of `shape` filled with `value` (normalisation weight 1, bias 0).
    static func constant(_ value: Float, _ shape: [Int]) -> Tensor {
        Tensor(repeating: value, shape: shape, requiresGrad: true)
    }
}

/// Stops with `message` when `condition` is false. Unlike `precondition`, the
/// message survives the `-O` build of this module, so a learner sees what was wrong.
@inline(__always)
func layerCheck(_ condition: Bool, _ message: @autoclosure () -> String,
                file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError(message(), file: file, line: line) }
}

/// Splitting the images of a batch across the cores.
enum LayerParallel {
    /// Batches whose total work (multiply–adds) is below this run on one thread:
    /// waking a second thread costs ≈ 10–20 µs, the time of ≈ 10⁶ multiply–adds.
    static let minimumWork = 1 << 20

    /// The number of chunks to split `items` items of `workPerItem` multiply–adds
    /// into: one per core when the batch is big enough, else 1.
    static func chunkCount(items: Int, workPerItem: Int) -> Int {
        let threads = Kernels.threadCount
        if threads == 1 || items < 2 || items * workPerItem < minimumWork { return 1 }
        return Swift.min(threads, items)
    }

    /// Calls `body(chunk, range)` for `chunks` contiguous ranges covering `0..<items`,
    /// concurrently. Chunk c always covers the same items, so results that are
    /// combined chunk by chunk in chunk order are byte-identical from run to run.
    ///
    /// While the chunks run, OpenBLAS is kept single-threaded (`BLASThreads`): each
    /// core then runs its own GEMMs, instead of both chunks handing work to
    /// OpenBLAS's thread pool at once, which made a convolution 5× slower.
    static func forEachChunk(_ chunks: Int, items: Int, _ body: (Int, Range<Int>) -> Void) {
        if chunks <= 1 { body(0, 0..<items); return }
        BLASThreads.singleThreaded { concurrently(chunks, items: items, body) }
    }

    private static func concurrently(_ chunks: Int, items: Int, _ body: (Int, Range<Int>) -> Void) {
        withoutActuallyEscaping(body) { body in
            let work = LayerUnchecked(body)          // each chunk writes only its own memory
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                work.value(c, (items * c / chunks)..<(items * (c + 1) / chunks))
            }
        }
    }
}

/// Switches OpenBLAS to one thread while layer code runs GEMMs on several threads of
/// its own, and back afterwards. OpenBLAS 0.3.21 (pthreads) has no per-call thread
/// count, only the global `openblas_set_num_threads`; a counter under a lock makes
/// overlapping users (tests run in parallel) restore the count only when the last one
/// leaves. A GEMM that another thread starts meanwhile merely runs on one thread.
enum BLASThreads {
    /// The lock, the number of callers inside, and the thread count to restore.
    private final class State: @unchecked Sendable {
        let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
            let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
            pthread_mutex_init(m, nil)
            return m
        }()
        var depth = 0
        var saved: Int32 = 1
    }
    private static let state = State()

    /// Runs `body` with OpenBLAS single-threaded.
    static func singleThreaded<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(state.mutex)
        if state.depth == 0 {
            state.saved = Int32(openblas_get_num_threads())
            openblas_set_num_threads(1)
        }
        state.depth += 1
        pthread_mutex_unlock(state.mutex)
        defer {
            pthread_mutex_lock(state.mutex)
            state.depth -= 1
            if state.depth == 0 { openblas_set_num_threads(state.saved) }
            pthread_mutex_unlock(state.mutex)
        }
        return body()
    }
}

/// Carries a value into `concurrentPerform`, where each worker touches only its own
/// slice of memory.
struct LayerUnchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Calls `body` with a pointer to the values of `a` (a valid pointer even when `a`
/// has no values, so that size-0 batches need no special case).
@inline(__always)
func withScalarPointers<R>(_ a: Tensor, _ body: (UnsafePointer<Float>) -> R) -> R {
    if a.count == 0 {
        let dummy: Float = 0
        return withUnsafePointer(to: dummy) { body($0) }
    }
    return a.scalars.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// A new `[Float]` of `count` values written by `body` (which must write every value).
@inline(__always)
func makeScalars(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    if count == 0 { return [] }
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        body(buffer.baseAddress!)
        initialized = count
    }
}

/// A scratch array of `count` values whose contents are undefined: for buffers that
/// are always written before they are read (im2col columns, GEMM outputs with
/// beta = 0), so that no time goes into zeroing them.
@inline(__always)
func scratchScalars(_ count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}
