// GemmFloor.swift — how fast the toy MLP could possibly be with this GEMM.
//
// `mlp-toy2d` is four small matrix products per forward pass (1,024 rows, widths
// 34 → 128 → 128 → 128 → 2) and eleven per training step. This case times those
// products alone, with nothing else (no bias, activation, loss, optimizer or graph),
// split the way the kit's Linear splits them: half the rows on each core, each half
// one single-threaded OpenBLAS SGEMM. Whatever the rest of the kit does, a step can
// not be faster than this; BENCHMARKS.md compares it with 0.5 × PyTorch.

import Tensors

/// The GEMM-only floor of the toy MLP's forward pass and training step at batch 1,024.
func gemmFloorCase(_ options: BenchOptions) -> [JSONLine] {
    let rows = 1024
    let widths = [(34, 128), (128, 128), (128, 128), (128, 2)]               // (in, out) per layer
    var rng = SeededGenerator(seed: 0)
    let weights = widths.map { Tensor.randn([$0.1, $0.0], using: &rng).scalars }        // W [out, in]
    let inputs = widths.map { Tensor.randn([rows, $0.0], using: &rng).scalars }         // X [rows, in]
    let grads = widths.map { Tensor.randn([rows, $0.1], using: &rng).scalars }          // G [rows, out]
    var outputs = widths.map { [Float](repeating: 0, count: rows * $0.1) }              // Y [rows, out]
    var inputGrads = widths.map { [Float](repeating: 0, count: rows * $0.0) }           // ∂X [rows, in]
    var weightGrads = widths.map { [Float](repeating: 0, count: 2 * $0.0 * $0.1) }      // ∂W per half

    /// Runs `body(half, rows of that half)` for the two halves of the batch, one per core.
    func halves(_ body: (Int, Range<Int>) -> Void) { Kernels.forEachChunk(2, items: rows, body) }
    func forward() {
        for (l, (inF, outF)) in widths.enumerated() {                                   // Y = X·Wᵀ
            inputs[l].withUnsafeBufferPointer { x in weights[l].withUnsafeBufferPointer { w in
                outputs[l].withUnsafeMutableBufferPointer { y in
                    let (x, w, y) = (UncheckedSendable(x.baseAddress!), UncheckedSendable(w.baseAddress!), UncheckedSendable(y.baseAddress!))
                    halves { _, r in
                        sgemm(transB: true, m: r.count, n: outF, k: inF, a: x.value + r.lowerBound * inF, b: w.value,
                              c: y.value + r.lowerBound * outF)
                    }
                } } }
        }
    }
    func backward() {
        for (l, (inF, outF)) in widths.enumerated() {
            grads[l].withUnsafeBufferPointer { g in inputs[l].withUnsafeBufferPointer { x in
                weights[l].withUnsafeBufferPointer { w in
                    inputGrads[l].withUnsafeMutableBufferPointer { dx in weightGrads[l].withUnsafeMutableBufferPointer { dw in
                        let (g, x, w) = (UncheckedSendable(g.baseAddress!), UncheckedSendable(x.baseAddress!), UncheckedSendable(w.baseAddress!))
                        let (dx, dw) = (UncheckedSendable(dx.baseAddress!), UncheckedSendable(dw.baseAddress!))
                        halves { h, r in
                            let gh = g.value + r.lowerBound * outF
                            if l > 0 {                                        // ∂X = G·W (not for the input layer)
                                sgemm(m: r.count, n: inF, k: outF, a: gh, b: w.value, c: dx.value + r.lowerBound * inF)
                            }
                            sgemm(transA: true, m: outF, n: inF, k: r.count, a: gh,   // ∂W = Gᵀ·X, per half
                                  b: x.value + r.lowerBound * inF, c: dw.value + h * outF * inF)
                        }
                    } }
                } } }
        }
    }
    let forwardTime = medianTime(repeats: options.repeats) { forward() }
    let trainTime = medianTime(repeats: options.repeats) { forward(); backward() }
    var line = JSONLine()
    line["case"] = "mlp-gemm-floor"
    line[int: "batch"] = rows
    line[int: "threads"] = 2
    line[number: "train_gemms_s"] = trainTime
    line[number: "forward_gemms_s"] = forwardTime
    line["build"] = buildConfiguration
    return [line]
}
