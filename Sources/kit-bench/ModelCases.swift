// ModelCases.swift — the model cases of shared/bench/reference_pytorch.py.
//
// For each reference network at its reference batch size: one training step
// (forward, MSE on ε, backward, Adam update) and one no-grad forward pass, timed
// the same way and printed with the same field names, so kit/PyTorch ratios can be
// taken from one session on one machine (BENCHMARKS.md).

import NeuralNets
import Tensors

/// The forward GFLOP of each case as PyTorch's FlopCounterMode counts them
/// (ARCHITECTURES.md), so that rates are comparable.
let referenceForwardGFLOP = ["unet-digits": 23.0, "mlp-toy2d": 0.077]

/// Times a training step and a forward pass of `model` on a noised batch built as
/// reference_pytorch.py builds it.
func modelCase(name: String, model: some Module, inputShape: [Int], batch: Int, options: BenchOptions,
               forward: @escaping (Tensor, [Float]) -> Tensor) -> JSONLine {
    var rng = SeededGenerator(seed: 0)
    let shape = [batch] + inputShape
    let x0 = Tensor.randn(shape, using: &rng)
    let t = randomInts(batch, in: 0..<1000, using: &rng)
    var alphaBar: [Float] = []
    var running: Float = 1
    for i in 0..<1000 { running *= 1 - (1e-4 + (0.02 - 1e-4) * Float(i) / 999); alphaBar.append(running) }
    let eps = Tensor.randn(shape, using: &rng)
    let table = Tensor(alphaBar)
    let a = table.gather(t, broadcastRank: shape.count)                          // [B, 1, …]
    let xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
    let tf = t.map(Float.init)
    let optimizer = Adam(parameters: model.parameters, learningRate: 2e-4)

    let trainStep = medianTime(repeats: options.repeats) {
        model.zeroGrad()
        let loss = (forward(xt, tf) - eps).squared().mean()
        loss.backward()
        optimizer.step()
    }
    let forwardTime = medianTime(repeats: options.repeats) {
        withNoGrad { _ = forward(xt, tf) }
    }
    let gflop = referenceForwardGFLOP[name] ?? 0
    var line = JSONLine()
    line["case"] = name
    line[int: "params"] = model.parameterCount
    line[int: "batch"] = batch
    line[int: "threads"] = Kernels.threadCount
    line[number: "train_step_s"] = trainStep
    line[number: "forward_s"] = forwardTime
    line[number: "train_items_per_s"] = Double(batch) / trainStep
    line[number: "forward_items_per_s"] = Double(batch) / forwardTime
    line[number: "forward_gflop"] = gflop
    line[number: "forward_gflops_rate"] = gflop / forwardTime
    line["build"] = buildConfiguration
    line[number: "peak_rss_mb"] = peakResidentMB()
    return line
}

func unetCase(_ options: BenchOptions) -> [JSONLine] {
    var rng = SeededGenerator(seed: 0)
    let model = UNet(.digits, using: &rng)
    return [modelCase(name: "unet-digits", model: model, inputShape: [1, 28, 28], batch: 64, options: options) { x, t in
        model(x, t)
    }]
}

func mlpCase(_ options: BenchOptions) -> [JSONLine] {
    var rng = SeededGenerator(seed: 0)
    let model = ToyMLP(using: &rng)
    return [modelCase(name: "mlp-toy2d", model: model, inputShape: [2], batch: 1024, options: options) { x, t in
        model(x, t)
    }]
}
