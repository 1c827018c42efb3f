/*:
 # Chapter 07 — The score-based view

 Chapters 04–06 trained a network to predict the *noise* in $x_t$ and then undid the
 noising step by step. This chapter looks at the same network from another side:
 it also predicts the **score** $\nabla_x \log p_t(x)$, the direction in which the
 density of noised data rises fastest. With a score one can sample by Langevin
 dynamics (Song & Ermon 2019), anneal over noise levels, correct a sampler as it goes,
 or follow a deterministic ODE from noise to data (Song et al. 2021; Karras et al.
 2022). On the 2-D eight-Gaussians toy the *exact* score is known in closed form, so
 every learned arrow can be checked; at the end the ODE view samples digits.
 */
import DiffusionKit
import Exercises
import Foundation

let (nb, flags) = Notebook.withFlags(ScoreFlags.self, chapter: 7, title: "The score-based view")

/*:
 ## The toy, its model, and its exact score

 The data are eight Gaussians of standard deviation $s = \sqrt2/8$ on a circle of
 radius $\sqrt2$ (`EightGaussians`). Noising keeps a Gaussian mixture a Gaussian
 mixture: $x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon$ has
 components centred at $\sqrt{\bar\alpha_t}\,\mu_k$ with variance
 $v_t = \bar\alpha_t s^2 + 1 - \bar\alpha_t$. Its score is a pull towards each centre,
 weighted by how likely that component is to have produced $x$:

 $$\nabla \log p_t(x) = \sum_k r_k(x)\,\frac{\sqrt{\bar\alpha_t}\,\mu_k - x}{v_t},\qquad
   r_k(x) = \frac{w_k\, e^{-\lVert x - \sqrt{\bar\alpha_t}\mu_k\rVert^2/2v_t}}{\sum_j w_j\, e^{-\lVert x - \sqrt{\bar\alpha_t}\mu_j\rVert^2/2v_t}} .$$

 That formula is **exercise 7.3**. The model is the pretrained `toy-eight-gaussians`
 (`kit-pretrain toy --dataset eight-gaussians --steps 6000 --seed 1`), trained on
 exactly these points with the linear schedule, T = 1000.
 */
let (toy, toyPath) = DiffusionCheckpoint.toyModelForChapter("toy-eight-gaussians.safetensors")
guard toy.metadata["dataset"] == "eight-gaussians", toy.objective == .epsilon else {
    Notebook.exitWithError("\(toyPath) was trained on \(toy.metadata["dataset"] ?? "?") predicting \(toy.objective.rawValue); chapter 07 needs the eight-Gaussians ε-model", code: 66)
}
let schedule = toy.schedule
let T = schedule.timesteps
let data = GaussianMixture(means: EightGaussians.means.map { [Double($0.x), Double($0.y)] },
                           std: Double(EightGaussians.std), weights: EightGaussians.weights.map(Double.init))
let pointCount = flags.points ?? (nb.quick ? 500 : 2000)
let view: ClosedRange<Double> = -2.6...2.6
nb.print("model: toy-mlp, \(toy.metadata["step"] ?? "?") training steps on eight-gaussians, \(schedule.kind.rawValue) schedule, T = \(T), predicts ε")
nb.print("data: 8 components, radius \(Console.number(Double(EightGaussians.radius))), std \(Console.number(data.std)), weights ⅛")

/// ᾱ_t in Double.
func alphaBar(_ t: Int) -> Double { schedule.alphasCumprodDouble[t] }

/// The learned score at level t: ε̂ from the network, turned into a score (exercise 7.1).
func learnedScore(_ x: Tensor, t: Int) -> Tensor {
    let ts = [Int](repeating: t, count: x.shape[0])
    let epsilon = withNoGrad { toy.model(x, ts) }                                          // ε̂  [N, 2]
    return nb.exercise("7.1", mine: { try Chapter07.scoreFromEpsilon(epsilon, t: ts, alphasCumprod: schedule.alphasCumprod) },
                       reference: { schedule.score(fromEpsilon: epsilon, t: ts) })               // [N, 2]
}

/// The exact score of p_t, the noised mixture (exercise 7.3).
func exactScore(_ x: Tensor, t: Int) -> Tensor {
    let noised = data.noised(alphaBar: alphaBar(t))
    return nb.exercise("7.3", mine: {
        try Chapter07.mixtureScore(x, means: Tensor(shape: [8, 2], scalars: noised.means.flatMap { $0.map(Float.init) }),
                                   std: Float(noised.std), weights: Tensor(shape: [8], scalars: noised.weights.map(Float.init)))
    }, reference: { noised.score(x) })                                                      // [N, 2]
}

/// The density of p_t on a grid over the view, as a heat map background.
func densityMap(_ t: Int, resolution: Int = 90) -> HeatMap {
    let noised = data.noised(alphaBar: alphaBar(t))
    return HeatMap(x: view, y: view, resolution: resolution, colormap: .viridis, label: "p_t(x)") { x, y in
        exp(noised.logDensity([x, y]))
    }
}

/// Points [N, 2] drawn from p_t: data, then noise, from `rng`.
func noisedData(_ n: Int, t: Int, using rng: inout SeededGenerator) -> Tensor {
    let x0 = EightGaussians.sample(n, using: &rng)                                          // [N, 2]
    let noise = Tensor.randn([n, 2], using: &rng)
    return schedule.addNoise(x0, noise: noise, t: [Int](repeating: t, count: n))            // [N, 2]
}

let modes = ModeMeasures(means: data.means, std: data.std)

/*:
 ## ε and the score are the same prediction

 Given $x_t$, the best guess of the noise is $\mathbb E[\varepsilon \mid x_t]$, and
 Tweedie's formula says the score is that guess, rescaled and turned around:

 $$\nabla \log p_t(x_t) = -\frac{\mathbb E[\varepsilon \mid x_t]}{\sqrt{1-\bar\alpha_t}}
   \quad\Longrightarrow\quad s_\theta(x_t, t) = -\frac{\hat\varepsilon_\theta(x_t, t)}{\sqrt{1-\bar\alpha_t}} .$$

 (**Exercise 7.1**.) The table follows one point, $x = (1.0, 0.6)$, in the gap between
 two modes, through the noise levels: the network's $\hat\varepsilon$, the score it
 implies, and the exact score of $p_t$. At $t = 999$ the noised data is almost
 $\mathcal N(0, I)$, whose score is $-x$: the network answers $\hat\varepsilon \approx x$,
 and the score is $-x$. As $t$ falls, the same division by $\sqrt{1-\bar\alpha_t}$ turns
 an $\hat\varepsilon$ of size below 1 into a score of tens — the density is steep once
 the modes are sharp — and magnifies every error of $\hat\varepsilon$ by the same factor
 (100 at $t = 0$, where the learned score here is wrong by more than its own size).
 */
let probe = Tensor(shape: [1, 2], scalars: [1.0, 0.6])                                  // [1, 2]
var epsilonRows: [[String]] = []
for t in [999, 500, 250, 100, 50, 10, 0] {
    let epsilon = withNoGrad { toy.model(probe, [t]) }                                  // ε̂  [1, 2]
    let learned = learnedScore(probe, t: t), exact = exactScore(probe, t: t)
    let error = ((learned - exact).scalars.map { Double($0 * $0) }.reduce(0, +)).squareRoot()
    let size = (exact.scalars.map { Double($0 * $0) }.reduce(0, +)).squareRoot()
    epsilonRows.append(["\(t)", Console.number(alphaBar(t)), Console.number((1 - alphaBar(t)).squareRoot()),
                        pair(epsilon), pair(learned), pair(exact), Console.number(error / size, digits: 2)])
}
nb.table(["t", "ᾱ_t", "√(1−ᾱ_t)", "ε̂", "−ε̂/√(1−ᾱ_t)", "exact score", "relative error"], epsilonRows)

/*:
 ## Score fields: learned against exact

 Each arrow shows the score at a grid point, over the density of $p_t$. Within a
 column the exact (top) and learned (middle) arrows share one scale; the arrows are
 drawn $\sqrt{1-\bar\alpha_t}$ times the score — that is, $-\varepsilon$ — so that every
 noise level fits on the page. At $t = 400$ the modes have merged into one broad hill
 and every arrow points to its middle; at $t = 100$ the hill is a ring with eight bumps;
 by $t = 25$ there are eight separate basins, and the exact arrows flip direction
 across the ridges between neighbouring modes, where two components are equally likely.

 The bottom row is the error in the units the network was trained in,
 $\lVert\hat\varepsilon - \varepsilon^{\star}\rVert$ with $\varepsilon^{\star} = -\sqrt{1-\bar\alpha_t}\,\nabla\log p_t$.
 The training loss only asks for accuracy where $x_t$ lands, so the error is small on
 and near the ring and grows in the corners, where at small $t$ no training point ever
 was (at $t = 5$ the learned arrows there are far too long). It also lines up along the
 ridges: the exact field changes abruptly there, and a smooth network cannot follow.
 The table measures the error where it matters, with $x_t$ drawn from $p_t$ itself:
 $\sqrt{\mathbb E\lVert s_\theta - \nabla\log p_t\rVert^2 / \mathbb E\lVert\nabla\log p_t\rVert^2}$.
 In $\varepsilon$ units the error stays small at every level (an eighth of the noise or
 less); in score units it is that error divided by $\sqrt{1-\bar\alpha_t}$, which at
 $t = 5$ makes it half the size of the score itself.
 */
let fieldLevels = [400, 100, 25, 5]
let arrowGrid = 15
var fieldPanels: [Plot] = [], errorPanels: [Plot] = [], learnedPanels: [Plot] = []
var fieldRows: [[String]] = []
let gridSpacing = (view.upperBound - view.lowerBound) / Double(arrowGrid)            // between arrows
for (level, t) in fieldLevels.enumerated() {
    let sigma = (1 - alphaBar(t)).squareRoot()
    let positions = gridPoints(arrowGrid, over: view)                                                   // [225, 2]
    let exact = exactScore(positions, t: t) * Float(sigma)                                  // −ε*  [225, 2]
    let learned = learnedScore(positions, t: t) * Float(sigma)                              // −ε̂  [225, 2]
    let longest = rowNorms(exact).max() ?? 1
    let scaling = VectorField.Scaling.factor(0.9 * gridSpacing / max(longest, 1e-12))
    let xs = (0..<(arrowGrid * arrowGrid)).map { Double(positions.scalars[2 * $0]) }
    let ys = (0..<(arrowGrid * arrowGrid)).map { Double(positions.scalars[2 * $0 + 1]) }
    func field(_ v: Tensor) -> VectorField {
        VectorField(x: xs, y: ys, dx: (0..<xs.count).map { Double(v.scalars[2 * $0]) },
                    dy: (0..<xs.count).map { Double(v.scalars[2 * $0 + 1]) }, scaling: scaling)
    }
    let background = densityMap(t)
    fieldPanels.append(Plot.vectorField(field(exact), over: background, title: "exact, t = \(t)", xRange: view, yRange: view, equalAxes: true))
    learnedPanels.append(Plot.vectorField(field(learned), over: background, title: "learned, t = \(t)", xRange: view, yRange: view, equalAxes: true))
    // The error map on a finer grid, in ε units.
    let errorResolution = 60
    let finePoints = gridPoints(errorResolution, over: view)                                            // [3600, 2]
    let difference = (learnedScore(finePoints, t: t) - exactScore(finePoints, t: t)) * Float(sigma)   // ε* − ε̂  [3600, 2]
    let errorValues = rowNorms(difference)
    errorPanels.append(Plot.heatMap(HeatMap(rows: errorResolution, columns: errorResolution, values: errorValues, x: view, y: view,
                                            colormap: .magma, range: 0...1, label: "‖ε̂ − ε*‖"),
                                    title: "error in ε units, t = \(t)", equalAxes: true))
    // Density-weighted error: x_t drawn from p_t.
    var levelRNG = SeededGenerator(seed: nb.options.seed &+ 100 &+ UInt64(level))
    let xt = noisedData(4000, t: t, using: &levelRNG)                                       // [4000, 2]
    let s = exactScore(xt, t: t), sHat = learnedScore(xt, t: t)
    let squaredError = (sHat - s).scalars.map { Double($0) * Double($0) }.reduce(0, +) / 4000
    let squaredSize = s.scalars.map { Double($0) * Double($0) }.reduce(0, +) / 4000
    fieldRows.append(["\(t)", Console.number(sigma), Console.number(squaredSize.squareRoot()),
                      Console.number(squaredError.squareRoot()), Console.number((squaredError / squaredSize).squareRoot(), digits: 2),
                      Console.number(sigma * squaredError.squareRoot(), digits: 2)])
}
nb.figure(Figure(fieldPanels + learnedPanels + errorPanels, columns: fieldLevels.count, panelWidth: 330, panelHeight: 300, fontSize: 9),
          name: "score-fields",
          caption: "Score fields at t = \(fieldLevels.map(String.init).joined(separator: ", ")): exact (top), learned (middle), drawn as −ε = √(1−ᾱ)·score over the density of p_t; bottom: ‖ε̂ − ε*‖ (colour scale clipped at 1)")
nb.table(["t", "√(1−ᾱ_t)", "RMS ‖score‖", "RMS error", "relative error", "RMS error in ε units"], fieldRows)

/*:
 ## Langevin dynamics: sampling with a score alone

 A score is all Langevin dynamics needs. Starting anywhere, repeat

 $$x \leftarrow x + \delta\, \nabla\log p(x) + \sqrt{2\delta}\, z,\qquad z \sim \mathcal N(0, I)$$

 (**exercise 7.2**; Song & Ermon write $\tfrac{\epsilon}{2}\nabla\log p + \sqrt\epsilon\, z$,
 the same step with $\epsilon = 2\delta$). The drift climbs the density, the noise keeps
 the walkers from all piling onto the peaks; for small $\delta$ and many steps their
 distribution tends to $p$. Here the walkers use the learned score at $t = 10$ (almost
 clean data) and start from a blob in the upper right, $\mathcal N((1, 1), 0.6^2 I)$ —
 not from where the data is. The lines follow eight walkers.

 They find the nearest modes quickly, and then mostly stay: crossing the
 low-density gap to another mode takes a run of unlikely noise draws. The share of
 walkers per mode (table below) reflects where they *started*, not the equal weights of
 the data — one of the two problems Song & Ermon point out. The other is visible in
 the previous figure: the score is poorly learned in the empty regions the walkers
 cross first.
 */
let langevinT = 10
let langevinV = data.noised(alphaBar: alphaBar(langevinT)).std
let langevinDelta = Float(0.05 * langevinV * langevinV)
let langevinSteps = nb.quick ? 150 : 500
let tracked = 8
var startRNG = SeededGenerator(seed: nb.options.seed &+ 1)
let blob = Tensor(shape: [1, 2], scalars: [1, 1]) + 0.6 * Tensor.randn([pointCount, 2], using: &startRNG)   // [N, 2]
var walkers = blob
var paths = [[(Double, Double)]](repeating: [], count: tracked)
func recordPaths(_ x: Tensor) {
    for p in 0..<tracked { paths[p].append((Double(x.scalars[2 * p]), Double(x.scalars[2 * p + 1]))) }
}
recordPaths(walkers)
var langevinRNG = SeededGenerator(seed: nb.options.seed &+ 2)
let langevinBar = nb.progress("Langevin, \(pointCount) walkers", total: langevinSteps, unit: "step")
for k in 1...langevinSteps {
    let score = learnedScore(walkers, t: langevinT)                                        // [N, 2]
    let z = Tensor.randn(walkers.shape, using: &langevinRNG)
    walkers = nb.exercise("7.2", mine: { try Chapter07.langevinStep(walkers, score: score, stepSize: langevinDelta, noise: z) },
                          reference: { langevinStep(walkers, score: score, stepSize: langevinDelta, noise: z) })
    recordPaths(walkers)
    langevinBar.update(k)
}
langevinBar.finish()
let pathColors = ["#ff5555", "#ffaa00", "#ffff55", "#55ff55", "#55ffff", "#5599ff", "#ff55ff", "#ffffff"]
let pathSeries = paths.enumerated().map { p, path in
    Series(x: path.map(\.0), y: path.map(\.1), style: .lines, color: pathColors[p % pathColors.count], lineWidth: 1)
}
let startSeries = Series(x: paths.map { $0[0].0 }, y: paths.map { $0[0].1 }, style: .points, color: "#ffffff", pointSize: 1.2)
let pathsPlot = Plot([.heatMap(densityMap(0))] + pathSeries.map { .series($0) } + [.series(startSeries)],
                     title: "\(tracked) Langevin paths, δ = \(Console.number(Double(langevinDelta), digits: 2)), \(langevinSteps) steps",
                     xRange: view, yRange: view, equalAxes: true, legend: .none, grid: false)
let startPlot = Plot.scatter([try! Series(points: blob, color: "#888888")], title: "start: N((1, 1), 0.6²I)",
                             xRange: view, yRange: view, equalAxes: true, legend: .none)
let endPlot = Plot.scatter([try! Series(points: walkers, color: "#1f77b4")], title: "after \(langevinSteps) steps",
                           xRange: view, yRange: view, equalAxes: true, legend: .none)
nb.figure(Figure([startPlot, pathsPlot, endPlot], columns: 3, panelWidth: 360, panelHeight: 330, fontSize: 9),
          name: "langevin", caption: "Langevin dynamics with the learned score at t = \(langevinT): start, eight paths over the data density (white dots: where they start), end")

func shareCells(_ x: Tensor) -> [String] {
    let (shares, far) = modes.shares(x)
    return shares.map { String(format: "%.0f%%", 100 * $0) } + [String(format: "%.0f%%", 100 * far)]
}
let modeHeader = ["sampler"] + (0..<8).map { "mode \($0)" } + ["off-mode"]
nb.table(modeHeader, [["data (⅛ each)"] + [String](repeating: "12%", count: 8) + ["0%"], ["Langevin, t = \(langevinT)"] + shareCells(walkers)])

/*:
 ## Annealed Langevin against DDPM

 The cure (Song & Ermon 2019, Alg. 1) is to start at a *high* noise level, where the
 modes are blurred into one broad hill that the walkers cross easily and the score is
 well learned everywhere, and to lower the level gradually, a few Langevin steps at
 each, with the step size shrinking in proportion to the noise variance,
 $\delta_i = \delta\,\sigma_i^2/\sigma_L^2$. Here: 10 levels from $t = 999$ down to
 $t = 10$, 100 steps each — 1000 network evaluations, the same as DDPM's 1000
 ancestral steps, which start from $\mathcal N(0, I)$. The annealed walkers start from
 the same lopsided blob as above.

 Both are scored by the sliced Wasserstein distance to fresh data, next to its noise
 floor (the distance between two fresh draws of the same size; a ratio near 1 means
 indistinguishable at this $n$) — and by the share per mode, which should be 12.5% each.
 Annealing repairs the shares completely, whatever the start, and comes close to DDPM,
 which is the same idea refined: one step per noise level, each matched exactly to the
 noising process.
 */
let annealLevels = [999, 600, 400, 250, 150, 100, 60, 35, 20, 10]
let annealSteps = nb.quick ? 25 : 100
let annealSigmas = annealLevels.map { Float((1 - alphaBar($0)).squareRoot()) }
let annealDelta = Float(0.05 * langevinV * langevinV) * 0.5
var annealRNG = SeededGenerator(seed: nb.options.seed &+ 3)
let annealBar = nb.progress("annealed Langevin", total: annealLevels.count * annealSteps, unit: "step")
var annealCalls = 0
let annealed = annealedLangevin(from: blob, levels: annealSigmas, score: { x, i in
    annealCalls += 1
    annealBar.update(annealCalls)
    return learnedScore(x, t: annealLevels[i])
}, stepSize: annealDelta, stepsPerLevel: annealSteps, using: &annealRNG)
annealBar.finish()
let ddpm = DDPMSampler(schedule: schedule, objective: toy.objective, clipRange: nil)
var ddpmRNG = SeededGenerator(seed: nb.options.seed &+ 4)
let ddpmBar = nb.progress("DDPM, \(T) steps", total: T, unit: "step")
let ddpmSamples = ddpm.sample(shape: [pointCount, 2], model: toy.model.denoiser, using: &ddpmRNG) { ddpmBar.update($0) }.x0
ddpmBar.finish()

/// Sliced W1 to fresh data and its floor, as table cells.
func distanceCells(_ x: Tensor, seed: UInt64) -> [String] {
    var g = SeededGenerator(seed: nb.options.seed &+ seed)
    let d = slicedWassersteinWithFloor(x, data: { n, g in EightGaussians.sample(n, using: &g) }, using: &g)
    return [Console.number(d.distance, digits: 3), Console.number(d.floor, digits: 3), Console.number(d.ratio, digits: 3)]
}
var dataRNG = SeededGenerator(seed: nb.options.seed &+ 5)
let dataPoints = EightGaussians.sample(pointCount, using: &dataRNG)
nb.figure(Figure([Plot.scatter([try! Series(points: dataPoints, color: "#444444")], title: "data", xRange: view, yRange: view, equalAxes: true, legend: .none),
                  Plot.scatter([try! Series(points: walkers, color: "#1f77b4")], title: "Langevin at t = \(langevinT) (\(langevinSteps) evals)", xRange: view, yRange: view, equalAxes: true, legend: .none),
                  Plot.scatter([try! Series(points: annealed, color: "#d62728")], title: "annealed Langevin (\(annealLevels.count * annealSteps) evals)", xRange: view, yRange: view, equalAxes: true, legend: .none),
                  Plot.scatter([try! Series(points: ddpmSamples, color: "#2ca02c")], title: "DDPM (\(T) evals)", xRange: view, yRange: view, equalAxes: true, legend: .none)],
                 columns: 4, panelWidth: 300, panelHeight: 290, fontSize: 9),
          name: "annealed-vs-ddpm", caption: "\(pointCount) points each: data, plain Langevin, annealed Langevin, DDPM")
nb.table(["sampler", "evaluations", "sliced W1 to data", "noise floor", "ratio"], [
    ["Langevin, t = \(langevinT)", "\(langevinSteps)"] + distanceCells(walkers, seed: 20),
    ["annealed Langevin", "\(annealLevels.count * annealSteps)"] + distanceCells(annealed, seed: 20),
    ["DDPM", "\(T)"] + distanceCells(ddpmSamples, seed: 20),
])
nb.table(modeHeader, [["annealed Langevin"] + shareCells(annealed), ["DDPM"] + shareCells(ddpmSamples)])

/*:
 ## The probability-flow ODE: deterministic paths

 Song et al. (2021) showed that the noising process has a deterministic twin: an ODE
 whose solutions, started from $x_T \sim \mathcal N(0, I)$, have exactly the same
 marginals $p_t$ as the stochastic process. In the variables of Karras et al. (2022),
 $\sigma = \sqrt{(1-\bar\alpha)/\bar\alpha}$ and $y = x/\sqrt{\bar\alpha}$ (so that
 $y = x_0 + \sigma\varepsilon$), it reads

 $$\frac{dy}{d\sigma} = \hat\varepsilon(x, t) = -\sqrt{1-\bar\alpha_t}\; s_\theta(x, t)
   = \frac{y - \hat x_0}{\sigma} .$$

 Euler's method on it is DDIM with $\eta = 0$; Heun's method adds a correction with the
 slope at the end of each step (second order, two evaluations per step). No noise is
 added along the way, so each starting point has exactly one path: the ODE is a
 deterministic map from noise to data.

 Here the noise already has about the data's spread (both are near unit variance),
 so the paths (Heun, 20 steps on `linspace` timesteps) are short: a point of noise
 keeps its direction, moves in or out to the ring, and only in the last steps, when
 $\sigma$ is small and the modes separate, slides into the nearest one. Colouring
 every starting point by the mode it reaches shows the map: eight wedges, one per mode,
 each of the same angle — which is why the modes come out equally often, without any
 randomness after the start.
 */
let flowSteps = 20
let heun = ProbabilityFlowSampler(schedule: schedule, objective: toy.objective, method: .heun, clipRange: nil)
var flowRNG = SeededGenerator(seed: nb.options.seed &+ 6)
let flowStart = Tensor.randn([pointCount, 2], using: &flowRNG)                             // x_T  [N, 2]
let flowTracked = 32
var flowPaths = [[(Double, Double)]](repeating: [], count: flowTracked)
func recordFlow(_ x: Tensor) {
    for p in 0..<flowTracked { flowPaths[p].append((Double(x.scalars[2 * p]), Double(x.scalars[2 * p + 1]))) }
}
recordFlow(flowStart)
// linspace ends at t = 0 (σ ≈ 0.01); trailing would end at t = 49, σ ≈ 0.18 — as wide as
// a mode — and its last step would jump straight to the blurry posterior mean x̂₀.
let (flowSamples, flowEvaluations) = try! heun.sample(from: flowStart, model: toy.model.denoiser, steps: flowSteps,
                                                      spacing: .linspace, record: { _, x in recordFlow(x) })
let euler = ProbabilityFlowSampler(schedule: schedule, objective: toy.objective, method: .euler, clipRange: nil)
let (eulerSamples, eulerEvaluations) = try! euler.sample(from: flowStart, model: toy.model.denoiser, steps: flowSteps, spacing: .linspace)
let flowLines = flowPaths.enumerated().map { p, path in
    Series(x: path.map(\.0), y: path.map(\.1), style: .lines, color: pathColors[p % pathColors.count], lineWidth: 1.5)
}
let flowStarts = Series(x: flowPaths.map { $0[0].0 }, y: flowPaths.map { $0[0].1 }, style: .points, color: "#ffffff", pointSize: 1.0)
let flowPlot = Plot([.heatMap(densityMap(0))] + flowLines.map { .series($0) } + [.series(flowStarts)],
                    title: "\(flowTracked) probability-flow paths (Heun, \(flowSteps) steps)",
                    xRange: view, yRange: view, equalAxes: true, legend: .none, grid: false)
let modeColors = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a6761d", "#f781bf", "#17becf"]
let destination = modes.nearest(flowSamples)
let basinSets = (0..<8).map { k -> Series in
    let rows = destination.indices.filter { destination[$0] == k }
    return Series(x: rows.map { flowStart.scalars[2 * $0] }, y: rows.map { flowStart.scalars[2 * $0 + 1] },
                  style: .points, color: modeColors[k])
}
let basinPlot = Plot.scatter(basinSets, title: "noise x_T, coloured by the mode it reaches",
                             xRange: -3...3, yRange: -3...3, equalAxes: true, legend: .none)
nb.figure(Figure([flowPlot, basinPlot,
                  Plot.scatter([try! Series(points: flowSamples, color: "#9467bd")], title: "Heun, \(flowEvaluations) evals", xRange: view, yRange: view, equalAxes: true, legend: .none),
                  Plot.scatter([try! Series(points: eulerSamples, color: "#8c564b")], title: "Euler (= DDIM η = 0), \(eulerEvaluations) evals", xRange: view, yRange: view, equalAxes: true, legend: .none)],
                 columns: 4, panelWidth: 330, panelHeight: 310, fontSize: 9),
          name: "probability-flow", caption: "Probability-flow ODE from x_T ~ N(0, I): paths over the data density (white dots: starts); the starting noise coloured by the mode its path ends in; \(pointCount) end points with Heun and Euler")
nb.table(["sampler", "evaluations", "sliced W1 to data", "noise floor", "ratio"], [
    ["probability flow, Heun, \(flowSteps) steps", "\(flowEvaluations)"] + distanceCells(flowSamples, seed: 20),
    ["probability flow, Euler, \(flowSteps) steps", "\(eulerEvaluations)"] + distanceCells(eulerSamples, seed: 20),
])

/*:
 ## Predictor–corrector sampling

 Song et al. (2021, Alg. 2) combine the two ideas. A **predictor** takes one step of
 a reverse-time sampler — here DDPM's ancestral step, from level $t$ to $t-1$ — and a
 **corrector** then runs $K$ Langevin steps at the new level $t-1$ with the learned
 score, nudging the samples towards $p_{t-1}$ wherever the predictor's discretisation
 left them off. The corrector's step size is set by a target signal-to-noise ratio $r$:

 $$\delta = 2\,\alpha_{t-1}\left(\frac{r\,\lVert z\rVert}{\lVert s_\theta\rVert}\right)^2 ,$$

 with $\alpha_{t-1} = 1 - \beta_{t-1}$, which makes the noise $\sqrt{2\delta}\lVert z\rVert$
 a fixed multiple ($2r\sqrt{\alpha}$) of the drift $\delta\lVert s_\theta\rVert$ at every
 level (`PredictorCorrectorSampler`; the norms are averaged over the batch, as in the
 paper's code). The corrector matters most when the predictor is coarse: on 20 respaced
 steps DDPM leaves points in the gaps between the modes, and corrector steps pull them
 back in — at one extra network evaluation each.

 So the fair comparison is at equal cost: the table also runs DDPM alone with as many
 steps as the predictor–corrector runs spend evaluations (20 + 19K). On this toy the
 extra predictor steps do at least as well as the corrector steps. Song et al. found
 the opposite on CIFAR-10 (PC with 1000 steps beat the predictor alone with 2000) —
 which of the two pays off depends on the model and the data, and is worth measuring,
 as here. (`--snr` and `--corrector-steps` change r and K.)
 */
let pcSteps = 20
var pcPanels: [Plot] = []
var pcRows: [[String]] = []
/// Runs K corrector steps after each of `predictorSteps` respaced DDPM steps from the
/// flow's starting noise; adds a panel and a table row.
func runPC(predictorSteps: Int, correctorSteps k: Int, panel: Bool) {
    let (coarse, coarseModel) = DDPMSampler.respaced(schedule: schedule, steps: predictorSteps, objective: toy.objective,
                                                     model: toy.model.denoiser)
    let pc: PredictorCorrectorSampler
    do { pc = try PredictorCorrectorSampler(schedule: coarse.schedule, objective: toy.objective, snr: flags.snr, correctorSteps: k, clipRange: nil) }
    catch { Notebook.exitWithError("\(error)", code: 64) }
    var pcRNG = SeededGenerator(seed: nb.options.seed &+ 7)
    let (x, evaluations) = pc.sample(from: flowStart, model: coarseModel, using: &pcRNG)
    let name = k == 0 ? "DDPM, \(predictorSteps) steps" : "PC, \(predictorSteps) steps, K = \(k), r = \(Console.number(Double(flags.snr), digits: 2))"
    if panel {
        pcPanels.append(Plot.scatter([try! Series(points: x, color: k == 0 ? "#2ca02c" : "#ff7f0e")], title: "\(name), \(evaluations) evals",
                                     xRange: view, yRange: view, equalAxes: true, legend: .none))
    }
    pcRows.append([name, "\(evaluations)"] + distanceCells(x, seed: 20) + [Console.number(modes.spread(x), digits: 3)])
}
let correctorCounts = Array(Set([0, flags.correctorSteps, 2 * max(flags.correctorSteps, 1)])).sorted()
for k in correctorCounts { runPC(predictorSteps: pcSteps, correctorSteps: k, panel: true) }
for k in correctorCounts where k > 0 { runPC(predictorSteps: pcSteps + (pcSteps - 1) * k, correctorSteps: 0, panel: false) }   // DDPM at equal cost
nb.figure(Figure(pcPanels, columns: pcPanels.count, panelWidth: 330, panelHeight: 310, fontSize: 9),
          name: "predictor-corrector", caption: "The same \(pointCount) starting points: \(pcSteps) DDPM steps alone, and with K Langevin corrector steps after each")
nb.table(["sampler", "evaluations", "sliced W1 to data", "noise floor", "ratio", "RMS distance to nearest mode"],
         pcRows + [["data", "—", "—", "—", "—", Console.number(modes.spread(dataPoints), digits: 3)]])

/*:
 ## Digits: the ODE with Heun against DDIM

 The same view scales to images. `unet-digits` predicts ε for 28 × 28 digits, so it
 is also a score model, and its probability-flow ODE can be solved with Heun's method
 as Karras et al. (2022) recommend. At an equal budget of network evaluations (the
 expensive part: one U-Net pass each), DDIM takes first-order steps, Heun half as many
 second-order ones (its last step, to $\sigma = 0$, takes a single evaluation). Both
 start from the *same* noise, and both are deterministic, so the grids can be compared
 image by image: rows are DDIM and Heun at about 10 evaluations, then at about 20, both
 on the `trailing` timesteps by default (`--spacing` changes them). The
 same noise mostly gives the same digit — the ODE's map from noise to digits does not
 depend on the solver, only how accurately it is followed. The digit classifier scores
 each set: the share it recognises with confidence ≥ 0.9, how evenly the ten classes
 appear, and FD-digits next to its floor (two sets of real digits of the same size
 differ by that much already, so differences well below the floor are noise).
 */
let digits = DiffusionCheckpoint.digitModelForChapter(nil, chapter: 7).loaded
let sampleCount = flags.samples ?? (nb.quick ? 8 : 128)
let budgets = nb.quick ? [10] : [10, 20]
var digitRNG = SeededGenerator(seed: nb.options.seed &+ 8)
let digitNoise = Tensor.randn([sampleCount, 1, 28, 28], using: &digitRNG)               // x_T  [n, 1, 28, 28]
let classifier: DigitClassifier
do { classifier = try DigitClassifier.pretrained() } catch { Notebook.exitWithError("\(error)", code: 66) }
var referenceRNG = SeededGenerator(seed: nb.options.seed &+ 9)
let real = SyntheticDigits.batch(sampleCount, using: &referenceRNG).images              // [n, 1, 28, 28]
let realStatistics = DigitMetrics.referenceStatistics(real, classifier: classifier)
let fdFloor = DigitMetrics.referenceFloor(n: sampleCount, classifier: classifier, using: &referenceRNG)
let totalEvaluations = budgets.map { $0 + ($0 / 2) * 2 - 1 }.reduce(0, +)
let digitBar = nb.progress("digits: \(sampleCount) per sampler", total: totalEvaluations, unit: "eval")
var done = 0
var digitRows: [[String]] = []
var gridRows: [Tensor] = []
let shown = min(sampleCount, 12)
for budget in budgets {
    let ddim: DDIMSampler
    do { ddim = try DDIMSampler(schedule: digits.schedule, objective: digits.objective, eta: 0) } catch { Notebook.exitWithError("\(error)", code: 64) }
    var unused = SeededGenerator(seed: 0)
    let base = done
    let viaDDIM = try! ddim.sample(from: digitNoise, model: digits.model.denoiser, steps: budget, spacing: flags.digitSpacing, using: &unused) { digitBar.update(base + $0) }
    done += budget
    let heunSteps = budget / 2
    let odeSampler = ProbabilityFlowSampler(schedule: digits.schedule, objective: digits.objective, method: .heun)
    let base2 = done
    let (viaHeun, heunEvaluations) = try! odeSampler.sample(from: digitNoise, model: digits.model.denoiser, steps: heunSteps,
                                                            spacing: flags.digitSpacing) {
        digitBar.update(base2 + 2 * $0 - ($0 == heunSteps ? 1 : 0))
    }
    done += heunEvaluations
    for (name, images, evaluations) in [("DDIM (η = 0), \(budget) steps", viaDDIM, budget), ("Heun, \(heunSteps) steps", viaHeun, heunEvaluations)] {
        let report = DigitMetrics.evaluate(samples: images, classifier: classifier, referenceStatistics: realStatistics, referenceFloor: fdFloor)
        digitRows.append([name, "\(evaluations)", String(format: "%.0f%%", 100 * Double(report.recognisability)),
                          Console.number(report.normalisedEntropy, digits: 3),
                          Console.number(report.frechetDistance, digits: 3), Console.number(fdFloor, digits: 3)])
        gridRows.append(images.slice(axis: 0, 0..<shown))
    }
}
digitBar.finish()
nb.images(concat(gridRows, axis: 0).clamped(min: -1, max: 1), name: "digits-heun-vs-ddim",
          caption: "Same noise, row by row: " + digitRows.map { "\($0[0]) (\($0[1]) evals)" }.joined(separator: "; "), columns: shown, scale: 2)
nb.table(["sampler", "evaluations", "recognisable", "class entropy (1 = even)", "FD-digits", "FD floor"], digitRows)
nb.print("n = \(sampleCount) digits per sampler, \(flags.digitSpacing.rawValue) timesteps; FD floor: two sets of \(sampleCount) real digits")

/*:
 ## What to take away

 - An ε-predictor *is* a score model: $s_\theta = -\hat\varepsilon/\sqrt{1-\bar\alpha_t}$.
   It is accurate where noised data lands and unreliable elsewhere.
 - Langevin dynamics samples with nothing but a score, but at a single low noise level
   it cannot move mass between modes; annealing over noise levels fixes that — the
   idea that diffusion models inherit.
 - The reverse process has a deterministic twin, the probability-flow ODE: DDIM is its
   Euler method, and a higher-order solver (Heun) buys accuracy per evaluation.
 - Samplers can be mixed: a predictor moves down the noise levels, a Langevin corrector
   repairs the samples at each level, at one evaluation per corrector step.
 */
nb.finish()
