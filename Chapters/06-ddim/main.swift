/*:
 # Chapter 06 — DDIM: the same model in fifty steps

 DDPM's sampler walks all $T = 1000$ timesteps, one network evaluation each.
 Song, Meng & Ermon (2021) noticed that training only ever sees the *marginals*
 $q(x_t \mid x_0) = \mathcal N(\sqrt{\bar\alpha_t}\,x_0, (1-\bar\alpha_t) I)$, never
 the chain that links them. Many processes share those marginals; DDIM picks ones
 that jump between any two timesteps $t > t'$ directly:

 $$x_{t'} = \sqrt{\bar\alpha_{t'}}\,\hat x_0
   + \sqrt{1-\bar\alpha_{t'}-\sigma^2}\;\hat\varepsilon + \sigma z,
   \qquad \sigma = \eta\sqrt{\frac{1-\bar\alpha_{t'}}{1-\bar\alpha_t}}
                      \sqrt{1-\frac{\bar\alpha_t}{\bar\alpha_{t'}}} .$$

 The first term puts back the signal the network believes in, the second keeps the
 noise it found (pointing the same way), the third adds fresh noise. With $\eta = 1$
 and every timestep this is DDPM's step exactly; with $\eta = 0$ no fresh noise
 enters and the sampler is a deterministic map from $x_T$ to an image. No
 retraining: this chapter reuses the pretrained `unet-digits` of chapter 05.
 */
import DiffusionKit
import Exercises
import Foundation

let (nb, flags) = Notebook.withFlags(DDIMFlags.self, chapter: 6, title: "DDIM")

let loaded = DiffusionCheckpoint.digitModelForChapter(flags.checkpoint, chapter: 6).loaded
let schedule = loaded.schedule
let T = schedule.timesteps
let model = loaded.model.denoiser
// Your own setting (--steps, --eta, --spacing): checked against this model's T now.
let yourSampler: DDIMSampler
do {
    yourSampler = try DDIMSampler(schedule: schedule, objective: loaded.objective, eta: flags.eta)
    _ = try yourSampler.timesteps(steps: flags.steps, spacing: flags.timestepSpacing)
} catch {
    Notebook.exitWithError("--steps/--eta: \(error)", code: 64)
}
nb.print("model: \(loaded.model.preset.rawValue), \(loaded.metadata["step"] ?? "?") training steps, \(schedule.kind.rawValue) schedule, T = \(T), predicts \(loaded.objective.rawValue)")

/// A DDIM sampler for this model (η checked by the flags or written here).
func ddim(eta: Float) -> DDIMSampler { try! DDIMSampler(schedule: schedule, objective: loaded.objective, eta: eta) }

/// Runs `body` with the model counting the images it denoises into a progress bar.
func withProgress<R>(_ label: String, evaluations: Int, _ body: (@escaping Denoiser) -> R) -> R {
    let bar = nb.progress(label, total: evaluations, unit: "img")
    var done = 0
    let counted: Denoiser = { x, t in
        let output = model(x, t)
        done += x.shape[0]
        bar.update(done)
        return output
    }
    defer { bar.finish() }
    return body(counted)
}

/// A row of S values clamped to T (and shortened by --quick).
let stepCounts = (nb.quick ? [5, 10] : [10, 20, 50, 100]).map { min($0, T) }
let columns = 8

/*:
 ## Which timesteps? Three spacings

 With $S < T$ steps the sampler visits a subsequence of $0, \dots, T-1$. Three
 conventions are in use (diffusers' names; Lin et al. 2024, Table 2), and the
 previous timestep of a step is always the *next entry of the list* — never
 $t - T/S$ — with $\bar\alpha' = 1$ after the last entry. Computing the list is
 **exercise 6.1**.
 */
let spacingSteps = min(10, T)
var spacingRows: [[String]] = []
var spacingLists: [TimestepSpacing: [Int]] = [:]
for spacing in TimestepSpacing.allCases {
    let list = nb.exercise("6.1", mine: { try Chapter06.timesteps(spacing, steps: spacingSteps, of: T) },
                           reference: { spacing.timesteps(steps: spacingSteps, of: T) })
    spacingLists[spacing] = list
    let first = list[0], last = list[list.count - 1]
    spacingRows.append([spacing.rawValue, list.map(String.init).joined(separator: ", "),
                        Console.number(schedule.alphasCumprodDouble[first].squareRoot(), digits: 3),
                        Console.number((1 - schedule.alphasCumprodDouble[last]).squareRoot(), digits: 3)])
}
nb.table(["spacing", "timesteps (S = \(spacingSteps), T = \(T))", "√ᾱ at the first step", "noise std √(1−ᾱ) left before the last step"], spacingRows)

/*:
 `leading` never starts at $T-1$: it treats pure noise as if it were $x_{900}$,
 which should still carry a trace of the image ($\sqrt{\bar\alpha}$ at the first
 step, in the table), so its first prediction is made for the wrong noise level.
 At the other end it spends its last step going from $t = 0$ — already clean — to
 clean, while `trailing`'s last step removes the noise left at $t = 99$. The first
 two rows below are the network's first guess $\hat x_0$ from the same pure noise,
 read as $t = 999$ (trailing) and as $t = 900$ (leading); then the three samplers'
 images after ten steps, and the difference between trailing and leading (×4).
 */
var spacingNoiseRNG = SeededGenerator(seed: nb.options.seed &+ 61)
let spacingNoise = Tensor.randn([columns, 1, 28, 28], using: &spacingNoiseRNG)        // x_T  [8, 1, 28, 28]
let spacingGrid = withProgress("three spacings", evaluations: (2 + 3 * spacingSteps) * columns) { counted -> [Tensor] in
    let firstGuesses = [TimestepSpacing.trailing, .leading].map { spacing -> Tensor in
        let list = spacingLists[spacing]!
        return withNoGrad {
            ddim(eta: 0).step(spacingNoise, t: list[0], tPrev: list[1], modelOutput: counted(spacingNoise, [Int](repeating: list[0], count: columns)),
                              noise: nil).predictedX0                                   // x̂₀ after one evaluation  [8, 1, 28, 28]
        }
    }
    let samples = TimestepSpacing.allCases.map { spacing -> Tensor in
        var rng = SeededGenerator(seed: nb.options.seed &+ 62)
        return try! ddim(eta: 0).sample(from: spacingNoise, model: counted, steps: spacingSteps, spacing: spacing, using: &rng)
    }
    return firstGuesses + samples
}
let spacingDifference = (spacingGrid[2] - spacingGrid[3]).abs()                       // |trailing − leading|  [8, 1, 28, 28]
nb.print("mean |trailing − leading| per pixel after \(spacingSteps) steps: \(Console.number(Double(spacingDifference.mean().item), digits: 3)) (pixels span [−1, 1])")
nb.images(concat(spacingGrid + [(4 * spacingDifference - 1).clamped(min: -1, max: 1)], axis: 0), name: "spacings",
          caption: "Same noise, η = 0, S = \(spacingSteps). Rows: first x̂₀ read as t = \(spacingLists[.trailing]![0]) and as t = \(spacingLists[.leading]![0]); samples with trailing, leading, linspace; |trailing − leading| × 4",
          columns: columns, scale: 2)

/*:
 Both first guesses are mostly noise — from pure noise no network can yet tell
 which digit will appear — but they differ: read as $t = 900$, the same noise is
 taken to hide more of an image, and the guess is busier. Yet the final rows are
 close (the mean difference is printed above): $\bar\alpha$ at $t = 900$ is still
 tiny, and nine more steps repair the first one. The mismatch matters far more
 for schedules whose last $\bar\alpha$ is not near zero (Stable Diffusion's, in
 Lin et al. 2024), and for very few steps.

 ## One DDIM step — on the swiss roll

 The step of the introduction is **exercise 6.2**. In two dimensions we can see a
 whole distribution move: the pretrained swiss-roll model of chapter 04 runs 10
 and 50 DDIM steps (`trailing`) from 2,000 noise points, with $\eta = 0$ and
 $\eta = 1$, and the sliced Wasserstein distance to fresh data is printed next
 to the noise floor (two fresh draws of the same size).
 */
let toy = DiffusionCheckpoint.toyModelForChapter("toy-swiss-roll.safetensors").loaded
let pointCount = nb.quick ? 500 : 2000
var toyPanels: [Plot] = []
var toyRows: [[String]] = []
var dataRNG = SeededGenerator(seed: nb.options.seed &+ 63)
toyPanels.append(Plot.scatter([try! Series(points: SwissRoll.sample(pointCount, using: &dataRNG))], title: "data",
                              xRange: -3.5...3.5, yRange: -3.5...3.5, equalAxes: true, legend: .none))
for (toySteps, eta) in [(10, 0.0), (10, 1.0), (50, 0.0), (50, 1.0)] {
    let toyTimesteps = TimestepSpacing.trailing.timesteps(steps: toySteps, of: toy.schedule.timesteps)
    let etaLabel = eta == 0 ? "0" : "1"
    let reference = try! DDIMSampler(schedule: toy.schedule, objective: toy.objective, eta: Float(eta), clipRange: nil)
    var rng = SeededGenerator(seed: nb.options.seed &+ 64)
    var x = Tensor.randn([pointCount, 2], using: &rng)                                 // x_T  [N, 2]
    withNoGrad {
        for (i, t) in toyTimesteps.enumerated() {
            let tPrev: Int? = i + 1 < toyTimesteps.count ? toyTimesteps[i + 1] : nil
            let ts = [Int](repeating: t, count: pointCount)
            let eps = toy.objective.split(toy.model(x, ts), xt: x, t: ts, schedule: toy.schedule).epsilon   // ε̂  [N, 2]
            let z = Tensor.randn(x.shape, using: &rng)
            let a = toy.schedule.alphasCumprodDouble[t], aPrev = tPrev.map { toy.schedule.alphasCumprodDouble[$0] } ?? 1
            x = nb.exercise("6.2", mine: { try Chapter06.ddimStep(xt: x, epsilon: eps, alphaBar: a, alphaBarPrev: aPrev, eta: eta, noise: z) },
                            reference: { reference.step(x, t: t, tPrev: tPrev, modelOutput: eps, noise: z).previous })
        }
    }
    var metricRNG = SeededGenerator(seed: nb.options.seed &+ 65)
    let distance = slicedWassersteinWithFloor(x, data: { n, g in SwissRoll.sample(n, using: &g) }, using: &metricRNG)
    toyRows.append(["DDIM, \(toySteps) steps, η = \(etaLabel)", Console.number(distance.distance), Console.number(distance.floor), Console.number(distance.ratio, digits: 3)])
    toyPanels.append(Plot.scatter([try! Series(points: x)], title: "DDIM η = \(etaLabel), \(toySteps) steps",
                                  xRange: -3.5...3.5, yRange: -3.5...3.5, equalAxes: true, legend: .none))
}
nb.figure(Figure(toyPanels, columns: 5, panelWidth: 260, panelHeight: 260), name: "swiss-roll-ddim",
          caption: "The swiss roll: data, and \(pointCount) points after 10 and 50 DDIM steps with η = 0 and η = 1")
nb.table(["sampler", "sliced W1 to data", "noise floor", "ratio"], toyRows)

/*:
 Ten steps blur the spiral into a disc, with either η; fifty bring it back. The
 sliced distance notices less than your eyes do: it compares one-dimensional
 projections, and a disc and a spiral of the same size project alike.

 ## Steps against η

 The same eight noises, sampled with $S = 10, 20, 50, 100$ steps (rows) and
 $\eta = 0, 0.5, 1$ (one figure each). With $\eta = 0$ the digits barely change
 as $S$ grows — the sampler follows one deterministic path and more steps only
 follow it more precisely. With $\eta = 1$ each step throws away part of the
 image's identity and redraws it, so the digits differ from row to row, and at
 few steps the fresh noise is not fully removed: strokes get thin and broken.
 */
var gridNoiseRNG = SeededGenerator(seed: nb.options.seed &+ 66)
let gridNoise = Tensor.randn([columns, 1, 28, 28], using: &gridNoiseRNG)              // x_T  [8, 1, 28, 28]
let gridEtas: [Float] = [0, 0.5, 1]
var gridEtaZero: [Int: Tensor] = [:]
withProgress("DDIM grids", evaluations: gridEtas.count * stepCounts.reduce(0, +) * columns) { counted in
    for eta in gridEtas {
        let rows = stepCounts.map { S -> Tensor in
            var rng = SeededGenerator(seed: nb.options.seed &+ 67)
            let x = try! ddim(eta: eta).sample(from: gridNoise, model: counted, steps: S, using: &rng)   // [8, 1, 28, 28]
            if eta == 0 { gridEtaZero[S] = x }
            return x
        }
        let label = eta == 0 ? "0" : eta == 1 ? "1" : "0.5"
        nb.images(concat(rows, axis: 0), name: "ddim-eta-\(label.replacingOccurrences(of: ".", with: ""))",
                  caption: "η = \(label): rows S = \(stepCounts.map(String.init).joined(separator: ", ")), the same eight noises", columns: columns, scale: 2)
    }
}

/*:
 ## Determinism

 With $\eta = 0$ the noise $x_T$ fixes the image. Sampling the same eight noises
 again gives the same bytes; with $\eta = 1$, two runs that differ only in the
 generator of the fresh noise give different digits.
 */
let checkSteps = stepCounts[1]
let (again, etaOneA, etaOneB) = withProgress("determinism", evaluations: 3 * checkSteps * columns) { counted -> (Tensor, Tensor, Tensor) in
    var rng = SeededGenerator(seed: nb.options.seed &+ 99)
    let again = try! ddim(eta: 0).sample(from: gridNoise, model: counted, steps: checkSteps, using: &rng)
    var rngA = SeededGenerator(seed: nb.options.seed &+ 68), rngB = SeededGenerator(seed: nb.options.seed &+ 69)
    let a = try! ddim(eta: 1).sample(from: gridNoise, model: counted, steps: checkSteps, using: &rngA)
    let b = try! ddim(eta: 1).sample(from: gridNoise, model: counted, steps: checkSteps, using: &rngB)
    return (again, a, b)
}
let first = gridEtaZero[checkSteps]!
nb.print("η = 0, S = \(checkSteps), same x_T, another generator: identical bytes? \(again.scalars == first.scalars) (largest difference \(Console.number(Double((again - first).abs().scalars.max() ?? 0))))")
nb.print("η = 1, S = \(checkSteps), same x_T, two generators: mean |difference| per pixel \(Console.number(Double((etaOneA - etaOneB).abs().mean().item), digits: 3))")
nb.images(concat([first, again, etaOneA, etaOneB], axis: 0), name: "determinism",
          caption: "Rows: η = 0 twice (identical); η = 1 with two noise generators (different digits). S = \(checkSteps), same x_T",
          columns: columns, scale: 2)

/*:
 ## Walking between two noises: slerp, not lerp

 Because $\eta = 0$ is a deterministic map, moving $x_T$ smoothly moves the image
 smoothly. But the straight line $(1-t)a + tb$ between two Gaussian noises leaves
 the region where Gaussian noise lives: in $d = 784$ dimensions almost every draw
 has norm $\approx\sqrt d$, and the midpoint of two independent draws has norm
 $\approx\sqrt{d/2}$ — 0.71 of it. The network never saw such quiet noise.
 Spherical interpolation (slerp, **exercise 6.3**) follows the arc between the
 two and keeps the norm. Both paths, sampled with DDIM:
 */
var pairRNG = SeededGenerator(seed: nb.options.seed &+ 70)
let noiseA = Tensor.randn([1, 1, 28, 28], using: &pairRNG), noiseB = Tensor.randn([1, 1, 28, 28], using: &pairRNG)
let fractions = (0...8).map { Float($0) / 8 }
let slerped = fractions.map { f in nb.exercise("6.3", mine: { try Chapter06.slerp(noiseA, noiseB, t: f) }, reference: { slerp(noiseA, noiseB, f) }) }
let lerped = fractions.map { f in (1 - f) * noiseA + f * noiseB }
let pathSteps = min(nb.quick ? 10 : 50, T)
let interpolated = withProgress("interpolation", evaluations: 2 * fractions.count * pathSteps) { counted -> Tensor in
    var rng = SeededGenerator(seed: nb.options.seed &+ 71)
    return try! ddim(eta: 0).sample(from: concat(slerped + lerped, axis: 0), model: counted, steps: pathSteps, using: &rng)
}
nb.images(interpolated, name: "slerp-vs-lerp",
          caption: "From noise a (left) to noise b (right), DDIM η = 0, S = \(pathSteps). Top: slerp. Bottom: lerp",
          columns: fractions.count, scale: 3)
let rootD = Float(784).squareRoot()
let fractionAxis = fractions.map(Double.init)
/// The share of "ink" in each image: the mean of (x + 1)/2, 0 for black, 1 for white.
func ink(_ images: Tensor) -> [Double] {
    (0..<images.shape[0]).map { Double(((images.slice(axis: 0, $0..<($0 + 1)) + 1) / 2).mean().item) }
}
let inks = ink(interpolated)
nb.figure(Figure([
    Plot.lines([Series("slerp", x: fractionAxis, y: slerped.map { Double($0.squared().sum().item.squareRoot() / rootD) }),
                Series("lerp", x: fractionAxis, y: lerped.map { Double($0.squared().sum().item.squareRoot() / rootD) })],
               title: "Norm of the noise", xLabel: "fraction t from a to b", yLabel: "‖x_T‖ / √d"),
    Plot.lines([Series("slerp", x: fractionAxis, y: Array(inks[0..<fractions.count])),
                Series("lerp", x: fractionAxis, y: Array(inks[fractions.count...]))],
               title: "Ink in the sampled digit", xLabel: "fraction t from a to b", yLabel: "mean of (x + 1)/2", yRange: 0...0.3),
], columns: 2, panelWidth: 460, panelHeight: 340), name: "interpolation-norm",
          caption: "Left: ‖x_T‖/√784 along the path (slerp stays near 1, lerp dips to about 0.71). Right: how much ink the sampled digit has")
// How much does the network care about the quieter noise? ε̂ at t = T−1 for x_T and for 0.71·x_T.
let (cosine, normRatio) = withNoGrad { () -> (Double, Double) in
    let loud = model(noiseA, [T - 1]), quiet = model(Float(0.5).squareRoot() * noiseA, [T - 1])     // ε̂  [1, 1, 28, 28]
    let dot = Double((loud * quiet).sum().item)
    let (l, q) = (Double(loud.squared().sum().item.squareRoot()), Double(quiet.squared().sum().item.squareRoot()))
    return (dot / (l * q), q / l)
}
nb.print("ε̂ at t = \(T - 1) for x_T and for 0.71·x_T: cosine similarity \(Console.number(cosine, digits: 3)), norm ratio \(Console.number(normRatio, digits: 3))")

/*:
 Look at the rows before believing the textbook: with *this* model the lerp row
 does not fade. The network reads the quieter noise as the same noise, only
 fainter (its $\hat\varepsilon$ for $0.71\,x_T$ points the same way as for $x_T$,
 cosine similarity 1.000 above), and the sampler clips $\hat x_0$ to $[-1, 1]$ at
 every step, which pulls the path back to images of full contrast — lerp's middle
 digits have only a few per cent less ink. The dip in the norm is a property of
 the *noise*, not of the model, and larger models without that safety net (latent
 diffusion's, chapter 08) turn lerp's midpoints into washed-out images; that is
 why DDIM's authors interpolate with slerp, and why you should too.

 ## Inversion: from a digit back to its noise

 Run the $\eta = 0$ step the other way — from a clean image up to $t_{\max}$ —
 and you get the noise that DDIM would turn into (nearly) that image. The step
 upward needs $\hat\varepsilon$ at the point it is going *to*, which is unknown;
 the usual approximation takes it at the point already reached, so the round trip
 is exact only as $S \to \infty$. Eight real synthetic digits, inverted and
 sampled back:
 */
var realRNG = SeededGenerator(seed: nb.options.seed &+ 72)
let realDigits = SyntheticDigits.batch(columns, using: &realRNG).images                // x₀  [8, 1, 28, 28]
let inversionSteps = (nb.quick ? [5, 10] : [10, 50]).map { min($0, T) }
var inversionRows: [[String]] = []
var inversionImages: [Tensor] = [realDigits]
withProgress("inversion", evaluations: 2 * inversionSteps.reduce(0, +) * columns) { counted in
    for S in inversionSteps {
        var rng = SeededGenerator(seed: nb.options.seed &+ 73)
        let noise = try! ddim(eta: 0).invert(realDigits, model: counted, steps: S)                    // [8, 1, 28, 28]
        let back = try! ddim(eta: 0).sample(from: noise, model: counted, steps: S, using: &rng)       // [8, 1, 28, 28]
        let error = back - realDigits
        let relative = (error.squared().sum().item / realDigits.squared().sum().item).squareRoot()
        inversionRows.append(["\(S)", Console.number(Double(error.abs().mean().item), digits: 3),
                              Console.number(Double(error.abs().scalars.max() ?? 0), digits: 3),
                              String(format: "%.1f %%", 100 * Double(relative)),
                              Console.number(Double(noise.squared().mean().item.squareRoot()), digits: 3)])
        if S == inversionSteps.last! { inversionImages += [noise.clamped(min: -3, max: 3) / 3, back, error.abs() * 2 - 1] }
    }
}
nb.table(["S", "mean |x̂₀ − x₀| per pixel", "largest |x̂₀ − x₀|", "‖x̂₀ − x₀‖ / ‖x₀‖", "std of the inverted noise"], inversionRows)
nb.images(concat(inversionImages, axis: 0), name: "inversion",
          caption: "Rows: real digits; their DDIM-inverted noise (S = \(inversionSteps.last!), shown ÷3); sampled back; |error| (black 0, white 1)",
          columns: columns, scale: 3)

/*:
 Pixel values span $[-1, 1]$, so a mean error of a couple of hundredths is
 invisible: the reconstructions are the digits. The approximation of the upward
 step is not what limits them here — with an exact denoiser (the library's tests
 use Gaussian data) the error shrinks like $1/S$, but this network's own error on
 real digits does not, so 50 steps are no better than 10. And the inverted noise
 is *not* like the noise sampling starts from: its standard deviation is well
 below 1, it is almost exactly 0 on the background — the network sees no noise
 there, predicts none, and the upward steps never add any — and it still shows
 the digit's outline. That is why editing methods that start from inverted noise
 need extra care (Mokady et al. 2023).

 ## Fewer evaluations: Heun on the probability-flow ODE

 DDIM with $\eta = 0$ is Euler's method on an ordinary differential equation
 (chapter 07 derives it): in $\sigma = \sqrt{(1-\bar\alpha)/\bar\alpha}$ and
 $y = x/\sqrt{\bar\alpha}$ it reads $dy/d\sigma = \hat\varepsilon$. Heun's method
 (Karras et al. 2022) takes the Euler step, evaluates the slope at its end, and
 averages the two — second order, two evaluations per step except the last.
 At the same number of network evaluations (NFE):
 */
let heunPairs: [(ddimSteps: Int, heunSteps: Int)] = nb.quick ? [(5, 3)] : [(11, 6), (19, 10)]
let heunRows = withProgress("Heun vs DDIM", evaluations: heunPairs.reduce(0) { $0 + $1.ddimSteps + 2 * $1.heunSteps - 1 } * columns) { counted -> [Tensor] in
    heunPairs.flatMap { pair -> [Tensor] in
        var rng = SeededGenerator(seed: nb.options.seed &+ 74)
        let d = try! ddim(eta: 0).sample(from: gridNoise, model: counted, steps: min(pair.ddimSteps, T), using: &rng)
        let h = try! ProbabilityFlowSampler(schedule: schedule, objective: loaded.objective, method: .heun)
            .sample(from: gridNoise, model: counted, steps: min(pair.heunSteps, T)).x0
        return [d, h]
    }
}
nb.images(concat(heunRows, axis: 0), name: "heun-vs-ddim",
          caption: "Same noise. " + heunPairs.map { "DDIM \($0.ddimSteps) steps, then Heun \($0.heunSteps) steps (\(2 * $0.heunSteps - 1) NFE)" }.joined(separator: "; "),
          columns: columns, scale: 2)

/*:
 ## Time and quality against DDPM

 Every sampler below starts from the same $n$ noises and is scored by the digit
 classifier of chapter 05: recognisable (a class with $p \ge 0.9$), how many
 of the ten classes appear and the largest class share, and FD-digits next to the real-against-real floor at
 the same $n$. With a small $n$ the numbers move by several points from seed to
 seed; `BENCHMARKS.md` has them at $n = 1000$. Your own setting (`--steps`,
 `--eta`, `--spacing`) is the last row.
 */
let n = flags.samples ?? (nb.quick ? 4 : 24)
var tableNoiseRNG = SeededGenerator(seed: nb.options.seed &+ 75)
let tableNoise = Tensor.randn([n, 1, 28, 28], using: &tableNoiseRNG)                  // x_T  [n, 1, 28, 28]
let ddpmSteps = nb.quick ? min(25, T) : T
/// One sampler of the table: a name, its steps, its network evaluations per image, and how to run it.
struct TableSampler { let name: String; let steps: Int; let evaluations: Int; let run: (@escaping Denoiser) -> Tensor }
var tableSamplers: [TableSampler] = [
    TableSampler(name: ddpmSteps == T ? "DDPM (ancestral)" : "DDPM, respaced", steps: ddpmSteps, evaluations: ddpmSteps) { counted in
        let (s, d) = DDPMSampler.respaced(schedule: schedule, steps: ddpmSteps, objective: loaded.objective, model: counted)
        var rng = SeededGenerator(seed: nb.options.seed &+ 76)
        return s.sample(from: tableNoise, model: d, using: &rng).x0
    },
]
// DDPM on as few evaluations as the fastest ODE solver below, for a fair comparison.
let ddpmFewSteps = min(heunPairs.last!.ddimSteps, T)
tableSamplers.append(TableSampler(name: "DDPM, respaced", steps: ddpmFewSteps, evaluations: ddpmFewSteps) { counted in
    let (s, d) = DDPMSampler.respaced(schedule: schedule, steps: ddpmFewSteps, objective: loaded.objective, model: counted)
    var rng = SeededGenerator(seed: nb.options.seed &+ 81)
    return s.sample(from: tableNoise, model: d, using: &rng).x0
})
for S in stepCounts {
    tableSamplers.append(TableSampler(name: "DDIM η = 0", steps: S, evaluations: S) { counted in
        var rng = SeededGenerator(seed: nb.options.seed &+ 77)
        return try! ddim(eta: 0).sample(from: tableNoise, model: counted, steps: S, using: &rng)
    })
}
let etaOneSteps = min(nb.quick ? 10 : 50, T)
tableSamplers.append(TableSampler(name: "DDIM η = 1", steps: etaOneSteps, evaluations: etaOneSteps) { counted in
    var rng = SeededGenerator(seed: nb.options.seed &+ 78)
    return try! ddim(eta: 1).sample(from: tableNoise, model: counted, steps: etaOneSteps, using: &rng)
})
for pair in heunPairs {
    let S = min(pair.heunSteps, T)
    tableSamplers.append(TableSampler(name: "Heun (PF-ODE)", steps: S, evaluations: 2 * S - 1) { counted in
        try! ProbabilityFlowSampler(schedule: schedule, objective: loaded.objective, method: .heun)
            .sample(from: tableNoise, model: counted, steps: S).x0
    })
}
tableSamplers.append(TableSampler(name: "yours: DDIM η = \(Console.number(Double(flags.eta))), \(flags.spacing)", steps: flags.steps, evaluations: flags.steps) { counted in
    var rng = SeededGenerator(seed: nb.options.seed &+ 79)
    return try! yourSampler.sample(from: tableNoise, model: counted, steps: flags.steps, spacing: flags.timestepSpacing, using: &rng)
})

let classifier: DigitClassifier
do { classifier = try DigitClassifier.pretrained() } catch { Notebook.exitWithError("\(error)", code: 66) }
var referenceRNG = SeededGenerator(seed: nb.options.seed &+ 80)
let reference = DigitMetrics.referenceStatistics(SyntheticDigits.batch(n, using: &referenceRNG).images, classifier: classifier)
let floor = DigitMetrics.referenceFloor(n: n, classifier: classifier, using: &referenceRNG)
var qualityRows: [[String]] = []
var timingRows: [[String]] = []
var yourSamples = tableNoise
withProgress("time and quality", evaluations: tableSamplers.reduce(0) { $0 + $1.evaluations } * n) { counted in
    for sampler in tableSamplers {
        let started = Date()
        let images = sampler.run(counted)                                              // [n, 1, 28, 28]
        let seconds = Date().timeIntervalSince(started)
        let report = DigitMetrics.evaluate(samples: images, classifier: classifier, referenceStatistics: reference, referenceFloor: floor)
        let speedUp = Double(tableSamplers[0].evaluations) / Double(sampler.evaluations)
        qualityRows.append([sampler.name, "\(sampler.steps)", "\(sampler.evaluations)", "×" + Console.number(speedUp, digits: 3),
                            String(format: "%.1f %%", 100 * Double(report.recognisability)),
                            "\(report.coverage.counts.filter { $0 > 0 }.count) of 10, \(String(format: "%.0f %%", 100 * (report.classShares.max() ?? 0)))",
                            Console.number(report.frechetDistance, digits: 3)])
        timingRows.append([sampler.name, "\(sampler.steps)", "\(sampler.evaluations)", Console.duration(seconds),
                           Console.number(seconds / Double(n * sampler.evaluations) * 1000, digits: 3)])
        yourSamples = images
    }
}
nb.table(["sampler", "steps", "NFE per image", "speed-up vs \(tableSamplers[0].name.lowercased())", "recognisable", "classes seen, largest share",
          "FD-digits (n = \(n); floor \(Console.number(floor, digits: 3)))"], qualityRows)
// Wall-clock times change from run to run, so they go to the console and timings.md,
// not into notebook.md (which stays byte-identical for a seed).
let timingHeader = ["sampler", "steps", "NFE per image", "wall-clock for \(n) digits", "ms per image and evaluation"]
Console.write("\n" + Console.table(timingHeader, timingRows) + "\n")
try? ("# Chapter 06 — wall-clock times of this run\n\n" + Console.markdownTable(timingHeader, timingRows) + "\n")
    .write(toFile: nb.path("timings.md"), atomically: true, encoding: .utf8)
nb.note("The wall-clock times of your run are on the console and in timings.md: they follow the NFE column, because one batched network evaluation costs the same in every sampler.")
nb.images(yourSamples, name: "your-setting",
          caption: "Your setting: DDIM, S = \(flags.steps), η = \(Console.number(Double(flags.eta))), \(flags.spacing) spacing (n = \(n))",
          columns: min(n, 12), scale: 2)

/*:
 Read the table by its columns. The cost is the story: fifty DDIM steps are twenty
 times cheaper than DDPM's thousand and draw digits about as recognisable. With
 $n = 24$ the recognisability column moves by several points from one seed to the
 next, and FD-digits at this $n$ mostly measures the sample size (see the floor), so
 do not rank samplers that differ by a row or two. `BENCHMARKS.md` repeats the
 comparison with $n = 1000$ and the same noise for every sampler; there, with this
 small and briefly trained model, the deterministic samplers pay a little in
 FD-digits, Heun beats DDIM at the same 19 evaluations, and DDPM on 19 respaced steps does best of the three: its fresh
 noise keeps correcting the network's mistakes, while an exact ODE solve follows
 them faithfully.
 */
nb.finish()
