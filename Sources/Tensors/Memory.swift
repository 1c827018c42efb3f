// Memory.swift — keeping freed tensor memory for reuse.
//
// Every op allocates its result. By default glibc hands each large block (over
// 128 KB–32 MB) straight back to the kernel when it is freed, so the next
// allocation of the same size page-faults all its memory in again — for SiLU on
// 10⁷ values that tripled the time. Raising glibc's mmap and trim thresholds keeps
// freed blocks in the heap for the next op of the same size, as PyTorch's caching
// allocator does. The cost is that peak memory is not returned to the system until
// the process ends.

#if os(Linux)
import CMalloc
#endif

enum Memory {
    /// Applies the allocator settings once per process (touched by every `Tensor` init).
    static let configured: Bool = {
        #if os(Linux)
        mallopt(M_MMAP_THRESHOLD, 1 << 30)
        mallopt(M_TRIM_THRESHOLD, 1 << 30)   // keep up to 1 GB of freed memory
        #endif
        return true
    }()
}
