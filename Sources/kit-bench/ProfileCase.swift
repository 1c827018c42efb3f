// ProfileCase.swift — where a U-Net's forward pass spends its time, block by block
// (no-grad, batch 64), to guide optimisation; and how close its training step's
// arithmetic comes to the machine's. Not a PyTorch comparison.
//
// `--model` picks the U-Net (unet-digits by default; unet-small, unet-patch). The block
// timings are for the two-level, full-size U-Nets. For every model the line also gives
// its multiply–accumulates per image and the rate of a forward + backward pass in
// GFLOP/s of CPU time, counting 3 × the forward MACs (the backward pass of a convolution
// or linear layer costs two of its forward passes: ∂L/∂x and ∂L/∂W) at 2 FLOPs each, as
// if every convolution were direct. Next to it, a 512³ SGEMM on one thread: the fastest
// arithmetic the kit's engine has (Winograd convolutions do fewer multiplies than counted,
// so the ratio of the two may exceed 1).

import CBLAS
import Diffusion
import NeuralNets
import Tensors

func unetProfileCase(_ options: BenchOptions) -> [JSONLine] {
    var rng = SeededGenerator(seed: 0)
    let unet = UNet(options.profileModel.unetConfig!, using: &rng)
    let x = Tensor.randn([64, 1, 28, 28], using: &rng)
    let t = (0..<64).map { Float($0 * 15) }
    var line = JSONLine()
    line["case"] = "unet-profile"
    line["model"] = options.profileModel.rawValue
    line["build"] = buildConfiguration
    if unet.down.count == 2 && unet.config.patchSize == 1 { withNoGrad {
        let emb = unet.embed(t)
        let h0 = unet.convIn(x), h1 = unet.down[0](h0, emb), d1 = unet.downsample[0](h1)
        let h2 = unet.down[1](d1, emb), d2 = unet.downsample[1](h2)
        let m1 = unet.mid1(d2, emb), a = unet.attention(m1), m2 = unet.mid2(a, emb)
        let u2 = unet.upsample[1](upsampleNearest(m2, scale: 2))
        let c2 = concat([u2, h2], axis: 1), p2 = unet.up[1](c2, emb)
        let u1 = unet.upsample[0](upsampleNearest(p2, scale: 2))
        let c1 = concat([u1, h1], axis: 1), p1 = unet.up[0](c1, emb)
        let stages: [(String, () -> Void)] = [
            ("embed", { _ = unet.embed(t) }),
            ("conv_in", { _ = unet.convIn(x) }),
            ("down1", { _ = unet.down[0](h0, emb) }),
            ("down1.norm1+silu", { _ = unet.down[0].norm1(h0).silu() }),
            ("down1.conv1", { _ = unet.down[0].conv1(h0) }),
            ("ds1", { _ = unet.downsample[0](h1) }),
            ("down2", { _ = unet.down[1](d1, emb) }),
            ("ds2", { _ = unet.downsample[1](h2) }),
            ("mid1", { _ = unet.mid1(d2, emb) }),
            ("attn", { _ = unet.attention(m1) }),
            ("mid2", { _ = unet.mid2(a, emb) }),
            ("us2", { _ = unet.upsample[1](upsampleNearest(m2, scale: 2)) }),
            ("up2", { _ = unet.up[1](c2, emb) }),
            ("us1", { _ = unet.upsample[0](upsampleNearest(p2, scale: 2)) }),
            ("up1", { _ = unet.up[0](c1, emb) }),
            ("out", { _ = unet.convOut(unet.normOut(p1).silu()) }),
            ("concat c1", { _ = concat([u1, h1], axis: 1) }),
            ("upsample p2", { _ = upsampleNearest(p2, scale: 2) }),
        ]
        for (name, body) in stages {
            line[number: name + "_ms"] = medianTime(repeats: options.repeats, body) * 1000
        }
        // The whole forward pass, wall-clock and process CPU time (all threads): the CPU
        // time is the steadier measure of work on a busy machine.
        line[number: "forward_ms"] = medianTime(repeats: options.repeats) { _ = unet(x, t) } * 1000
        line[number: "forward_cpu_ms"] = medianCPUTime(repeats: options.repeats) { _ = unet(x, t) } * 1000
    } }
    let macs = MultiplyAccumulates.count { withNoGrad { _ = unet(x.slice(axis: 0, 0..<1), [t[0]]) } }
    line[number: "macs_per_image"] = Double(macs)
    // A training step's forward and backward (no optimizer), likewise.
    let eps = Tensor.randn(x.shape, using: &rng)
    let step = {
        unet.zeroGrad()
        ((unet(x, t) - eps).squared().mean()).backward()
    }
    line[number: "forward_backward_ms"] = medianTime(repeats: options.repeats, step) * 1000
    let stepCPU = medianCPUTime(repeats: options.repeats, step)
    line[number: "forward_backward_cpu_ms"] = stepCPU * 1000
    line[number: "forward_backward_gflops_per_cpu_s"] = 3 * 2 * Double(macs) * Double(x.shape[0]) / stepCPU / 1e9
    line[number: "sgemm_512_one_thread_gflops"] = oneThreadSGEMMRate(repeats: options.repeats)
    return [line]
}

/// GFLOP/s of one `cblas_sgemm` of 512×512 by 512×512 on the calling thread (OpenBLAS is
/// kept on one thread by the kit), the median of `repeats` runs in CPU time, like the
/// U-Net's rate (so that another process on the core slows neither).
func oneThreadSGEMMRate(repeats: Int) -> Double {
    let n = 512
    let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    let seconds = medianCPUTime(repeats: repeats) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n),
                    1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
    }
    return 2 * Double(n * n * n) / seconds / 1e9
}
