/*:
 # Chapter 01 — The forward process

 A diffusion model learns to undo a process that slowly destroys data. This chapter
 is about that destruction, the **forward process**: we take a clean image $x_0$
 and add a little Gaussian noise, again and again, for $T = 1000$ steps. By the end
 nothing of the image is left and $x_T$ is plain noise $\mathcal N(0, I)$.

 Each step scales the image down a little and adds noise of variance $\beta_t$
 (Ho et al. 2020, eq. 2):

 $$q(x_t \mid x_{t-1}) = \mathcal N\big(\sqrt{1-\beta_t}\,x_{t-1},\ \beta_t I\big).$$

 Run this chapter with `swift run chapter01`; it writes its figures and this
 notebook to `out/chapter01/`. Timesteps are 0-based here: $t \in \{0, \dots, T-1\}$.
 */
import DiffusionKit
import Exercises

let nb = Notebook(chapter: 1, title: "The forward process")
let T = 1000
let schedule = NoiseSchedule(.linear, timesteps: T)
nb.print("β runs from \(schedule.betasDouble[0]) to \(schedule.betasDouble[T - 1]) over T = \(T) steps")

/*:
 ## Jumping straight to step t

 Because every step is Gaussian, $t$ steps compose into a single Gaussian. With
 $\alpha_t = 1 - \beta_t$ and $\bar\alpha_t = \prod_{s \le t} \alpha_s$ (eq. 4):

 $$q(x_t \mid x_0) = \mathcal N\big(\sqrt{\bar\alpha_t}\,x_0,\ (1-\bar\alpha_t) I\big),
 \qquad x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon.$$

 So we never have to run the chain to train: we pick $t$, draw $\varepsilon$ and
 jump. This is **exercise 1.1** (`Chapter01.qSample`); with `--mine` the chapter
 uses your version. Here is one digit at six moments of its destruction.
 */
var digits = SyntheticDigits(seed: nb.options.seed)
let digit = digits.batch(1, classes: [3]).images                    // [1, 1, 28, 28]
let moments = [0, 100, 250, 500, 750, 999]
let strip = digit.broadcasted(to: [moments.count, 1, 28, 28])         // the same x₀ six times
let noise = Tensor.randn(strip.shape, using: &nb.rng)                 // [6, 1, 28, 28]
let noisyStrip = nb.exercise("1.1", mine: {
    try Chapter01.qSample(x0: strip, t: moments, noise: noise, alphasCumprod: schedule.alphasCumprod)
}, reference: {
    schedule.addNoise(strip, noise: noise, t: moments)
})
nb.images(noisyStrip, name: "digit-strip", caption: "A digit at t = 0, 100, 250, 500, 750 and 999", columns: 6, scale: 4)

//: The same happens to a cloud of 2-D points, the swiss roll, which we will use to watch models learn.
let pointCount = nb.quick ? 400 : 2000
let roll = SwissRoll.sample(pointCount, using: &nb.rng)               // [N, 2]
let rollNoise = Tensor.randn(roll.shape, using: &nb.rng)              // [N, 2]
let panels = moments.map { t -> Plot in
    let xt = schedule.addNoise(roll, noise: rollNoise, t: [Int](repeating: t, count: pointCount))
    return Plot.scatter([try! Series(points: xt)], title: "t = \(t)", xRange: -3.5...3.5, yRange: -3.5...3.5,
                        equalAxes: true, legend: .none)
}
nb.figure(Figure(panels, columns: 6, panelWidth: 300, panelHeight: 300), name: "swiss-roll-strip",
          caption: "The swiss roll at t = 0, 100, 250, 500, 750 and 999")

/*:
 ## How much signal is left: the signal-to-noise ratio

 In $x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon$ the signal
 has power $\bar\alpha_t$ (for data of unit variance) and the noise $1-\bar\alpha_t$.
 Their ratio is the **signal-to-noise ratio**

 $$\mathrm{SNR}(t) = \frac{\bar\alpha_t}{1-\bar\alpha_t},$$

 **exercise 1.2**. It falls over many orders of magnitude, so we plot it on a log scale.
 */
let snr = nb.exercise("1.2", mine: { try Chapter01.snr(alphasCumprod: schedule.alphasCumprod) },
                      reference: { schedule.snr })
nb.table(["t", "ᾱ_t", "SNR(t)"], moments.map { t in
    [String(t), Console.number(schedule.alphasCumprodDouble[t]), Console.number(Double(snr.scalars[t]))]
})
let tAxis = (0..<T).map(Double.init)
nb.plot(Plot.lines([Series("SNR(t) = ᾱ_t / (1 − ᾱ_t)", x: tAxis, y: snr.scalars.map(Double.init))],
                   title: "Signal-to-noise ratio, linear schedule", xLabel: "t", yLabel: "SNR", logY: true),
        name: "snr", caption: "SNR(t) on a log scale")

/*:
 ## Where does the digit disappear?

 The SNR passes 1 — as much noise as signal — and keeps falling. A person can still
 read the digit somewhat *below* SNR 1, because the digit's energy is concentrated
 in a few strokes while the noise is spread evenly over all pixels. Let us find the
 crossings and look closely around them.
 */
func firstT(below level: Double) -> Int {
    (0..<T).first { Double(snr.scalars[$0]) < level } ?? T - 1
}
for level in [10.0, 1.0, 0.1, 0.01] {
    nb.print("SNR falls below \(Console.number(level)) at t = \(firstT(below: level))")
}
let closeUp = Array(stride(from: 150, through: 500, by: 50))
let closeUpImages = schedule.addNoise(digit.broadcasted(to: [closeUp.count, 1, 28, 28]),
                                      noise: Tensor.randn([closeUp.count, 1, 28, 28], using: &nb.rng), t: closeUp)
nb.images(closeUpImages, name: "digit-closeup", caption: "t = 150, 200, …, 500: the stroke fades into the noise",
          columns: closeUp.count, scale: 4)
/*:
 Around $t \approx 250$ (SNR ≈ 1) the digit is still clear; by $t \approx 400$
 (SNR ≈ 0.1) only a faint trace of the strokes remains, and past $t \approx 500$ it
 is gone to the eye even though $\bar\alpha_t$ is not yet 0. Half of the
 schedule is spent on images a person already sees as noise — a first hint of why
 chapter 02 looks for better schedules.

 ## Is x_T really standard normal?

 At $t = T-1$, $\bar\alpha \approx 4\cdot 10^{-5}$: almost nothing of $x_0$ is left.
 The pixels of many noised digits should then follow $\mathcal N(0, 1)$.
 */
let batchSize = nb.quick ? 64 : 512
let batch = digits.batch(batchSize).images                                  // [B, 1, 28, 28]
let xT = schedule.addNoise(batch, noise: Tensor.randn(batch.shape, using: &nb.rng),
                           t: [Int](repeating: T - 1, count: batchSize))      // [B, 1, 28, 28]
nb.print("x_T pixels: mean \(Console.number(Double(xT.mean().item))), std \(Console.number(Double(xT.variance().item.squareRoot()))) over \(xT.count) values")
nb.plot(Plot.histogram(Histogram("pixels of x_T", values: xT, bins: 60, range: -4.5...4.5, density: true),
                       reference: .standardNormalDensity(), title: "x_T pixel values against N(0, 1)",
                       xLabel: "value", yLabel: "density"),
        name: "xT-histogram", caption: "Histogram of x_T's pixel values with the N(0, 1) density")

/*:
 ## One step at a time agrees with the jump

 Finally, a check of the algebra. We run the chain $q(x_t \mid x_{t-1})$ step by
 step (**exercise 1.3**, `Chapter01.forwardStep`) from the same $x_0$ many times,
 and compare the mean and variance of the result with the closed form
 $\sqrt{\bar\alpha_t}\,x_0$ and $1-\bar\alpha_t$. With $n$ samples the mean has a
 standard error of $\sqrt{(1-\bar\alpha_t)/n}$.
 */
let n = nb.quick ? 2000 : 20000
let x0Value: Float = 0.8
func forwardStep(_ x: Tensor, _ t: Int) -> Tensor {
    let ts = [Int](repeating: t, count: x.shape[0])
    let eps = Tensor.randn(x.shape, using: &nb.rng)
    return nb.exercise("1.3", mine: { try Chapter01.forwardStep(xPrev: x, t: ts, noise: eps, betas: schedule.betas) },
                       reference: { schedule.forwardStep(x, noise: eps, t: ts) })
}
var chain = Tensor(repeating: x0Value, shape: [n, 1])                       // n copies of x₀
var rows: [[String]] = []
let checkpoints: Set<Int> = [9, 99, 499, 999]
let bar = nb.progress("forward chain", total: T, unit: "step")
for t in 0..<T {
    chain = withNoGrad { forwardStep(chain, t) }
    if checkpoints.contains(t) {
        let ab = schedule.alphasCumprodDouble[t]
        let se = ((1 - ab) / Double(n)).squareRoot()
        rows.append([String(t),
                     Console.number(Double(chain.mean().item)), Console.number(ab.squareRoot() * Double(x0Value)),
                     Console.number(Double(chain.variance().item)), Console.number(1 - ab),
                     Console.number(se)])
    }
    bar.update(t + 1)
}
bar.finish()
nb.table(["t", "chain mean", "√ᾱ·x₀", "chain variance", "1 − ᾱ", "SE of mean"], rows)
/*:
 The step-by-step chain and the one-jump formula agree to within a few standard
 errors at every checkpoint: the closed form is exact, not an approximation. That
 is what makes training cheap — chapter 04 draws a random $t$ per image and jumps.
 */
nb.finish()
