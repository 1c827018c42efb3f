// SiluCase.swift — a representative elementwise kernel: SiLU forward and backward
// on 10⁷ values through the autograd engine. Run it in both configurations,
//     swift run kit-bench --case silu            (debug, as learners run things)
//     swift run -c release kit-bench --case silu
// to check that the debug build is within 2× of release (BENCHMARKS.md).

import Tensors

func siluCase(_ options: BenchOptions) -> [JSONLine] {
    let n = 10_000_000
    var rng = SeededGenerator(seed: 0)
    let x = Tensor.randn([n], using: &rng)
    x.requiresGrad = true
    let g = Tensor.randn([n], using: &rng)
    let forward = medianTime(repeats: options.repeats) {
        withNoGrad { _ = x.silu() }
    }
    let y = x.silu()
    let backward = medianTime(repeats: options.repeats) {
        x.zeroGrad()
        y.backward(g)
    }
    var line = JSONLine()
    line["case"] = "silu"
    line["build"] = buildConfiguration
    line[int: "values"] = n
    line[int: "threads"] = Kernels.threadCount
    line[number: "forward_s"] = forward
    line[number: "backward_s"] = backward
    line[number: "forward_gvalues_per_s"] = Double(n) / forward / 1e9
    line[number: "peak_rss_mb"] = peakResidentMB()
    return [line]
}
