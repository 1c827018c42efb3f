/*:
 # Chapter 02 — Noise schedules

 Chapter 01 used DDPM's **linear** schedule, $\beta_t$ rising evenly from $10^{-4}$
 to $0.02$. The schedule decides how fast the signal is destroyed, and so which
 noise levels a model spends its training on. This chapter compares three:

 - **linear** (Ho et al. 2020): $\beta_t$ = linspace($10^{-4}$, 0.02, T);
 - **cosine** (Nichol & Dhariwal 2021): $\bar\alpha$ follows
   $f(\tau) = \cos^2\!\big(\tfrac{\tau + s}{1 + s}\cdot\tfrac{\pi}{2}\big)$, $s = 0.008$;
 - **sigmoid** (Jabri et al. 2023): $\bar\alpha$ follows a rescaled sigmoid.

 For the last two we are given a curve $\bar\alpha(\tau)$ on $\tau \in [0, 1]$ and
 recover the betas from ratios of neighbours,
 $\beta_t = \min\big(1 - \bar\alpha(\tfrac{t+1}{T}) / \bar\alpha(\tfrac{t}{T}),\ 0.999\big)$.
 */
import DiffusionKit
import Exercises
import Foundation

let nb = Notebook(chapter: 2, title: "Noise schedules")
let T = 1000

//: **Exercises 2.1 and 2.2** compute the linear and cosine betas; with `--mine` the schedules below are built from yours.
let linearBetas = nb.exercise("2.1", mine: { try Chapter02.linearBetas(timesteps: T) },
                              reference: { NoiseSchedule.linearBetas(T) })
let cosineBetas = nb.exercise("2.2", mine: { try Chapter02.cosineBetas(timesteps: T) },
                              reference: { NoiseSchedule.cosineBetas(T) })
let schedules = [NoiseSchedule(kind: .linear, betas: linearBetas),
                 NoiseSchedule(kind: .cosine, betas: cosineBetas),
                 NoiseSchedule(.sigmoid, timesteps: T)]
let tAxis = (0..<T).map(Double.init)

func curves(_ value: (NoiseSchedule) -> [Double]) -> [Series] {
    schedules.map { Series($0.kind.rawValue, x: tAxis, y: value($0)) }
}
nb.figure(Figure([
    Plot.lines(curves { $0.betasDouble }, title: "β_t", xLabel: "t", yLabel: "β", logY: true, legend: .topLeft),
    Plot.lines(curves { $0.alphasCumprodDouble }, title: "ᾱ_t", xLabel: "t", yLabel: "ᾱ", legend: .topRight),
    Plot.lines(curves { $0.logSNR.scalars.map(Double.init) }, title: "log SNR(t)", xLabel: "t", yLabel: "ln(ᾱ/(1−ᾱ))",
               legend: .topRight),
], columns: 3, panelWidth: 480, panelHeight: 380), name: "schedules", caption: "β_t (log scale), ᾱ_t and log-SNR for the three schedules")

/*:
 One name, two schedules. The kit's **sigmoid** puts the sigmoid on $\bar\alpha$
 (Jabri et al.); diffusers' `beta_schedule="sigmoid"` puts it on $\beta$:
 $\beta_t = \sigma(\text{linspace}(-6, 6, T)_t)\cdot(0.02 - 10^{-4}) + 10^{-4}$, a
 linear-like schedule with soft ends. They destroy the signal at different speeds:
 */
let diffusersSigmoidBetas = (0..<T).map { t -> Double in
    let u = -6 + 12 * Double(t) / Double(T - 1)
    return 1 / (1 + exp(-u)) * (0.02 - 1e-4) + 1e-4
}
let diffusersSigmoid = NoiseSchedule(kind: .sigmoid, betas: diffusersSigmoidBetas)
nb.print("ᾱ at t = \(T / 2): the kit's sigmoid (on ᾱ) \(Console.number(schedules[2].alphasCumprodDouble[T / 2], digits: 3)), diffusers' sigmoid (on β) \(Console.number(diffusersSigmoid.alphasCumprodDouble[T / 2], digits: 3)), linear \(Console.number(schedules[0].alphasCumprodDouble[T / 2], digits: 3))")

/*:
 The middle panel tells most of the story. The linear schedule drives $\bar\alpha$
 close to 0 by $t \approx 600$, while the cosine schedule keeps it falling slowly
 and evenly to the very end. In log-SNR (right) the cosine schedule is nearly a
 straight line: every stretch of time covers the same range of noise levels.

 ## The same digit under each schedule
 */
var digits = SyntheticDigits(seed: nb.options.seed)
let digit = digits.batch(1, classes: [5]).images                      // [1, 1, 28, 28]
let moments = [200, 500, 800]
let noise = Tensor.randn([moments.count, 1, 28, 28], using: &nb.rng)    // the same ε for every schedule
let rows = schedules.map { s in
    s.addNoise(digit.broadcasted(to: [moments.count, 1, 28, 28]), noise: noise, t: moments)
}
nb.images(concat(rows, axis: 0), name: "digit-per-schedule",
          caption: "Rows: linear, cosine, sigmoid. Columns: t = 200, 500, 800 (same noise)", columns: 3, scale: 4)
nb.table(["schedule"] + moments.map { "ᾱ at t = \($0)" }, schedules.map { s in
    [s.kind.rawValue] + moments.map { Console.number(s.alphasCumprodDouble[$0]) }
})

/*:
 ## Where the linear schedule spends its noise budget

 Once the SNR is far below 1 the image is, for practical purposes, noise: a model
 trained at those steps learns little it could not learn at one of them. Count how
 many of the $T$ steps each schedule spends at SNR below 0.01 (the digit is
 invisible) and above 100 (the noise is invisible).
 */
nb.table(["schedule", "steps with SNR < 0.01", "steps with SNR > 100", "first t with SNR < 1"], schedules.map { s in
    let snr = s.snr.scalars
    return [s.kind.rawValue, "\(snr.filter { $0 < 0.01 }.count)", "\(snr.filter { $0 > 100 }.count)",
            "\(snr.firstIndex { $0 < 1 } ?? T)"]
})
/*:
 The linear schedule spends about a third of its steps at SNR < 0.01, where there
 is nothing left to see; the cosine schedule spends far fewer there and more at the
 intermediate levels where the image's shape is decided. This is the observation
 that motivated the cosine schedule (Nichol & Dhariwal, §3.2).

 ## What a small T does to ᾱ_T

 The linear betas are fixed numbers, not a curve. With fewer steps there are fewer
 factors $1 - \beta_t$ to multiply, and $\bar\alpha_{T-1}$ stays far from 0: $x_T$
 is then *not* pure noise, yet sampling starts from pure noise. The curve-based
 schedules do not have this problem, because their $\bar\alpha$ always ends near 0.
 */
let smallTs = [10, 50, 100, 250, 1000]
nb.table(["T", "linear ᾱ_{T−1}", "cosine ᾱ_{T−1}", "linear, β scaled by 1000/T"], smallTs.map { t in
    let scale = 1000 / Double(t)                                        // β_max = 0.02·scale must stay below 1
    let scaled = scale * 0.02 < 1
        ? Console.number(NoiseSchedule(kind: .linear, betas: NoiseSchedule.linearBetas(t, start: 1e-4 * scale,
                                                                                       end: 0.02 * scale)).alphasCumprodDouble[t - 1])
        : "— (β > 1)"
    return [String(t), Console.number(NoiseSchedule(.linear, timesteps: t).alphasCumprodDouble[t - 1]),
            Console.number(NoiseSchedule(.cosine, timesteps: t).alphasCumprodDouble[t - 1]), scaled]
})
/*:
 At T = 50 the linear schedule leaves $\bar\alpha_{T-1} \approx 0.60$: more than
 three quarters of $x_0$'s amplitude ($\sqrt{0.6} \approx 0.77$) is still in
 $x_T$. A model trained this way and sampled from $\mathcal N(0, I)$ starts from
 inputs it never saw. Improved DDPM scales the betas by $1000/T$ (last column),
 which restores a near-zero $\bar\alpha_{T-1}$ for $T \ge 50$ (below that the scaled
 betas would exceed 1).

 ## Why the cosine schedule caps β, and what the cap costs

 At $\tau = 1$, $f(1) = \cos^2(\pi/2) = 0$, so the last beta would be exactly
 $1 - 0/f(\tfrac{T-1}{T}) = 1$: the last step would destroy *all* the signal, and
 the reverse step at $t = T-1$, which divides by $\sqrt{\alpha_t}$, would divide by
 zero. The cap $\beta \le 0.999$ avoids that.
 */
let uncapped = NoiseSchedule.cosineBetas(T, maxBeta: 1)
let cosine = schedules[1]
nb.print("last β without the cap: \(uncapped[T - 1]);  with the cap: \(cosine.betasDouble[T - 1])")
nb.print("ᾱ_{T−1} with the cap: \(Console.number(cosine.alphasCumprodDouble[T - 1]))")
/*:
 The price is a tiny $\bar\alpha_{T-1} \approx 2.4\cdot 10^{-9}$. A denoiser that
 predicts the noise $\hat\varepsilon$ recovers the clean image as
 $\hat x_0 = (x_t - \sqrt{1-\bar\alpha_t}\,\hat\varepsilon)/\sqrt{\bar\alpha_t}$, so an
 error $\delta$ in $\hat\varepsilon$ becomes an error $\delta/\sqrt{\bar\alpha_t}$
 in $\hat x_0$:
 */
for t in [T - 1, T - 2, T - 10, T / 2] {
    let amplification = (1 / cosine.alphasCumprodDouble[t]).squareRoot()
    nb.print("t = \(t): an ε error of 0.01 becomes an x̂₀ error of \(Console.number(0.01 * amplification)) (×\(Console.number(amplification)))")
}
/*:
 At the last step an error of 0.01 in $\hat\varepsilon$ becomes an error of about
 200 in $\hat x_0$ on data that lives in $[-1, 1]$. That is why samplers **clip**
 $\hat x_0$ to the data range and re-derive $\varepsilon$ from the clipped value
 (chapter 05).

 ## From β to ᾱ and the posterior variance

 **Exercise 2.3** computes $\bar\alpha_t$, $\bar\alpha_{t-1}$ (padded with 1 on the
 left) and the posterior variance
 $\tilde\beta_t = \beta_t\,(1-\bar\alpha_{t-1})/(1-\bar\alpha_t)$, the variance of
 $q(x_{t-1} \mid x_t, x_0)$ that DDPM's sampler adds back at each step.
 */
let products = nb.exercise("2.3", mine: { try Chapter02.cumulativeProducts(betas: linearBetas) }, reference: {
    let s = schedules[0]
    return (s.alphasCumprodDouble, [1.0] + s.alphasCumprodDouble.dropLast(), s.posteriorVariance.scalars.map(Double.init))
})
nb.table(["t", "β_t", "ᾱ_{t−1}", "ᾱ_t", "β̃_t", "β̃_t / β_t"], [0, 1, 10, 100, 500, 999].map { t in
    [String(t), Console.number(linearBetas[t]), Console.number(products.alphasCumprodPrev[t]),
     Console.number(products.alphasCumprod[t]), Console.number(products.posteriorVariance[t]),
     Console.number(products.posteriorVariance[t] / linearBetas[t])]
})
/*:
 $\tilde\beta_0 = 0$: the first reverse step adds no noise. For large $t$,
 $\tilde\beta_t \approx \beta_t$, and in between $\tilde\beta_t < \beta_t$. These
 are the two choices of sampling variance, "fixed small" ($\tilde\beta$) and
 "fixed large" ($\beta$), that chapter 05 compares.
 */
nb.finish()
