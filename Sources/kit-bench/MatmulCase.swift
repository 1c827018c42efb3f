// MatmulCase.swift — `Tensor` matmul against raw `cblas_sgemm` calls.
//
// The kit keeps OpenBLAS on one thread and splits a large product's rows across the
// cores itself (Tensors/MatMul.swift). The raw baseline here does the same by hand:
// one `cblas_sgemm` per core on its share of the rows. The Tensor path adds what a
// model pays: allocating the output and recording nothing (no-grad). Target: ≥ 80 %
// of the raw throughput.

import CBLAS
import Tensors

func matmulCase(_ options: BenchOptions) -> [JSONLine] {
    // (M, K, N): a square product, and the im2col shape of a 3×3 conv with 128
    // input channels on a 28×28 map producing 64 channels per image.
    let shapes = [(name: "512x512x512", m: 512, k: 512, n: 512),
                  (name: "im2col-1152x784x64", m: 1152, k: 784, n: 64)]
    var rng = SeededGenerator(seed: 0)
    return shapes.map { s in
        let a = Tensor.randn([s.m, s.k], using: &rng)
        let b = Tensor.randn([s.k, s.n], using: &rng)
        let tensorTime = medianTime(repeats: options.repeats) {
            withNoGrad { _ = matmul(a, b) }
        }
        var c = [Float](repeating: 0, count: s.m * s.n)
        let cores = Kernels.threadCount
        let blasTime = medianTime(repeats: options.repeats) {
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        let (pa, pb, pc) = (UncheckedSendable(pa.baseAddress!), UncheckedSendable(pb.baseAddress!), UncheckedSendable(pc.baseAddress!))
                        Kernels.forEachChunk(cores, items: s.m) { _, part in      // rows of C, one share per core
                            let first = part.lowerBound, rows = part.count
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(s.n), Int32(s.k),
                                        1, pa.value + first * s.k, Int32(s.k), pb.value, Int32(s.n), 0,
                                        pc.value + first * s.n, Int32(s.n))
                        }
                    }
                }
            }
        }
        let flop = 2.0 * Double(s.m * s.k * s.n)
        var line = JSONLine()
        line["case"] = "matmul"
        line["shape"] = s.name
        line["build"] = buildConfiguration
        line[number: "tensor_s"] = tensorTime
        line[number: "blas_s"] = blasTime
        line[number: "tensor_gflops_rate"] = flop / tensorTime / 1e9
        line[number: "blas_gflops_rate"] = flop / blasTime / 1e9
        line[number: "tensor_over_blas_throughput"] = blasTime / tensorTime
        return line
    }
}
