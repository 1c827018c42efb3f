// ConvShapesCase.swift — every convolution shape of a unet-digits forward pass at
// batch 64 (no-grad), timed alone: wall-clock and process CPU time (the CPU time is
// steadier than the wall clock on a busy, shared machine). Run it twice, with and
// without `KIT_WINOGRAD=0`, to compare the im2col and Winograd paths.

import Foundation
import NeuralNets
import Tensors

/// Median process CPU time (user + system, all threads) of `fn` over `repeats` runs,
/// after one warm-up run.
func medianCPUTime(repeats: Int, _ fn: () -> Void) -> Double {
    fn()
    var times: [Double] = []
    for _ in 0..<repeats {
        var t0 = timespec(), t1 = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0)
        fn()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1)
        times.append(Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) / 1e9)
    }
    times.sort()
    return times[times.count / 2]
}

func convShapesCase(_ options: BenchOptions) -> [JSONLine] {
    // (name, Cin, Cout, size, kernel, stride, padding) of unet-digits' convolutions.
    let shapes: [(String, Int, Int, Int, Int, Int, Int)] = [
        ("conv_in 1-32@28", 1, 32, 28, 3, 1, 1),
        ("down1 32-32@28", 32, 32, 28, 3, 1, 1),
        ("ds1 32-32@28/2", 32, 32, 28, 3, 2, 1),
        ("down2.conv1 32-64@14", 32, 64, 14, 3, 1, 1),
        ("down2.conv2 64-64@14", 64, 64, 14, 3, 1, 1),
        ("mid 128-128@7", 128, 128, 7, 3, 1, 1),
        ("us2 128-128@14", 128, 128, 14, 3, 1, 1),
        ("up2.conv1 192-64@14", 192, 64, 14, 3, 1, 1),
        ("us1 64-64@28", 64, 64, 28, 3, 1, 1),
        ("up1.conv1 96-32@28", 96, 32, 28, 3, 1, 1),
        ("up1.skip 96-32@28 1x1", 96, 32, 28, 1, 1, 0),
        ("conv_out 32-1@28", 32, 1, 28, 3, 1, 1),
    ]
    var line = JSONLine()
    line["case"] = "conv-shapes"
    line["build"] = buildConfiguration
    line["path"] = ProcessInfo.processInfo.environment["KIT_WINOGRAD"] == "0" ? "im2col" : "default"
    var rng = SeededGenerator(seed: 0)
    withNoGrad {
        for (name, cin, cout, size, k, s, p) in shapes {
            let conv = Conv2d(cin, cout, kernelSize: k, stride: s, padding: p, using: &rng)
            let x = Tensor.randn([64, cin, size, size], using: &rng)
            line[number: name + " wall_ms"] = medianTime(repeats: options.repeats) { _ = conv(x) } * 1000
            line[number: name + " cpu_ms"] = medianCPUTime(repeats: options.repeats) { _ = conv(x) } * 1000
        }
    }
    return [line]
}
