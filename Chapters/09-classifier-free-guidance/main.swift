/*:
 # Chapter 09 — Classifier-free guidance: fidelity bought with diversity

 The models so far drew *some* digit. A class-conditional model draws the digit you
 ask for: $\varepsilon_\theta(x_t, t, c)$ learns the noise of images of class $c$.
 Asked for a 7, such a model draws sevens — but it draws them with all the variety
 and all the ambiguity of the training sevens, and some of its samples are sevens
 only to the model. Guidance trades some of that variety for samples that are
 unmistakably of their class.

 The idea (Ho & Salimans 2022) is to sample not from $p(x \mid c)$ but from a
 sharpened version of it,

 $$\tilde p_w(x \mid c) \;\propto\; p(x)\, p(c \mid x)^{w},$$

 which for $w = 1$ is Bayes' rule and for $w > 1$ favours images that an implicit
 classifier finds *very* likely to be of class $c$. Its score is

 $$\nabla\log\tilde p_w = \nabla\log p(x) + w\,\big(\nabla\log p(x\mid c) - \nabla\log p(x)\big),$$

 because $\nabla \log p(c \mid x) = \nabla\log p(x \mid c) - \nabla\log p(x)$. Chapter 07
 showed that a noise prediction is a score in disguise,
 $s(x_t) = -\varepsilon(x_t)/\sqrt{1-\bar\alpha_t}$, so the same line in $\varepsilon$ reads

 $$\tilde\varepsilon = \varepsilon_u + w\,(\varepsilon_c - \varepsilon_u),$$

 with $\varepsilon_c = \varepsilon_\theta(x_t, t, c)$ and $\varepsilon_u = \varepsilon_\theta(x_t, t, \varnothing)$.
 The difference $\varepsilon_c - \varepsilon_u$ is what knowing the class adds; guidance
 multiplies it. Pushing along it moves a sample toward the features that tell its
 class apart from the others — and, past $w = 1$, *beyond* where the class's own data
 lie. Both predictions come from one network, trained to ignore the label now and
 then: no separate classifier is needed, hence "classifier-free".
 */
import DiffusionKit
import Exercises
import Foundation

let (nb, flags) = Notebook.withFlags(GuidanceFlags.self, chapter: 9, title: "Classifier-free guidance")

let loaded = DiffusionCheckpoint.conditionalDigitModelForChapter(flags.checkpoint, chapter: 9).loaded
let schedule = loaded.schedule
let T = schedule.timesteps
let classes = loaded.model.classes!
let nullLabel = loaded.model.nullLabel!
guard classes == 10 else { Notebook.exitWithError("chapter 09 needs a model of the 10 digit classes; this one has \(classes)", code: 64) }
// Every setting is checked now, before any long work.
let steps = flags.steps ?? (nb.quick ? 5 : 20)
guard steps <= T else { Notebook.exitWithError("--steps: \(steps) steps is more than the model's T = \(T)", code: 64) }
let yourGuidance: ClassifierFreeGuidance
do {
    yourGuidance = try ClassifierFreeGuidance(scale: flags.scale, rescale: flags.rescale,
                                              interval: try flags.interval.map { try ClassifierFreeGuidance.parseInterval($0, timesteps: T) })
} catch {
    Notebook.exitWithError("\(error)", code: 64)
}
/// A guidance scale as written in the text: 0, 1, 1.5, 7.5.
func wText(_ w: Float) -> String { String(format: "%g", Double(w)) }
let classifier: DigitClassifier
do { classifier = try DigitClassifier.pretrained() } catch { Notebook.exitWithError("\(error)", code: 66) }
let toy = DiffusionCheckpoint.toyModelForChapter("toy-eight-gaussians-cfg.safetensors").loaded
guard toy.model.classes == 8 else { Notebook.exitWithError("toy-eight-gaussians-cfg.safetensors is not a model of the 8 modes", code: 64) }
nb.print("model: class-conditional \(loaded.model.preset.rawValue) (\(classes) classes, null label \(nullLabel)), \(loaded.metadata["step"] ?? "?") training steps, label dropout \(loaded.metadata["label_dropout"] ?? "?"), \(schedule.kind.rawValue) schedule, T = \(T)")

/*:
 ## Whose w? Four conventions for one knob

 Papers and libraries write the same guided prediction with different scales, and
 "no guidance" is a different number in each. This kit uses diffusers' convention
 throughout.

 | source | formula | unconditional | conditional, no guidance | typical |
 |---|---|---|---|---|
 | this kit, diffusers `guidance_scale` | $\varepsilon_u + w(\varepsilon_c - \varepsilon_u)$ | $w = 0$ | $w = 1$ | 3 … 7.5 |
 | Ho & Salimans (2022) | $(1 + w')\,\varepsilon_c - w'\,\varepsilon_u$ | $w' = -1$ | $w' = 0$ | $w' = 0.3 … 4$ |
 | lucidrains `cond_scale` | $\varepsilon_u + s(\varepsilon_c - \varepsilon_u)$ | $s = 0$ | $s = 1$ | 3 … 6 |
 | Dhariwal & Nichol's classifier guidance | $\varepsilon - s\sqrt{1-\bar\alpha}\,\nabla\log p_\phi(c \mid x_t)$ | $s = 0$ | (a separate classifier) | 1 … 10 |

 So Ho & Salimans' $w' = 3$ is our $w = 4$. diffusers pipelines also switch guidance
 *off* when `guidance_scale ≤ 1` and then return the conditional prediction — a value
 of 0.5 silently becomes 1. The kit never does that: $w = 0.5$ is half-way between
 the two predictions. Computing $\tilde\varepsilon$ is **exercise 9.2**.

 ## Training one network for both predictions

 The model of this chapter is the `unet-digits` of chapters 04–07 with a label
 embedding added to its time embedding (11 rows: ten digits and the null label
 $\varnothing = 10$). It was fine-tuned from the unconditional weights for 3,000 steps,
 with the new embedding drawn small, from $\mathcal N(0, 0.3^2)$ — about the size of the
 time embedding, so at step 0 it is close to the unconditional model yet tells the labels
 apart (a table of zeros was tried: after 250 steps the labels were still ignored,
 `BENCHMARKS.md`) — and with **label dropout**: each label is replaced by $\varnothing$ with
 probability $p = 0.1$, so one network learns $p(x \mid c)$ and $p(x)$ at once (Ho &
 Salimans found 0.1–0.2 best and 0.5 worse). Dropping labels is **exercise 9.1**;
 on a thousand labels with hand-drawn uniforms:
 */
var dropRNG = SeededGenerator(seed: nb.options.seed &+ 90)
let someLabels = (0..<1000).map { $0 % 10 }
let uniforms = (0..<1000).map { _ in Float.random(in: 0..<1, using: &dropRNG) }
let dropped = nb.exercise("9.1", mine: { try Chapter09.dropLabels(someLabels, uniforms: uniforms, probability: 0.1, nullLabel: nullLabel) },
                          reference: { dropLabels(someLabels, uniforms: uniforms, probability: 0.1, nullLabel: nullLabel) })
let droppedCount = dropped.filter { $0 == nullLabel }.count
nb.print("labels replaced by ∅ = \(nullLabel): \(droppedCount) of 1000 (expected 100 ± 9.5, the binomial's standard deviation √(1000·0.1·0.9); this draw is \(Console.number((Double(droppedCount) - 100) / 9.49, digits: 2)) standard deviations off)")
nb.print("the rest unchanged: \(zip(dropped, someLabels).allSatisfy { $0 == nullLabel || $0 == $1 })")
nb.print("the command that made the weights: \(loaded.metadata["command"] ?? "(not recorded)")")

/*:
 ## The picture in two dimensions

 Eight Gaussians on a circle, one class per mode, and a small class-conditional
 network (the toy MLP of chapter 04 with a label embedding, `Pretrained/toy-eight-gaussians-cfg.safetensors`).
 First the guided noise prediction turned into a direction of the score,
 $-\tilde\varepsilon$, for class 0 (the mode on the right, at $x = \sqrt 2$) at a
 middle noise level, with $w = 1$ and $w = 5$. Along the ray through the mode (the
 positive $x$-axis) the table finds where the flow stops — the first $x$ at which
 $-\tilde\varepsilon$ no longer points outward — at three noise levels, next to
 where class 0's noised data are centred, $\sqrt{\bar\alpha_t}\,R$. Unguided, the
 flow of a noisy point heads for the middle of all eight modes; with the label
 ($w = 1$) it stops at the centre of class 0's noisy data; guidance moves
 the stop outward, *past* the centre and away from the other classes, most strongly
 at the middle noise levels where the two predictions differ most.
 Then samples for every class at four scales (each colour a requested class, the
 black dots the modes' centres). The sampler is DDIM, η = 0, whose guided step from the network's doubled
 output — split the halves, guide, step — is **exercise 9.3**.
 */
let toySchedule = toy.schedule
let toyConditional = toy.model.conditionalDenoiser!
let toyNull = toy.model.nullLabel!
let view: ClosedRange<Double> = -3.2...3.2
let fieldT = 400
let fieldGrid = 15
let fieldXs = (0..<fieldGrid).map { view.lowerBound + (Double($0) + 0.5) * (view.upperBound - view.lowerBound) / Double(fieldGrid) }
let fieldPoints = Tensor(shape: [fieldGrid * fieldGrid, 2],
                         scalars: fieldXs.flatMap { y in fieldXs.flatMap { x in [Float(x), Float(y)] } })   // [225, 2]
let fieldPanels: [Plot] = [Float(1), 5].map { w in
    let n = fieldGrid * fieldGrid
    let ts = [Int](repeating: fieldT, count: n)
    let (epsC, epsU) = withNoGrad { (toyConditional(fieldPoints, ts, [Int](repeating: 0, count: n)),
                                     toyConditional(fieldPoints, ts, [Int](repeating: toyNull, count: n))) }   // [225, 2] each
    let guided = nb.exercise("9.2", mine: { try Chapter09.guidedPrediction(unconditional: epsU, conditional: epsC, scale: w) },
                             reference: { ClassifierFreeGuidance.guidedPrediction(unconditional: epsU, conditional: epsC, scale: w) })
    let arrows = -0.09 * guided                                                                              // −ε̃, scaled for display
    let field = VectorField(x: (0..<n).map { Double(fieldPoints.scalars[2 * $0]) }, y: (0..<n).map { Double(fieldPoints.scalars[2 * $0 + 1]) },
                            dx: (0..<n).map { Double(arrows.scalars[2 * $0]) }, dy: (0..<n).map { Double(arrows.scalars[2 * $0 + 1]) })
    return Plot.vectorField(field, title: "−ε̃ for class 0, t = \(fieldT), w = \(wText(w))", xRange: view, yRange: view, equalAxes: true)
}
// Where does the guided flow for class 0 stop on the ray through its mode (the x-axis)?
// The first x ≥ 0 at which −ε̃ no longer points outward (its x-component turns ≤ 0).
let rayXs = (0...320).map { Float($0) / 100 }                                          // 0, 0.01, …, 3.2
let rayPoints = Tensor(shape: [rayXs.count, 2], scalars: rayXs.flatMap { [$0, 0] })    // [321, 2]
let rayScales: [Float] = [1, 3, 5]
let rayRows: [[String]] = [100, 400, 700].map { t in
    let m = rayXs.count, ts = [Int](repeating: t, count: m)
    let (epsC, epsU) = withNoGrad { (toyConditional(rayPoints, ts, [Int](repeating: 0, count: m)),
                                     toyConditional(rayPoints, ts, [Int](repeating: toyNull, count: m))) }
    let centre = toySchedule.alphasCumprodDouble[t].squareRoot() * Double(EightGaussians.radius)   // √ᾱ_t·R
    return ["\(t)", Console.number(centre, digits: 2)] + rayScales.map { w in
        let guided = ClassifierFreeGuidance.guidedPrediction(unconditional: epsU, conditional: epsC, scale: w)   // [321, 2]
        let stop = (1..<m).first { -guided.scalars[2 * $0] <= 0 }
        return stop.map { "x = " + Console.number(Double(rayXs[$0]), digits: 2) } ?? "beyond 3.2"
    }
}
nb.table(["t", "class 0's noisy data centred at √ᾱ_t·R"] + rayScales.map { "flow stops at (w = \(wText($0)))" }, rayRows)

let toyScales: [Float] = [0, 1, 3, 7.5]
let toyPerClass = nb.quick ? 40 : 150
let toyLabels = (0..<(8 * toyPerClass)).map { $0 % 8 }
var toyNoiseRNG = SeededGenerator(seed: nb.options.seed &+ 91)
let toyNoise = Tensor.randn([toyLabels.count, 2], using: &toyNoiseRNG)                 // x_T  [N, 2]
let toySteps = nb.quick ? 20 : 50
let toyDDIM = try! DDIMSampler(schedule: toySchedule, objective: toy.objective, clipRange: nil)
/// DDIM (η = 0) with guidance on the toy model: one doubled forward pass per step, then exercise 9.3's step.
func toyGuidedSample(scale w: Float) -> Tensor {
    let ts = TimestepSpacing.trailing.timesteps(steps: toySteps, of: toySchedule.timesteps)
    let b = toyLabels.count
    return withNoGrad {
        var x = toyNoise
        for (i, t) in ts.enumerated() {
            let tPrev: Int? = i + 1 < ts.count ? ts[i + 1] : nil
            let output = toyConditional(concat([x, x], axis: 0), [Int](repeating: t, count: 2 * b),
                                        toyLabels + [Int](repeating: toyNull, count: b))                 // [2B, 2]: ε_c, then ε_u
            let a = toySchedule.alphasCumprodDouble[t], aPrev = tPrev.map { toySchedule.alphasCumprodDouble[$0] } ?? 1
            x = nb.exercise("9.3", mine: { try Chapter09.guidedDDIMStep(xt: x, modelOutput: output, scale: w, alphaBar: a, alphaBarPrev: aPrev) },
                            reference: {
                                let halves = output.split(axis: 0, sizes: [b, b])
                                let guided = ClassifierFreeGuidance.guidedPrediction(unconditional: halves[1], conditional: halves[0], scale: w)
                                return toyDDIM.step(x, t: t, tPrev: tPrev, modelOutput: guided, noise: nil).previous
                            })
        }
        return x
    }
}
let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
let modeSeries = Series("modes", x: EightGaussians.means.map { Double($0.x) }, y: EightGaussians.means.map { Double($0.y) },
                        style: .points, color: "#000000", pointSize: 1.6)
var toyPanels: [Plot] = []
var toyRows: [[String]] = []
for w in toyScales {
    let x = toyGuidedSample(scale: w)                                                    // [N, 2]
    var series: [Series] = []
    for k in 0..<8 {
        let rows = toyLabels.indices.filter { toyLabels[$0] == k }
        series.append(Series(x: rows.map { Double(x.scalars[2 * $0]) }, y: rows.map { Double(x.scalars[2 * $0 + 1]) },
                             style: .points, color: palette[k], pointSize: 0.4))
    }
    toyPanels.append(Plot.scatter(series + [modeSeries], title: "w = \(wText(w))", xRange: view, yRange: view,
                                  equalAxes: true, legend: .none))
    // Per point: its nearest mode, and how far along its own mode's direction it lies.
    var hits = 0, along = 0.0, across = 0.0
    for i in toyLabels.indices {
        let (px, py) = (Double(x.scalars[2 * i]), Double(x.scalars[2 * i + 1]))
        let nearest = (0..<8).min { a, b in
            let (ma, mb) = (EightGaussians.means[a], EightGaussians.means[b])
            return (px - Double(ma.x)) * (px - Double(ma.x)) + (py - Double(ma.y)) * (py - Double(ma.y))
                 < (px - Double(mb.x)) * (px - Double(mb.x)) + (py - Double(mb.y)) * (py - Double(mb.y))
        }!
        if nearest == toyLabels[i] { hits += 1 }
        let angle = Double(toyLabels[i]) * Double.pi / 4
        let (ux, uy) = (cos(angle), sin(angle))
        along += px * ux + py * uy
        across += (px * -uy + py * ux) * (px * -uy + py * ux)
    }
    let count = Double(toyLabels.count)
    toyRows.append([wText(w), String(format: "%.1f %%", 100 * Double(hits) / count),
                    Console.number(along / count - Double(EightGaussians.radius), digits: 3),
                    Console.number((across / count).squareRoot(), digits: 3)])
}
nb.figure(Figure(fieldPanels, columns: 2, panelWidth: 380, panelHeight: 380), name: "toy-guided-field",
          caption: "The guided score direction −ε̃ for class 0 at t = \(fieldT): w = 1 (left) and w = 5 (right)")
nb.figure(Figure(toyPanels, columns: 4, panelWidth: 300, panelHeight: 300), name: "toy-guided-samples",
          caption: "\(toyLabels.count) samples (\(toyPerClass) per class, colour = requested class) from the same noise, DDIM \(toySteps) steps, at w = 0, 1, 3, 7.5")
nb.table(["w", "nearest mode = requested", "mean overshoot along the mode's direction (R = \(Console.number(Double(EightGaussians.radius), digits: 3)))", "spread across it (σ = \(Console.number(Double(EightGaussians.std), digits: 3)))"], toyRows)

/*:
 At $w = 0$ the labels are ignored and the colours mix on every mode. At $w = 1$
 nearly every point lands on its own mode, spread about as the data are
 ($\sigma \approx 0.18$). Beyond that the points move *outward*, past the centre of
 their mode (the overshoot column), and each cluster collapses onto a thin streak
 along the ray through its mode: $p(c \mid x)^w$ grows the farther a point is from the
 other classes, so guidance rewards the most extreme members of a class, and at
 $w = 7.5$ the streaks reach far outside the data. That is the whole trade-off of this
 chapter in one picture: samples become more clearly "of the class" and less like
 the data.

 ## The seed course's exercise: ten classes, four scales, the same noise

 One row per digit, the same $k$ noises in every grid, sampled with DDIM ($\eta = 0$)
 at $w = 0, 1, 3, 7.5$. With the noise held fixed, what changes from grid to grid is
 the guidance alone.
 */
let perClass = flags.samples ?? (nb.quick ? 2 : 6)
let sweepLabels = (0..<(classes * perClass)).map { $0 / perClass }                   // class-major: row c has perClass digits
let n = sweepLabels.count
var noiseRNG = SeededGenerator(seed: nb.options.seed &+ 92)
let sweepNoise = Tensor.randn([n, 1, 28, 28], using: &noiseRNG)                      // x_T  [n, 1, 28, 28]
let ddim = try! DDIMSampler(schedule: schedule, objective: loaded.objective)

/// Counts the images the network evaluates, into the current progress bar.
final class EvaluationCounter { var items = 0; var bar: ProgressBar? }
let counter = EvaluationCounter()
let countedModel: ConditionalDenoiser = { x, t, y in
    let output = loaded.model(x, t, labels: y)
    counter.items += x.shape[0]
    counter.bar?.update(counter.items)
    return output
}
/// Runs `body` with a progress bar over `evaluations` network evaluations (images).
func withProgress<R>(_ label: String, evaluations: Int, _ body: () -> R) -> R {
    counter.items = 0
    counter.bar = nb.progress(label, total: evaluations, unit: "img")
    defer { counter.bar?.finish(); counter.bar = nil }
    return body()
}

/// DDIM samples for `labels` from `noise` under `guidance`, with the share of x̂₀
/// values the sampler had to clip to [−1, 1] (over all steps).
func sampleDigits(_ guidance: ClassifierFreeGuidance, noise: Tensor, labels: [Int], steps: Int) -> GuidedSamples {
    let guided = guidance.denoiser(countedModel, labels: labels, nullLabel: nullLabel, schedule: schedule, objective: loaded.objective)
    var clipped = 0, seen = 0
    let watched: Denoiser = { x, t in
        let output = guided(x, t)
        let x0 = loaded.objective.split(output, xt: x, t: t, schedule: schedule).x0    // x̂₀ before clipping  [B, 1, 28, 28]
        clipped += x0.scalars.reduce(0) { $0 + (abs($1) > 1 ? 1 : 0) }
        seen += x0.count
        return output
    }
    var rng = SeededGenerator(seed: nb.options.seed &+ 93)                            // η = 0 draws nothing
    let before = counter.items
    let images = try! ddim.sample(from: noise, model: watched, steps: steps, using: &rng)
    return GuidedSamples(images: images, labels: labels, clippedShare: Double(clipped) / Double(max(seen, 1)),
                         evaluations: counter.items - before)
}

let sweepScales: [Float] = nb.quick ? [0, 1, 3, 7.5] : [0, 1, 1.5, 2, 3, 5, 7.5]
let guidances = sweepScales.map { try! ClassifierFreeGuidance(scale: $0) }
let sweepEvaluations = guidances.map { g in TimestepSpacing.trailing.timesteps(steps: steps, of: T).map { g.evaluations(at: $0, batch: n) }.reduce(0, +) }.reduce(0, +)
let sweep = withProgress("sweep over w", evaluations: sweepEvaluations) {
    guidances.map { sampleDigits($0, noise: sweepNoise, labels: sweepLabels, steps: steps) }
}
for (w, run) in zip(sweepScales, sweep) where [0, 1, 3, 7.5].contains(w) {
    let label = wText(w).replacingOccurrences(of: ".", with: "")
    nb.images(run.images, name: "grid-w\(label)", caption: "w = \(wText(w)): rows are the requested digits 0–9, \(perClass) samples each, DDIM \(steps) steps, the same noise in every grid",
              columns: perClass, scale: 2)
}

/*:
 At $w = 0$ the rows are not their digits: the network was told nothing and draws
 whatever each noise suggests. At $w = 1$ most rows are right, but the model's own
 doubts show: a row may hold a malformed digit or one of another class. At $w = 3$
 the rows are their digits and the strokes are firmer; at $w = 7.5$ they are bold,
 high-contrast and increasingly alike within a row. Each cell keeps its noise, so
 you can follow one sample from grid to grid: guidance keeps its position and rough
 shape and changes what it becomes.

 ## The sweep, measured

 Every grid above is part of a sweep over $w$, scored against as many real digits of
 the same classes. The classifier is the one of chapter 05 — the model was never
 guided by it (guiding with the classifier that judges the result would grade its
 own homework).

 - **accuracy**: the share of samples the classifier reads as the requested class;
 - **FD-digits**, overall and per class (the mean over classes), next to its floor,
   the FD between two real sets of the same size;
 - **diversity**: per class, the trace of the generated features' covariance over
   the real one's, averaged (1: as varied as real digits);
 - **precision / recall** (Kynkäänniemi et al. 2019, $k = 3$): the share of samples
   that fall within the real digits' feature manifold, and of real digits that fall
   within the samples';
 - **density / coverage** (Naeem et al. 2020, $k = 5$): how many real neighbourhoods
   a sample falls into on average (above 1: it crowds the densest regions), and the
   share of real neighbourhoods that hold any sample;
 - **saturation**: the share of final pixels with $|x| \ge 0.98$ (real digits score
   high here: their background is exactly $-1$), the share of *ink* pixels ($x > 0$)
   burnt to $x \ge 0.98$, and the share of $\hat x_0$ values the sampler had to clip
   to $[-1, 1]$ on the way;
 - **attribute spread**: the standard deviation, within a class, of the slant and of
   the stroke thickness, over the real digits' (1: as varied).
 */
var realRNG = SeededGenerator(seed: nb.options.seed &+ 94)
let realReference = SyntheticDigits.batch(n, classes: sweepLabels, using: &realRNG).images      // [n, 1, 28, 28]
let realSecond = SyntheticDigits.batch(n, classes: sweepLabels, using: &realRNG).images         // [n, 1, 28, 28]
let measures = ConditionalDigitMetrics(classifier: classifier, real: realReference, labels: sweepLabels, classes: classes)
/// Every score of a guided run.
func measure(_ run: GuidedSamples, with metrics: ConditionalDigitMetrics = measures) -> ConditionalDigitMetrics.Scores {
    metrics.scores(run.images, requested: run.labels, clippedShare: run.clippedShare)
}
let floorRow = measures.scores(realSecond, requested: sweepLabels)
let sweepRows = sweep.map { measure($0) }
nb.table(ConditionalDigitMetrics.header("samples (n = \(n))"),
         [["real vs real (floor)"] + floorRow.cells] + zip(sweepScales, sweepRows).map { ["w = \(wText($0))"] + $1.cells })
let wAxis = sweepScales.map(Double.init)
func curve(_ title: String, _ value: (ConditionalDigitMetrics.Scores) -> Double, color: String? = nil) -> Series {
    Series(title, x: wAxis, y: sweepRows.map(value), style: .linesPoints, color: color)
}
func floorLine(_ title: String, _ value: Double) -> Series {
    Series(title, x: [wAxis.first!, wAxis.last!], y: [value, value], style: .lines, color: "#888888", lineWidth: 1)
}
nb.figure(Figure([
    Plot.lines([curve("requested class", { 100 * $0.accuracy })], title: "Accuracy (%)", xLabel: "w", yRange: 0...100, legend: .bottomRight),
    Plot.lines([curve("overall", { $0.fd }), curve("per class (mean)", { $0.fdPerClass }),
                floorLine("floor, overall", floorRow.fd), floorLine("floor, per class", floorRow.fdPerClass)],
               title: "FD-digits (lower is better)", xLabel: "w"),
    Plot.lines([curve("feature diversity", { $0.diversity }), curve("slant spread", { $0.slantSpread }),
                curve("thickness spread", { $0.thicknessSpread }), floorLine("real", 1)],
               title: "Diversity within a class (real = 1)", xLabel: "w"),
    Plot.lines([curve("precision", { $0.precision }), curve("recall", { $0.recall })], title: "Precision and recall (k = 3)", xLabel: "w", yRange: 0...1.05),
    Plot.lines([curve("density", { $0.density }), curve("coverage", { $0.coverage })], title: "Density and coverage (k = 5)", xLabel: "w"),
    Plot.lines([curve("final |x| ≥ 0.98", { 100 * $0.saturation }), curve("ink ≥ 0.98", { 100 * $0.inkSaturation }),
                curve("x̂₀ clipped", { 100 * $0.clipped }), floorLine("real digits", 100 * floorRow.saturation),
                floorLine("", 100 * floorRow.inkSaturation)],
               title: "Saturation (%)", xLabel: "w", yRange: 0...100, legend: .bottomRight),
], columns: 3, panelWidth: 420, panelHeight: 320), name: "sweep",
          caption: "Every measure against the guidance scale w (n = \(n), \(perClass) per class, DDIM \(steps) steps, the same noise at every w); grey lines: real digits")
let bestFD = zip(sweepScales, sweepRows).min { $0.1.fd < $1.1.fd }!
let topAccuracy = sweepRows.map(\.accuracy).max()!
let saturatesAt = zip(sweepScales, sweepRows).first { $0.1.accuracy >= topAccuracy - 0.02 }!.0
nb.print("FD-digits is lowest at w = \(wText(bestFD.0)) (\(Console.number(bestFD.1.fd, digits: 3)); floor \(Console.number(floorRow.fd, digits: 3)))")
nb.print("accuracy reaches within 2 points of its best (\(String(format: "%.1f %%", 100 * topAccuracy))) at w = \(wText(saturatesAt))")

/*:
 Read the plots left to right. Accuracy climbs from chance at $w = 0$ (about 10 %:
 the requested class is ignored) and saturates after a little guidance (the line
 above says where). FD has its minimum near $w = 1$: at $w = 0$ the *overall* set of
 digits is fine (it is the unconditional model) but per class it is far off, because
 the rows hold random digits; beyond the minimum both FDs rise steadily as the
 samples leave the data. Every diversity measure falls with $w$ — the feature
 diversity within a class, the spread of slant and of thickness, recall and coverage:
 the samples of a class become more alike than real digits of that class. Fidelity
 should rise in exchange, and it does, but not for long: at $n = 1000$
 (`BENCHMARKS.md`) precision rises from 0.79 at $w = 1$ to 0.85 at $w = 3$ (density
 0.84 → 0.92, the samples crowd into the densest regions of their class) and falls
 back to 0.74 at $w = 7.5$ (density 0.62), below where it started — bold, extrapolated strokes are
 confidently a "7" to the classifier, yet they lie outside the neighbourhoods of
 real sevens. With 60 samples, as here, precision moves within its noise (one
 sample is 0.017). Saturation tells why: the
 extrapolated $\hat x_0$ leaves $[-1, 1]$ more and more often (about half of its
 values at $w = 7.5$), and the sampler's clip at every step is what keeps the images
 in range. More of the ink ends at pure white too — still less than in the real
 digits, which are drawn with a solid white pen; here the harm is in the shapes, not
 yet in the pixel values. With this $n$ the numbers move by a few points from seed to seed;
 `BENCHMARKS.md` has the sweep at a larger $n$.

 ## Guidance is not free: twice the evaluations

 A guided step evaluates the network twice (as one doubled batch). At equal cost,
 is it better to guide, or to spend the evaluations on more unguided steps? Three
 runs from the same noise:
 */
let halfSteps = max(1, steps / 2)
let guidedHalf = withProgress("equal evaluations", evaluations: 2 * halfSteps * n) {
    sampleDigits(try! ClassifierFreeGuidance(scale: 3), noise: sweepNoise, labels: sweepLabels, steps: halfSteps)
}
let unguided = sweep[sweepScales.firstIndex(of: 1)!], guidedFull = sweep[sweepScales.firstIndex(of: 3)!]
let costRows: [(String, Int, GuidedSamples)] = [("w = 1 (no guidance)", steps, unguided), ("w = 3", halfSteps, guidedHalf), ("w = 3", steps, guidedFull)]
nb.table(["sampler", "DDIM steps", "network evaluations per image", "accuracy", "FD-digits", "precision", "recall"],
         costRows.map { name, s, run in
             let row = measure(run)
             return [name, "\(s)", "\(run.evaluations / n)", String(format: "%.1f %%", 100 * row.accuracy), Console.number(row.fd, digits: 3),
                     Console.number(row.precision, digits: 3), Console.number(row.recall, digits: 3)]
         })

/*:
 At the same cost, guidance at half the steps buys accuracy (the class information
 is worth more than a finer path), and pays for it in FD and recall, as the sweep
 predicted. Halving the steps itself costs little here: the guided rows at 10 and 20
 steps are close. Which side of the trade you want depends on what the samples are
 for — which is one reason large systems guide only where it helps.

 ## At w = 7.5: two later fixes

 Strong guidance saturates. Two fixes from the literature, at the same noise:

 - **guidance interval** (Kynkäänniemi et al. 2024): guide only at middle noise
   levels. At high noise guidance mostly collapses variety (the rough layout is chosen
   there), and at low noise it only over-sharpens; they guide for
   $\sigma_t = \sqrt{(1-\bar\alpha_t)/\bar\alpha_t} \in (0.28, 5.42]$, which on this
   schedule is the timesteps printed below. Outside the interval a step costs one
   evaluation, not two.
 - **CFG rescale** (Lin et al. 2024, §3.4): rescale the guided $\hat x_0$ so that its
   standard deviation matches the conditional $\hat x_0$'s, and blend by $\varphi$
   (they use 0.7): the sharpening stays, the contrast blow-up goes.
 */
let interval = try! ClassifierFreeGuidance.interval(sigmaLow: 0.28, sigmaHigh: 5.42, schedule: schedule)
nb.print("σ ∈ (0.28, 5.42] is t ∈ \(interval.lowerBound)…\(interval.upperBound) of the \(schedule.kind.rawValue) schedule, T = \(T)")
let strongVariants: [(String, ClassifierFreeGuidance)] = [
    ("interval", try! ClassifierFreeGuidance(scale: 7.5, interval: interval)),
    ("rescale φ = 0.7", try! ClassifierFreeGuidance(scale: 7.5, rescale: 0.7)),
    ("interval + rescale", try! ClassifierFreeGuidance(scale: 7.5, rescale: 0.7, interval: interval)),
]
let strongEvaluations = strongVariants.map { v in TimestepSpacing.trailing.timesteps(steps: steps, of: T).map { v.1.evaluations(at: $0, batch: n) }.reduce(0, +) }.reduce(0, +)
let strongRuns = withProgress("w = 7.5 fixes", evaluations: strongEvaluations) {
    strongVariants.map { sampleDigits($0.1, noise: sweepNoise, labels: sweepLabels, steps: steps) }
}
let plainStrong = sweep[sweepScales.firstIndex(of: 7.5)!]
let strongAll = [("plain", plainStrong)] + zip(strongVariants.map(\.0), strongRuns).map { ($0, $1) }
nb.table(["w = 7.5", "evaluations per image"] + ConditionalDigitMetrics.header("").dropFirst(),
         strongAll.map { name, run in [name, "\(run.evaluations / n)"] + measure(run).cells })
/// The first sample of every class, as one row of ten digits.
func firstOfEachClass(_ images: Tensor) -> Tensor {
    concat((0..<classes).map { images.slice(axis: 0, ($0 * perClass)..<($0 * perClass + 1)) }, axis: 0)   // [10, 1, 28, 28]
}
nb.images(concat(strongAll.map { firstOfEachClass($0.1.images) } + [firstOfEachClass(sweep[sweepScales.firstIndex(of: 1)!].images)], axis: 0),
          name: "strong-guidance-fixes",
          caption: "w = 7.5, the same noise. Rows: plain CFG, guidance interval, rescale φ = 0.7, both; last row w = 1 for comparison",
          columns: classes, scale: 3)

/*:
 Compare the saturation columns first: rescale brings the burnt-white ink and the
 clipped $\hat x_0$ values down, and the strokes get their grey edges back. The
 interval leaves the noisiest and the cleanest steps unguided: it recovers much of
 the FD, recall and coverage lost to $w = 7.5$ while keeping the accuracy, and saves
 a quarter of the evaluations. The two combine. Neither changes the class of a
 sample — the rows above hold the same digits — only how far past the data it is
 pushed.

 ## Your setting

 `--scale w`, `--rescale φ`, `--interval LOW-HIGH` and `--class c` set your own run
 (default: $w = 3$, every digit), scored like the sweep.
 */
let yourLabels = flags.digit.map { d in [Int](repeating: d, count: n) } ?? sweepLabels
let yourEvaluations = TimestepSpacing.trailing.timesteps(steps: steps, of: T).map { yourGuidance.evaluations(at: $0, batch: n) }.reduce(0, +)
// The default setting (w = 3, every digit) is part of the sweep already: reuse it.
let sweepTwin = flags.digit == nil ? zip(guidances, sweep).first { $0.0 == yourGuidance }?.1 : nil
let yourRun = sweepTwin ?? withProgress("your setting", evaluations: yourEvaluations) {
    sampleDigits(yourGuidance, noise: sweepNoise, labels: yourLabels, steps: steps)
}
let yourReference = flags.digit == nil ? measures : ConditionalDigitMetrics(
    classifier: classifier, real: { var g = SeededGenerator(seed: nb.options.seed &+ 95); return SyntheticDigits.batch(n, classes: yourLabels, using: &g).images }(),
    labels: yourLabels, classes: classes)
let yourName = "w = \(wText(flags.scale)), φ = \(wText(flags.rescale))\(flags.interval.map { ", t ∈ \($0)" } ?? "")\(flags.digit.map { ", class \($0)" } ?? "")"
nb.table(["yours", "evaluations per image"] + ConditionalDigitMetrics.header("").dropFirst(),
         [[yourName, "\(yourRun.evaluations / n)"] + measure(yourRun, with: yourReference).cells])
nb.images(yourRun.images, name: "your-setting", caption: "Your setting: \(yourName), DDIM \(steps) steps (n = \(n))",
          columns: perClass, scale: 2)

/*:
 Guidance is why text-to-image models follow their prompts: the same formula, with a
 text encoder's embedding in place of a digit's label and $w \approx 7.5$ by default.
 Chapter 08 builds the latent, prompted version.
 */
nb.finish()
