/*:
 # Chapter 04 — Training a diffusion model

 Chapters 01–03 built the two halves of a diffusion model: a forward process that
 turns data into noise in closed form, and a network $\varepsilon_\theta(x_t, t)$
 that sees a noisy image and the time. Training joins them. DDPM's Algorithm 1 is
 four lines: take a clean image $x_0$, draw $t \sim \mathrm{Uniform}\{0,\dots,T-1\}$
 and $\varepsilon \sim \mathcal N(0, I)$, make $x_t$, and take a gradient step on

 $$L = \lVert \varepsilon - \varepsilon_\theta(\sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon,\ t)\rVert^2 .$$

 This chapter trains a 2-D model in seconds, then a small U-Net on digits for ten
 minutes (`--minutes`, `--steps`), with a recipe fitted to that budget, and measures
 what it draws.
 Ctrl-C saves a checkpoint; `swift run chapter04 --resume` continues from it.
 */
import DiffusionKit
import Exercises
import Foundation

let (nb, flags) = Notebook.withFlags(TrainingFlags.self, chapter: 4, title: "Training")
let preset = flags.model ?? .unetSmall
let schedule = NoiseSchedule(flags.schedule, timesteps: flags.timesteps)
let T = schedule.timesteps
// The training data and a checkpoint to resume are checked first, so that a wrong
// `--data-dir` or `--resume` fails in a second, not after the 2-D model has trained.
let data = DigitData.load(flags, nb: nb)
// The metrics at the end judge samples against this dataset's own test split.
let reference = DigitReference(dataset: data.name, directory: flags.dataDir)!
if case let .testSplit(kind, directory) = reference {
    do { _ = try MNIST.load(kind, split: .test, directory: directory, limit: 1) } catch {
        nb.note("the metrics at the end will be skipped: \(error)")
    }
}
// `--quick` starts the default model from its shipped weights (the default run's own
// result, see README), so that its few steps still show digits; `--init-from` does
// the same for any weights of the architecture. The file is checked now, on a
// scratch model, and loaded just before training.
let shipped = nb.quick && flags.dataset == .synthetic && flags.model == nil && flags.classes == nil && !flags.resume && flags.schedule == .linear && flags.objective == .epsilon
    ? try? PretrainedWeights.path("\(preset.rawValue).safetensors") : nil
let initFrom = flags.initFrom ?? shipped
if let initFrom {
    var scratchRNG = SeededGenerator(seed: 0)
    do { try DiffusionCheckpoint.initialise(preset.make(classes: flags.classes, using: &scratchRNG), from: initFrom) } catch {
        Notebook.exitWithError("cannot start from \(initFrom): \(error)", code: 64)
    }
}
let checkpointPath = flags.checkpoint ?? nb.path("checkpoint.safetensors")
if flags.resume && !FileManager.default.fileExists(atPath: checkpointPath) {
    Notebook.exitWithError("cannot resume: there is no checkpoint at \(checkpointPath) (train without --resume first, or pass --checkpoint FILE)", code: 64)
}

/*:
 ## The loss of one batch

 Eight digits, eight timesteps spread over $[0, T)$, eight noises: the loss of an
 untrained network is about 1, because it predicts almost nothing and
 $\mathbb E[\varepsilon^2] = 1$. This is **exercise 4.1** (`Chapter04.trainingLoss`).
 */
var initRNG = SeededGenerator(seed: nb.options.seed)
let model = preset.make(classes: flags.classes, using: &initRNG)
var digitStream = SyntheticDigits(seed: nb.options.seed)
let lossBatch = digitStream.batch(8).images                                     // [8, 1, 28, 28]
let lossT = (0..<8).map { $0 * (T - 1) / 7 }                                    // 0 … T−1
let lossNoise = Tensor.randn(lossBatch.shape, using: &nb.rng)                   // ε  [8, 1, 28, 28]
let firstLoss = withNoGrad {
    nb.exercise("4.1", mine: { try Chapter04.trainingLoss(model: model.denoiser, x0: lossBatch, noise: lossNoise,
                                                          t: lossT, alphasCumprod: schedule.alphasCumprod) },
                reference: { diffusionLoss(model: model.denoiser, x0: lossBatch, noise: lossNoise, t: lossT,
                                           schedule: schedule).loss })
}
nb.print("loss of the untrained \(preset.rawValue) on 8 digits at t = \(lossT): \(Console.number(Double(firstLoss.item)))")

/*:
 ## What to predict: ε, x₀ or v

 Predicting the noise is one choice of three. Given $x_t$, any one of $\varepsilon$,
 $x_0$ and the *velocity* $v = \sqrt{\bar\alpha}\,\varepsilon - \sqrt{1-\bar\alpha}\,x_0$
 determines the others (`--objective eps|x0|v`). They weigh the timesteps
 differently. Measured as an error in $x_0$, the ε-loss weights each $t$ by its
 signal-to-noise ratio: it pours its effort into early, almost clean timesteps and
 hardly cares about late, noisy ones. The $x_0$-loss does the opposite: its large
 errors at late $t$, where $x_0$ is unknowable, dominate. **Min-SNR-γ** weighting
 (Hang et al. 2023, `--min-snr`) caps the effective weight at γ = 5; for ε the
 weights are $\min(\mathrm{snr}, 5)/\mathrm{snr}$, which turn down the earliest
 timesteps. The v target and that weight are **exercise 4.3**.
 */
let vDigit = lossBatch.slice(axis: 0, 0..<1)                             // [1, 1, 28, 28]
let vNoise = lossNoise.slice(axis: 0, 0..<1)
let vTime = [T / 2]
let vTarget = nb.exercise("4.3", mine: { try Chapter04.vTarget(x0: vDigit, noise: vNoise, t: vTime, alphasCumprod: schedule.alphasCumprod) },
                          reference: { Objective.v.target(x0: vDigit, noise: vNoise, t: vTime, schedule: schedule) })
nb.images(concat([vDigit, vNoise.clamped(min: -1, max: 1), schedule.addNoise(vDigit, noise: vNoise, t: vTime),
                  vTarget.clamped(min: -1, max: 1)], axis: 0),
          name: "targets", caption: "x₀, ε, x_t and v at t = \(T / 2) (ε and v clipped to [−1, 1] for display)", columns: 4, scale: 4)

let allT = Array(0..<T)
let epsWeights = nb.exercise("4.3", mine: { try Chapter04.minSNRWeights(t: allT, alphasCumprod: schedule.alphasCumprod, gamma: 5).scalars },
                             reference: { Objective.epsilon.minSNRWeights(t: allT, schedule: schedule) })
let snrSeries = Objective.allCases.map { objective -> Series in
    let w = objective == .epsilon ? epsWeights : objective.minSNRWeights(t: allT, schedule: schedule)
    return Series("\(objective.rawValue)-prediction", x: allT.map(Double.init), y: w.map(Double.init))
}
nb.plot(Plot.lines(snrSeries, title: "Min-SNR-5 loss weights", xLabel: "timestep t", yLabel: "weight", logY: true),
        name: "min-snr-weights", caption: "Min-SNR-5 weights over t for the three objectives (\(flags.schedule.rawValue) schedule, T = \(T))")

/*:
 ## Averaging the weights: the EMA

 Samples come from an exponential moving average of the weights, not the weights
 themselves: $\bar\theta \leftarrow d\,\bar\theta + (1-d)\,\theta$ after each step.
 With $d = 0.999$ from the start, the average would remember the random initial
 weights for thousands of steps, so $d$ warms up as $\min(\beta, (1+n)/(10+n))$.
 Both are **exercise 4.2**. Here a noisy "parameter" drifts from 0 to 1; the EMA
 follows it smoothly.
 */
let emaSteps = 400
var parameter = Tensor(shape: [1], scalars: [0])
var shadow = parameter
var rawTrack: [Double] = [], emaTrack: [Double] = [], decays: [Double] = []
for n in 0..<emaSteps {
    let target: Float = n < 100 ? 0 : 1
    parameter = Tensor(shape: [1], scalars: [target + 0.3 * nb.rng.nextNormal()])
    let d = nb.exercise("4.2", mine: { try Chapter04.emaDecay(step: n, beta: 0.98) },
                        reference: { EMAWarmup.linear.decay(step: n, beta: 0.98) })
    shadow = nb.exercise("4.2", mine: { try Chapter04.emaUpdate(shadow: shadow, parameter: parameter, decay: d) },
                         reference: { d * shadow + (1 - d) * parameter })
    rawTrack.append(Double(parameter.item)); emaTrack.append(Double(shadow.item)); decays.append(Double(d))
}
nb.figure(Figure([
    Plot.lines([Series("parameter", y: rawTrack), Series("EMA (β = 0.98, warm-up)", y: emaTrack)],
               title: "A noisy parameter and its EMA", xLabel: "step", yLabel: "value"),
    Plot.lines([Series("decay d", y: decays)], title: "The warm-up of the decay", xLabel: "step", yLabel: "d", legend: .bottomRight),
], columns: 2, panelWidth: 480, panelHeight: 340), name: "ema", caption: "The EMA follows the parameter's drift and ignores its noise")

/*:
 ## A warm-up in two dimensions: the swiss roll

 The same training loop on 2-D points and the reference MLP (`mlp-toy2d`) converges
 in seconds. The forward frames noise the roll; the reverse frames are DDPM's
 ancestral sampler (chapter 05) walking fresh noise back to the roll.
 */
let toySteps = nb.quick ? 300 : 4000
let toy = ToyTraining.trainer(seed: nb.options.seed, batchSize: nb.quick ? 256 : 1024)
_ = try! toy.run(budget: .steps(toySteps), options: .withProgressBar(label: "swiss roll")) { rng in
    SwissRoll.sample(toy.configuration.batchSize, using: &rng)                   // [B, 2]
}
nb.print("toy model: \(toySteps) steps, smoothed loss \(Console.number(Double(toy.log.smoothedLoss ?? .nan)))")
let frames = [999, 750, 500, 250, 100].map { $0 * (T - 1) / 999 }
let pointCount = nb.quick ? 500 : 2000
let roll = SwissRoll.sample(pointCount, using: &nb.rng)                         // [N, 2]
let toySampler = DDPMSampler(schedule: toy.schedule, clipRange: nil)   // 2-D data is not confined to [−1, 1]
let reverse = toy.withEMAWeights {
    toySampler.sample(shape: [pointCount, 2], model: toy.model.denoiser, using: &nb.rng, snapshotsAt: Set(frames))
}
func scatterPanel(_ points: Tensor, _ title: String) -> Plot {
    Plot.scatter([try! Series(points: points)], title: title, xRange: -3.5...3.5, yRange: -3.5...3.5, equalAxes: true, legend: .none)
}
let rollNoise = Tensor.randn(roll.shape, using: &nb.rng)
nb.figure(Figure(([0] + frames.reversed()).map { t in
    scatterPanel(toy.schedule.addNoise(roll, noise: rollNoise, t: [Int](repeating: t, count: pointCount)), "forward t = \(t)")
} + reverse.snapshots.map { scatterPanel($0.xt, "reverse t = \($0.t)") } + [scatterPanel(reverse.x0, "reverse: x₀")],
                 columns: 6, panelWidth: 260, panelHeight: 260),
          name: "swiss-roll-frames", caption: "Top: the forward process on the data. Bottom: the trained model's reverse process from noise")
var toyMetricRNG = SeededGenerator(seed: nb.options.seed &+ 7)
let toyDistance = slicedWassersteinWithFloor(reverse.x0, data: { n, g in SwissRoll.sample(n, using: &g) }, using: &toyMetricRNG)
nb.table(["sliced Wasserstein-1, n = \(pointCount)", "distance"], [
    ["model samples vs fresh data", Console.number(toyDistance.distance)],
    ["fresh data vs fresh data (noise floor)", Console.number(toyDistance.floor)],
    ["ratio (≤ 2 is as good as this n can tell)", Console.number(toyDistance.ratio)]])

/*:
 ## Training a U-Net on digits in ten minutes

 Now the real thing: a U-Net on 28×28 digits, batches of 64. Ten minutes on two
 cores is a small budget — about 600 steps of the reference `unet-digits` on a
 slow day — and at that budget the recipe decides more than the model. Every
 choice below was measured: one run per setting, the same seed, the samples scored
 as at the end of this chapter (n = 250, so ±3 points; `BENCHMARKS.md`, "The
 10-minute run", lists every run and its command). Five minutes of training each, on
 the kit's first, plainer digits (`SyntheticDigits(generation: .classic)`):

 | setting | recognisable | FD-digits |
 |---|---|---|
 | `unet-digits`, the old recipe (1e-3, 200 warm-up steps, constant) | 60 % | 358 |
 | `unet-small`, the same recipe: three steps for each of `unet-digits`' | 64 % | 279 |
 | `unet-small`, 2e-3, 30 warm-up steps, cosine decay to 0 | 70 % | 239 |
 | … with the peak at 4e-3 | 73 % | 198 |
 | … with the peak at 8e-3 | 79 % | 217 |

 Scored on n = 1,000 samples, that recipe reaches 72 % after five minutes' worth of
 steps (1,000) and 78 % after ten (2,000), with every digit between 8 and 13 % and
 FD-digits 82 against a real-vs-real floor of 21. That is better than the old recipe
 (69 % after a ten-minute run of `unet-digits`). The digits this chapter trains on
 now are the lifelike ones — more forms, thicker and more varied strokes — and they are
 harder to learn: the same ten minutes' worth of steps gives 71 %, five minutes' 63 %.

 One more change, measured on the lifelike digits at n = 1,000, made the default:
 **which timesteps to train on**. DDPM draws $t$ uniformly. With the linear schedule
 and $T = 1000$, a third of those draws fall where $x_t$ is almost pure noise
 ($t > 700$: $\bar\alpha_t < 0.008$), where predicting $\varepsilon$ is nearly
 trivial ($x_t \approx \varepsilon$). Stable Diffusion 3's logit-normal density,
 $t = \lfloor T\,\mathrm{sigmoid}(n) \rfloor$ with $n \sim \mathcal N(0, 1)$, puts a
 third of the draws in the middle fifth of the chain, where the digit's shape is
 decided, and few at either end (`--timestep-density`). Moving its centre towards
 the clean end, $n \sim \mathcal N(-0.5, 1)$, so that half the draws fall below
 $t = 378$ instead of $500$ (`--logit-normal-location`), helped again — on two seeds at
 five minutes' worth and at ten minutes' worth — while moving it the other way ($m = 0.5$)
 or narrowing it ($s = 0.6$) did not:

 | lifelike digits, n = 1,000 | uniform $t$ | logit-normal, $m = 0$ | logit-normal, $m = -0.5$ (**the default**) |
 |---|---|---|---|
 | five minutes' worth (1,000 steps): recognisable, FD-digits | 62.9 %, 235 | 65.9 %, 169 | 69.5 %, 144 (second seed 70.1 %, 168) |
 | ten minutes' worth (2,000 steps): recognisable, FD-digits | 71.0 %, 140 | 76.9 %, 99 | **79.4 %**, 86 (second seed 75.7 %, 102) |

 (Every digit stays between 7 and 15 %; the real-vs-real floor is 29.) Both are still
 short of the course's aim of 90 % in ten minutes. How far short is measured in
 `BENCHMARKS.md`: twice the steps (4,000) give 86 %. Each doubling of the steps removes
 a third of the unrecognisable samples (30.5 → 20.6 → 13.7 %), which puts 90 % at about
 3.5 times this budget, and 80 % at about twice the five-minute one. Nor would a faster
 engine close the gap: a training step of `unet-small` already does its arithmetic at
 about two-thirds of the rate of this processor's fastest matrix product (`kit-bench
 --case unet-profile --model unet-small`), so even a perfect one would buy 1.5 times the
 steps — worth about 5 points. Run-to-run noise is large at this budget — two runs of
 one recipe can differ by several points — so judge a change on more than one run.

 - **A smaller model that takes more steps.** `unet-small` (16-32-32 channels, 177 k
   parameters) is 7× smaller than `unet-digits` and takes 3.4 steps in the time
   `unet-digits` takes one. Its strokes are as clean; what few steps lack is the
   digit's overall shape, and more steps teach that. (A wider middle, 16-32-64, was
   slower and no better: 72 % against 73 %.) Smaller still loses: `unet-patch` cuts
   the image into 2×2 patches, so that the network never works at full size, and takes
   2.2 steps for each of `unet-small`'s — yet each step teaches the shapes less, and it
   ends 3 to 5 points behind at both budgets (66 % against 70 % at five minutes' worth of
   time, 74 % against 79 % at ten). The full-size level, 63 % of `unet-small`'s time,
   earns it.
 - **A learning rate that knows the budget.** A short warm-up (30 steps, not 200: a
   third of a 600-step run at a low rate is wasted), a peak far above the usual
   1e-4…1e-3, and a cosine decay to 0 at the last step. A high rate moves fast; the
   last steps at a small rate settle the weights. The budget must then be known in
   steps: the loop times the warm-up's steps (where the rate
   does not depend on the total), fixes the count, and prints it — `--steps N`
   repeats that run exactly.
 - **What did not help** at this budget (each against its 70 % or 73 % baseline):
   min-SNR-5 weighting (69 %), v-prediction with min-SNR (73 %), the cosine noise
   schedule (74 %, FD 184 against 198: a little, within ±3 points), batches of 32
   for twice the steps (71 %). Sampling the raw weights instead of the EMA gave 78 %
   against 79 %: the EMA stays, with the warm-up of exercise 4.2. On the lifelike
   digits, against the default's 69.5 % at five minutes' worth: a peak of 1.2e-2
   after 100 warm-up steps (69 %), residual branches that start at zero (58 %: with a
   few hundred steps, blocks that begin as the identity spend many of them growing),
   self-attention at 14×14 as well (66 %, and nearly twice the time per step); and
   sampling with the larger variance $\beta_t$ (78.8 % against 79.4 %, ten minutes' worth).

 The other settings stay one flag away: `--model unet-digits` (or `unet-patch`), `--learning-rate`,
 `--warmup-steps`, `--constant-rate`, `--ema-beta`, `--batch-size`, `--objective`,
 `--min-snr`, `--schedule`, `--timestep-density uniform`. `--quick` starts from `Pretrained/unet-small.safetensors`
 (the default run's recipe, made by `kit-pretrain`), so that its few steps still
 show digits.

 Every two and a half minutes the loop draws a preview from the EMA weights, always
 from the same noise, so the grids below show one set of samples sharpening. Each
 preview uses DDPM on 100 evenly spaced timesteps (chapter 05 explains why that is
 allowed) to stay quick.
 */
var config = TrainingConfiguration()
config.objective = flags.objective
config.minSNRGamma = flags.minSNR ? 5 : nil
config.timestepDensity = flags.timestepDensity
config.logitNormalLocation = flags.logitNormalLocation
config.batchSize = flags.batchSize
config.learningRate = flags.learningRate
config.warmupSteps = flags.warmupSteps
config.emaBeta = flags.emaBeta
config.seed = nb.options.seed
config.labelDropout = flags.dropLabel
if let initFrom {
    _ = try? DiffusionCheckpoint.initialise(model, from: initFrom)                // checked at the start
    nb.print("starting from the weights in \(URL(fileURLWithPath: initFrom).lastPathComponent)\(flags.initFrom == nil ? " (--quick only: the full run starts from random weights)" : "")")
}
let trainer = DiffusionTrainer(model: model, schedule: schedule, configuration: config)
if flags.resume {
    do { try DiffusionCheckpoint.resume(trainer, from: checkpointPath) } catch {
        Notebook.exitWithError("cannot resume: \(error)", code: 64)
    }
    trainer.log.prepend(TrainingLog.readCSV(nb.path("loss.csv")).filter { $0.step <= trainer.step })
    nb.note("resumed from \(checkpointPath) at step \(trainer.step)")
}
// A time budget trains as many steps as the machine manages; `--steps` makes a run reproducible.
let budget: TrainingBudget = flags.steps.map { .steps($0) } ?? flags.minutes.map { .minutes($0) } ?? (nb.quick ? .steps(6) : .minutes(10))
nb.print("training \(preset.rawValue) (\(model.module.parameterCount) parameters) on \(data.name) for \(budget.description): objective \(flags.objective.rawValue), \(flags.schedule.rawValue) schedule, T = \(T), t drawn \(flags.timestepDensity.rawValue)\(flags.timestepDensity == .logitNormal ? " (m = \(flags.logitNormalLocation))" : "")\(flags.classes.map { ", class-conditional (\($0) classes, label dropout \(flags.dropLabel))" } ?? ""); batch \(flags.batchSize), learning rate \(flags.learningRate) after \(flags.warmupSteps) warm-up steps, \(flags.constantRate ? "then constant" : "then a cosine decay to 0 at the last step"), EMA β \(flags.emaBeta)")

let previewCount = 16
var previewRNG = SeededGenerator(seed: nb.options.seed &+ 4)
let previewNoise = Tensor.randn([previewCount, 1, 28, 28], using: &previewRNG)  // the same x_T every time
var previews: [(step: Int, images: Tensor)] = []
func preview(_ trainer: DiffusionTrainer) {
    let steps = nb.quick ? 10 : 100
    let images = trainer.withEMAWeights { () -> Tensor in
        let (sampler, denoiser) = DDPMSampler.respaced(schedule: trainer.schedule, steps: min(steps, T),
                                                       objective: trainer.configuration.objective, model: trainer.model.denoiser)
        var rng = SeededGenerator(seed: nb.options.seed &+ 5)
        return sampler.sample(from: previewNoise, model: denoiser, using: &rng).x0      // [16, 1, 28, 28]
    }
    previews.append((trainer.step, images))
    Console.write("  preview at step \(trainer.step) written to \(nb.path("preview.png"))\n")
    try? writeImageGrid(images, to: nb.path("preview.png"), columns: 8, scale: 3)
}
var loopOptions = TrainingLoopOptions()
loopOptions.csvPath = nb.path("loss.csv")
loopOptions.checkpointPath = checkpointPath
loopOptions.checkpointEvery = nb.quick ? 10 : 250
loopOptions.previewInterval = 150
loopOptions.previewEverySteps = nb.quick ? 3 : nil          // by steps when quick, so that runs are reproducible
loopOptions.preview = preview
loopOptions.metadata = ["dataset": data.name]
loopOptions.label = preset.rawValue
loopOptions.decayToBudget = !flags.constantRate
loopOptions.showProgressBar()
let outcome: TrainingOutcome
do {
    outcome = try trainer.run(budget: budget, options: loopOptions) { rng in
        let batch = data.batch(flags.batchSize, &rng)                                  // [B, 1, 28, 28], B labels
        return (batch.images, flags.classes == nil ? nil : batch.labels)
    }
} catch {
    Notebook.exitWithError("\(error)", code: 73)
}
if outcome == .interrupted {
    Console.write("\ninterrupted at step \(trainer.step): checkpoint saved to \(checkpointPath)\ncontinue with: swift run chapter04 --resume\(flags.checkpoint.map { " --checkpoint \($0)" } ?? "")\n")
    exit(130)
}
if previews.last?.step != trainer.step { preview(trainer) }
nb.print("trained to step \(trainer.step)")
if case .minutes = budget, let fixed = trainer.configuration.decaySteps {
    nb.print("the time budget became \(fixed) steps on this machine (timed over the first \(DiffusionTrainer.calibrationSteps(for: config)) steps); --steps \(fixed) repeats this run exactly")
}
Console.write("  checkpoint: \(checkpointPath)\n")
let progression = concat(previews.suffix(6).map(\.images), axis: 0)              // [16·k, 1, 28, 28]
nb.images(progression, name: "progression", caption: "The same 16 samples at steps \(previews.suffix(6).map { String($0.step) }.joined(separator: ", ")) (one row of 16 per preview)",
          columns: previewCount, scale: 2)

/*:
 ## The loss, over steps and over t

 The loss falls fast, then slowly; the smoothed curve shows the trend under the
 noise of single batches. By timestep, the loss is largest for small $t$: there the
 noise is faint and predicting it *exactly* is hard — but that barely matters for
 sampling, because a faint noise barely changes the image.
 */
let records = trainer.log.records
if !records.isEmpty {
    nb.plot(Plot.lines([Series("batch loss", x: records.map { Double($0.step) }, y: records.map { Double($0.loss) }),
                        Series("smoothed", x: records.map { Double($0.step) }, y: records.map { Double($0.smoothedLoss) })],
                       title: "Training loss", xLabel: "step", yLabel: "loss (\(flags.objective.rawValue))", logY: true),
            name: "loss-curve", caption: "The training loss per step (raw and smoothed); the full log is loss.csv")
}
let byT = trainer.log.lossByTimestep.filter { $0.loss != nil }
if byT.isEmpty {
    nb.note("no steps were trained in this run, so there is no loss by timestep to show")
} else {
    nb.plot(Plot.lines([Series("recent loss", x: byT.map { Double($0.range.lowerBound + $0.range.upperBound) / 2 },
                               y: byT.map { Double($0.loss!) }, style: .linesPoints)],
                       title: "Loss by timestep", xLabel: "timestep t (bucket centres)", yLabel: "loss", logY: true),
            name: "loss-by-t", caption: "The recent loss in ten timestep buckets")
}

/*:
 ## What did it learn? Samples and their metrics

 Pictures can flatter. A digit classifier scores the samples: the share it recognises
 with $p \ge 0.9$, how evenly the ten classes appear, and the Fréchet distance between
 the classifier's features of samples and of real images (FD-digits; lower is
 better, and it depends on $n$, so it is always printed with $n$). Both follow the
 training data: a synthetic-digit model is judged against fresh synthetic digits by
 the classifier shipped in `Pretrained/`; an MNIST (or Fashion-MNIST) model against
 the dataset's test split by a classifier trained on that dataset, which
 `swift run -c release kit-pretrain classifier --dataset mnist --data-dir DIR` makes
 once and keeps in your cache. Without it the chapter says so and shows no numbers:
 a classifier of synthetic digits would misjudge real handwriting.
 */
let sampleCount = nb.quick ? 16 : 128
let sampleSteps = min(nb.quick ? 10 : 100, T)
let samples = trainer.withEMAWeights { () -> Tensor in
    let (sampler, denoiser) = DDPMSampler.respaced(schedule: schedule, steps: sampleSteps,
                                                   objective: flags.objective, model: trainer.model.denoiser)
    var parts: [Tensor] = []
    let bar = nb.progress("sampling", total: sampleCount, unit: "img")
    for start in stride(from: 0, to: sampleCount, by: 64) {
        let n = min(64, sampleCount - start)
        parts.append(sampler.sample(shape: [n, 1, 28, 28], model: denoiser, using: &nb.rng).x0)
        bar.update(start + n)
    }
    bar.finish()
    return concat(parts, axis: 0)                                               // [n, 1, 28, 28]
}
nb.images(samples.slice(axis: 0, 0..<min(64, sampleCount)), name: "samples",
          caption: "Samples of the EMA weights after \(trainer.step) steps (DDPM, \(sampleSteps) respaced steps)", columns: 8)
// The real digits and the classifier both come from the data the model trained on (`reference`, above).
do {
    let classifier = try DigitClassifier.forDataset(reference)
    var referenceRNG = SeededGenerator(seed: nb.options.seed &+ 8)
    let real = try reference.draw(sets: 3, of: sampleCount, using: &referenceRNG)      // 3 × [n, 1, 28, 28]
    let floor = DigitMetrics.frechetDistance(real[1], real[2], classifier: classifier)  // real vs real: the floor
    let report = DigitMetrics.evaluate(samples: samples, classifier: classifier, reference: real[0], referenceFloor: floor)
    nb.print("judged against \(reference) with the classifier trained on \(reference.datasetName)")
    nb.table(report.table.header, report.table.rows)
    nb.table(report.classTable.header, report.classTable.rows)
} catch {
    nb.note("no metrics: \(error)")
}

/*:
 ## Try this

 - `--timesteps 200`: the seed course's "T = 200". With the linear schedule
   $\bar\alpha_{T-1}$ is then about 0.13, not $4\cdot10^{-5}$: $x_T$ still holds the
   digit, and sampling from pure noise starts from the wrong place.
 - `--objective v --min-snr`, `--schedule cosine`, or `--model simple-unet`.
 - `--dataset mnist --data-dir DIR` trains on real MNIST.
 - Chapter 05 samples from the pretrained model, or from yours:
   `swift run chapter05 --checkpoint out/chapter04/checkpoint.safetensors`.
 */
nb.finish()
