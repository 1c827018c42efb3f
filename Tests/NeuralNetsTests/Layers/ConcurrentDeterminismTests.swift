// ConcurrentDeterminismTests.swift — a product's bits must not depend on what other
// threads are doing.
//
// OpenBLAS's results depend on its thread count, which is one global setting. The kit
// once switched it to 1 around the layers' own two-thread chunks; a `matmul` running
// at the same moment on another thread (tests run in parallel) then used whichever
// count was set, and CI's resume-equivalence test failed in the last bits. The kit now
// pins OpenBLAS to one thread (Tensors/MatMul.swift). This test recreates the race:
// Linear and Conv2d layers run their chunked GEMMs on some threads while `matmul`
// recomputes the same product on another, which must come out identical every time.

import Dispatch
import Synchronization
import Testing
import NeuralNets
import Tensors

@Suite struct ConcurrentDeterminismTests {
    @Test("matmul gives the same bits while layers run their chunked GEMMs on other threads")
    func matmulUnderConcurrentLayers() {
        var rng = SeededGenerator(seed: 21)
        let a = Tensor.randn([256, 128], using: &rng)                    // large enough for OpenBLAS to thread it
        let b = Tensor.randn([128, 192], using: &rng)
        let alone = withNoGrad { matmul(a, b) }.scalars                  // [256, 192]

        let linear = Linear(128, 128, using: &rng)
        let conv = Conv2d(16, 16, kernelSize: 3, padding: 1, using: &rng)
        let rows = Tensor.randn([1024, 128], using: &rng)                // chunked: 1024·128·128 ≥ 2²⁰
        let images = Tensor.randn([8, 16, 28, 28], using: &rng)
        // The workers only read these (layers in no-grad mode keep no state).
        let shared = UncheckedSendable((a: a, b: b, alone: alone, linear: linear, conv: conv, rows: rows, images: images))
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 3) { worker in
            let s = shared.value
            for _ in 0..<15 {
                switch worker {
                case 0:
                    let again = withNoGrad { matmul(s.a, s.b) }.scalars
                    if again != s.alone { mismatches.withLock { $0 += 1 } }
                case 1:
                    _ = withNoGrad { s.linear(s.rows) }                  // [1024, 128]
                default:
                    _ = withNoGrad { s.conv(s.images) }                  // [8, 16, 28, 28]
                }
            }
        }
        #expect(mismatches.withLock { $0 } == 0, "matmul changed its bits while other threads ran layers")
    }
}
