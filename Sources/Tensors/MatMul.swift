// MatMul.swift — matrix products through OpenBLAS `cblas_sgemm`.
//
// C = A·B for A [M, K] and B [K, N]. Its gradients are again matrix products,
//   ∂L/∂A = G·Bᵀ   [M, N]·[N, K] → [M, K]
//   ∂L/∂B = Aᵀ·G   [K, M]·[M, N] → [K, N]
// and SGEMM computes them directly from the stored A, B and G by reading them
// transposed (its `transA`/`transB` flags), so no transposed copy is ever made.

import CBLAS

/// OpenBLAS is kept on one thread for the whole process; the kit splits large
/// products across the cores itself (`matmul` below, and the layers' batch chunks).
///
/// Why: OpenBLAS's result bits depend on its thread count (on this machine's AMD
/// kernels a 64×128×128 SGEMM differs in the last bits between 1 and 2 threads), and
/// the count is one global setting. Switching it per call made a product's bytes
/// depend on what another thread was doing at that moment (tests run in parallel),
/// so "same seed, same bytes" could fail. Pinned once, every product is reproducible.
enum BLAS {
    /// Pins OpenBLAS to one thread the first time it is read.
    static let pinned: Bool = {
        openblas_set_num_threads(1)
        return true
    }()
}

/// Row-major SGEMM: `C = alpha · op(A) · op(B) + beta · C`, where op(X) is X or Xᵀ.
/// `A` is `[M, K]` (or `[K, M]` when `transA`), `B` is `[K, N]` (or `[N, K]`), `C` is `[M, N]`.
/// This is the one place the kit calls BLAS for a matrix product; it runs on the
/// calling thread only (see `BLAS`).
@inline(__always)
public func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                  alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                  beta: Float = 0, c: UnsafeMutablePointer<Float>) {
    sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
          a: a, lda: transA ? m : k, b: b, ldb: transB ? k : n, beta: beta, c: c, ldc: n)
}

/// `sgemm` on sub-matrices: `lda`, `ldb` and `ldc` are the row strides of the stored
/// matrices, so a block of rows or columns of a larger matrix can be used in place.
@inline(__always)
public func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                  alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                  beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    _ = BLAS.pinned
    cblas_sgemm(CblasRowMajor,
                transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha,
                a, Int32(lda), b, Int32(ldb),
                beta, c, Int32(ldc))
}

/// `C = op(A)·op(B)` with C `[m, n]` written fresh (beta = 0), its rows split across
/// the cores when the product is large. Each chunk computes whole rows of C from the
/// matching rows of op(A), so no partial sums are combined.
func parallelGEMM(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                  a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
    let lda = transA ? m : k, ldb = transB ? k : n
    let a = UncheckedSendable(a), b = UncheckedSendable(b), c = UncheckedSendable(c)
    Kernels.forEachChunk(Kernels.chunkCount(items: m, workPerItem: n * k), items: m) { _, rows in
        // Rows r of op(A) start at A + r·lda, or at column r of A when it is read transposed.
        let aRows = a.value + (transA ? rows.lowerBound : rows.lowerBound * lda)
        sgemm(transA: transA, transB: transB, m: rows.count, n: n, k: k,
              a: aRows, lda: lda, b: b.value, ldb: ldb, c: c.value + rows.lowerBound * n, ldc: n)
    }
}

/// Calls `body(i)` for every batch item `0..<batch`, the items split across the cores
/// when there are several and their products (`work` multiply–adds each) are large
/// together. Inside a chunk, `parallelGEMM` finds its own product small enough to
/// stay on that thread, unless a single item is itself large.
func forEachBatchItem(_ batch: Int, work: Int, _ body: (Int) -> Void) {
    let chunks = batch >= Kernels.threadCount ? Kernels.chunkCount(items: batch, workPerItem: work) : 1
    Kernels.forEachChunk(chunks, items: batch) { _, items in
        for i in items { body(i) }
    }
}

extension Tensor {
    /// Runs `body` with the values of `a` and `b` and a new uninitialised output of `count` values.
    static func withProduct(_ a: Tensor, _ b: Tensor, count: Int,
                            _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    body(pa.baseAddress!, pb.baseAddress!, out.baseAddress!)
                }
            }
            initialized = count
        }
    }
}

/// The matrix product of `a` and `b`.
///
/// - `[M, K] · [K, N] → [M, N]`
/// - batched: `[…, M, K] · […, K, N] → […, M, N]` with equal leading (batch) axes;
/// - `[…, M, K] · [K, N]`: one weight matrix applied to every batch item (done as a
///   single large GEMM over all rows).
///
/// A mismatch of the inner sizes or batch axes stops with both shapes.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    guard a.rank >= 2, b.rank >= 2 else {
        fatalError("matmul: needs tensors of rank ≥ 2, got \(a.shape) and \(b.shape)")
    }
    let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1]
    let k2 = b.shape[b.rank - 2], n = b.shape[b.rank - 1]
    guard k == k2 else {
        fatalError("matmul: inner sizes differ: \(a.shape) · \(b.shape) (\(k) vs \(k2))")
    }
    let batchShape = Array(a.shape.dropLast(2))
    if b.rank == 2 {
        // Every row of every batch item times the same B: one GEMM of (batch·M) rows.
        let rows = batchShape.product * m
        let y = Tensor.withProduct(a, b, count: rows * n) { pa, pb, pc in
            parallelGEMM(m: rows, n: n, k: k, a: pa, b: pb, c: pc)
        }
        return Tensor(shape: batchShape + [m, n], scalars: y, op: "matmul", inputs: [a, b]) { g in
            [a.requiresGrad ? Tensor(shape: a.shape, scalars: Tensor.withProduct(g, b, count: rows * k) { pg, pb, pa in
                parallelGEMM(transB: true, m: rows, n: k, k: n, a: pg, b: pb, c: pa)     // G·Bᵀ
             }) : nil,
             b.requiresGrad ? Tensor(shape: b.shape, scalars: Tensor.withProduct(a, g, count: k * n) { pa, pg, pb in
                parallelGEMM(transA: true, m: k, n: n, k: rows, a: pa, b: pg, c: pb)     // Aᵀ·G, summed over all rows
             }) : nil]
        }
    }
    guard Array(b.shape.dropLast(2)) == batchShape else {
        fatalError("matmul: batch axes differ: \(a.shape) · \(b.shape)")
    }
    let batch = batchShape.product
    let y = Tensor.withProduct(a, b, count: batch * m * n) { pa, pb, pc in
        forEachBatchItem(batch, work: m * n * k) { i in
            parallelGEMM(m: m, n: n, k: k, a: pa + i * m * k, b: pb + i * k * n, c: pc + i * m * n)
        }
    }
    return Tensor(shape: batchShape + [m, n], scalars: y, op: "bmm", inputs: [a, b]) { g in
        [a.requiresGrad ? Tensor(shape: a.shape, scalars: Tensor.withProduct(g, b, count: batch * m * k) { pg, pb, pa in
            forEachBatchItem(batch, work: m * n * k) { i in
                parallelGEMM(transB: true, m: m, n: k, k: n, a: pg + i * m * n, b: pb + i * k * n, c: pa + i * m * k)
            }
         }) : nil,
         b.requiresGrad ? Tensor(shape: b.shape, scalars: Tensor.withProduct(a, g, count: batch * k * n) { pa, pg, pb in
            forEachBatchItem(batch, work: m * n * k) { i in
                parallelGEMM(transA: true, m: k, n: n, k: m, a: pa + i * m * k, b: pg + i * m * n, c: pb + i * k * n)
            }
         }) : nil]
    }
}
