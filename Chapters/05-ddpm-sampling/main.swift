/*:
 # Chapter 05 — DDPM sampling

 A trained denoiser predicts the noise in $x_t$. Sampling runs the forward process
 backwards: start from pure noise $x_{T-1} \sim \mathcal N(0, I)$ and, for
 $t = T-1, \dots, 0$, draw $x_{t-1}$ from a Gaussian whose mean is the posterior
 mean given the network's guess of $x_0$ (Ho et al. 2020, Algorithm 2). This
 chapter samples from the pretrained `unet-digits` (or your chapter 04 checkpoint
 with `--checkpoint`), watches a trajectory, and measures the digits it draws.
 */
import DiffusionKit
import Exercises
import Foundation

let (nb, flags) = Notebook.withFlags(SamplingFlags.self, chapter: 5, title: "DDPM sampling")

/*:
 ## Guessing x₀ from ε

 Invert $x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon$:

 $$\hat x_0 = \frac{x_t - \sqrt{1-\bar\alpha_t}\,\hat\varepsilon}{\sqrt{\bar\alpha_t}} .$$

 With the *true* noise this gives $x_0$ back exactly — **exercise 5.1**. With a
 network's guess, it is the network's current idea of the clean image; at large
 $t$ the division by $\sqrt{\bar\alpha_t}$ (0.006 at $t = 999$) amplifies every
 error, which is why samplers clip $\hat x_0$ to $[-1, 1]$ and re-derive
 $\hat\varepsilon$ from the clipped guess.
 */
let (loaded, path) = DiffusionCheckpoint.digitModelForChapter(flags.checkpoint, chapter: 5)
let schedule = loaded.schedule
let T = schedule.timesteps
nb.print("model: \(loaded.model.preset.rawValue) from \(flags.checkpoint == nil ? "Pretrained/unet-digits.safetensors" : path) — \(loaded.metadata["step"] ?? "?") training steps on \(loaded.metadata["dataset"] ?? "?"), \(loaded.usedEMA ? "EMA weights" : "live weights"), \(schedule.kind.rawValue) schedule, T = \(T), predicts \(loaded.objective.rawValue)")

var digits = SyntheticDigits(seed: nb.options.seed)
let clean = digits.batch(4).images                                               // [4, 1, 28, 28]
let trueNoise = Tensor.randn(clean.shape, using: &nb.rng)
let guessT = [100, 300, 600, 900].map { $0 * (T - 1) / 999 }
let noisy = schedule.addNoise(clean, noise: trueNoise, t: guessT)                // [4, 1, 28, 28]
let roundTrip = nb.exercise("5.1", mine: { try Chapter05.predictX0(xt: noisy, epsilon: trueNoise, t: guessT, alphasCumprod: schedule.alphasCumprod) },
                            reference: { loaded.objective.split(trueNoise, xt: noisy, t: guessT, schedule: schedule).x0 })
let guessed = withNoGrad { () -> Tensor in
    let output = loaded.model(noisy, guessT)
    return loaded.objective.split(output, xt: noisy, t: guessT, schedule: schedule).x0.clamped(min: -1, max: 1)
}
nb.print("x̂₀ with the true ε: largest error \(Console.number(Double((roundTrip - clean).abs().scalars.max() ?? 0))) (float round-off)")
nb.images(concat([clean, noisy, guessed], axis: 0), name: "x0-guesses",
          caption: "Rows: x₀; x_t at t = \(guessT.map(String.init).joined(separator: ", ")); the network's x̂₀ (clipped)", columns: 4, scale: 3)

/*:
 ## The posterior mean

 Given $x_0$, the step back is exactly Gaussian,
 $q(x_{t-1} \mid x_t, x_0) = \mathcal N(c_1 x_0 + c_2 x_t,\ \tilde\beta_t I)$ with

 $$c_1 = \frac{\beta_t\sqrt{\bar\alpha_{t-1}}}{1-\bar\alpha_t},\qquad
   c_2 = \frac{(1-\bar\alpha_{t-1})\sqrt{\alpha_t}}{1-\bar\alpha_t},\qquad
   \tilde\beta_t = \frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\beta_t .$$

 Early in the reverse chain ($t$ near $T$) the mean trusts $x_t$; at the end it
 trusts $\hat x_0$ completely ($c_1 = 1$, $c_2 = 0$ at $t = 0$). The coefficients are
 **exercise 5.2**.
 */
let (c1, c2) = nb.exercise("5.2", mine: { try Chapter05.posteriorMeanCoefficients(betas: schedule.betas) },
                           reference: { (schedule.posteriorMeanCoef1, schedule.posteriorMeanCoef2) })
let tAxis = (0..<T).map(Double.init)
nb.plot(Plot.lines([Series("c1 (weight of x̂₀)", x: tAxis, y: c1.scalars.map(Double.init)),
                    Series("c2 (weight of x_t)", x: tAxis, y: c2.scalars.map(Double.init))],
                   title: "Posterior mean coefficients", xLabel: "timestep t", yLabel: "coefficient", logY: true),
        name: "posterior-coefficients", caption: "c1 and c2 over t (\(schedule.kind.rawValue) schedule, T = \(T))")

/*:
 ## Sampling: T steps from noise to digits

 Each step: predict, clip $\hat x_0$, take the posterior mean, add $\sigma_t z$ —
 except at the last step, where adding noise would leave the digit noisy. The
 variance $\sigma_t^2 = \tilde\beta_t$ ("fixed small") is the default.
 */
let sampleCount = flags.samples ?? (nb.quick ? 8 : 64)
let steps = min(flags.steps ?? (nb.quick ? 25 : T), T)
let (sampler, denoiser) = DDPMSampler.respaced(schedule: schedule, steps: steps, objective: loaded.objective,
                                               model: loaded.model.denoiser)
// The chain's index i runs over `tau`, the original timesteps (all of 0..<T by default).
let tau = NoiseSchedule.evenlySpacedTimesteps(steps, of: T)
let shownT = [999, 750, 500, 250, 100, 0].map { $0 * (T - 1) / 999 }
let shownIndex = shownT.map { t in tau.firstIndex { $0 >= t } ?? steps - 1 }
let gifIndex = Set(stride(from: steps - 1, through: 0, by: -max(1, steps / 60)))
let bar = nb.progress("sampling \(sampleCount) digits", total: steps, unit: "step")
let started = Date()
let result = sampler.sample(shape: [sampleCount, 1, 28, 28], model: denoiser, using: &nb.rng,
                            snapshotsAt: Set(shownIndex).union(gifIndex)) { bar.update($0) }
bar.finish()
let seconds = Date().timeIntervalSince(started)
Console.write("  \(sampleCount) digits × \(steps) steps in \(Console.duration(seconds)) (\(Console.number(Double(sampleCount * steps) / seconds)) image-steps/s)\n")
nb.images(result.x0, name: "samples", caption: "\(sampleCount) digits from \(steps == T ? "all \(T)" : "\(steps) of \(T)") ancestral steps (fixed small)", columns: 8)

/*:
 ## A trajectory

 For four samples: $x_t$ (top of each pair) and the network's $\hat x_0$ (below) as
 the chain runs. The guess settles on *which* digit long before $x_t$ shows it;
 the last few hundred steps only add detail.
 */
let byIndex = Dictionary(result.snapshots.map { ($0.t, $0) }, uniquingKeysWith: { a, _ in a })
let shown = min(4, sampleCount)
var trajectoryRows: [Tensor] = []
for s in 0..<shown {
    for row in 0..<2 {
        let frames = shownIndex.map { i -> Tensor in
            let snapshot = byIndex[i]!
            return (row == 0 ? snapshot.xt : snapshot.predictedX0).slice(axis: 0, s..<(s + 1))   // [1, 1, 28, 28]
        }
        trajectoryRows.append(concat(frames, axis: 0))                          // [6, 1, 28, 28]
    }
}
nb.images(concat(trajectoryRows, axis: 0).clamped(min: -1, max: 1), name: "trajectory",
          caption: "x_t and x̂₀ at t = \(shownIndex.map { String(tau[$0]) }.joined(separator: ", ")) for \(shown) samples (pairs of rows)",
          columns: shownT.count, scale: 3)
let gifFrames = result.snapshots.filter { gifIndex.contains($0.t) }.map { $0.xt.slice(axis: 0, 0..<min(16, sampleCount)).clamped(min: -1, max: 1) }
    + [result.x0.slice(axis: 0, 0..<min(16, sampleCount))]
do {
    try writeGIF(gridFrames: gifFrames, to: nb.path("reverse-process.gif"), columns: min(8, sampleCount), scale: 3)
    nb.recordFigure(file: "reverse-process.gif", caption: "The reverse process as an animation (\(gifFrames.count) frames)")
} catch {
    Notebook.exitWithError("could not write \(nb.path("reverse-process.gif")): \(error)", code: 73)
}

/*:
 ## How good are they?

 The shipped digit classifier scores the samples: recognisable (a class with
 $p \ge 0.9$), the spread over classes, and FD-digits against real digits — printed
 with its $n$ next to the distance between two real sets of the same size.
 */
let classifier: DigitClassifier
do { classifier = try DigitClassifier.pretrained() } catch { Notebook.exitWithError("\(error)", code: 66) }
var referenceRNG = SeededGenerator(seed: nb.options.seed &+ 8)
let real = SyntheticDigits.batch(sampleCount, using: &referenceRNG).images      // [n, 1, 28, 28]
let floor = sampleCount >= 2 ? DigitMetrics.referenceFloor(n: sampleCount, classifier: classifier, using: &referenceRNG) : nil
if sampleCount >= 2 {
    let report = DigitMetrics.evaluate(samples: result.x0, classifier: classifier, reference: real, referenceFloor: floor)
    nb.table(report.table.header, report.table.rows)
}

/*:
 ## Fixed small or fixed large?

 DDPM's paper tried two variances, $\tilde\beta_t$ and $\beta_t$, and found similar
 samples. They differ most when there are few steps: $\beta_t$ adds more noise than
 the true posterior would, and the last steps cannot remove it all. Here both run
 on 100 evenly spaced timesteps from the *same* noise.
 */
let compareSteps = min(nb.quick ? 10 : 100, T)
let compareCount = min(sampleCount, 16)
var compareNoiseRNG = SeededGenerator(seed: nb.options.seed &+ 9)
let compareNoise = Tensor.randn([compareCount, 1, 28, 28], using: &compareNoiseRNG)
let compared = PosteriorVariance.allCases.map { variance -> Tensor in
    let (s, d) = DDPMSampler.respaced(schedule: schedule, steps: compareSteps, objective: loaded.objective,
                                      variance: variance, model: loaded.model.denoiser)
    var rng = SeededGenerator(seed: nb.options.seed &+ 10)
    return s.sample(from: compareNoise, model: d, using: &rng).x0               // [m, 1, 28, 28]
}
nb.images(concat(compared, axis: 0), name: "fixed-small-vs-large",
          caption: "Top: σ² = β̃ (fixed small). Bottom: σ² = β (fixed large). Same noise, \(compareSteps) steps", columns: compareCount, scale: 2)

/*:
 ## The same on the swiss roll

 In two dimensions the whole distribution is visible. The pretrained toy model
 walks 2,000 noise points back to the roll; one DDPM step is **exercise 5.3**
 (`--mine` uses yours). The sliced Wasserstein distance to fresh data is printed
 next to the distance between two fresh draws — the noise floor at this $n$.
 */
let toy = DiffusionCheckpoint.toyModelForChapter("toy-swiss-roll.safetensors").loaded
let pointCount = nb.quick ? 500 : 2000
var rows: [[String]] = []
var panels: [Plot] = []
for variance in PosteriorVariance.allCases {
    let toySampler = DDPMSampler(schedule: toy.schedule, objective: toy.objective, variance: variance, clipRange: nil)
    var x = Tensor.randn([pointCount, 2], using: &nb.rng)                         // x_T  [N, 2]
    var frames: [(String, Tensor)] = []
    withNoGrad {
        for t in stride(from: toy.schedule.timesteps - 1, through: 0, by: -1) {
            if [999, 500, 250, 100].contains(t) { frames.append(("t = \(t)", x)) }
            let eps = toy.model(x, [Int](repeating: t, count: pointCount))        // ε̂  [N, 2]
            let z = Tensor.randn(x.shape, using: &nb.rng)
            if variance == .fixedSmall {
                x = nb.exercise("5.3", mine: { try Chapter05.ddpmStep(xt: x, t: t, epsilon: eps, noise: z, betas: toy.schedule.betas) },
                                reference: { toySampler.step(x, t: t, modelOutput: eps, noise: z).previous })
            } else {
                x = toySampler.step(x, t: t, modelOutput: eps, noise: z).previous
            }
        }
    }
    frames.append(("samples", x))
    var metricRNG = SeededGenerator(seed: nb.options.seed &+ 11)
    let distance = slicedWassersteinWithFloor(x, data: { n, g in SwissRoll.sample(n, using: &g) }, using: &metricRNG)
    rows.append([variance.rawValue, Console.number(distance.distance), Console.number(distance.floor), Console.number(distance.ratio)])
    panels += frames.map { label, points in
        Plot.scatter([try! Series(points: points)], title: "\(variance.rawValue): \(label)",
                     xRange: -3.5...3.5, yRange: -3.5...3.5, equalAxes: true, legend: .none)
    }
}
nb.figure(Figure(panels, columns: 5, panelWidth: 260, panelHeight: 260), name: "swiss-roll-reverse",
          caption: "The reverse process on the swiss roll (rows: fixed small, fixed large)")
nb.table(["variance", "sliced W1 to data", "noise floor", "ratio"], rows)
nb.finish()
