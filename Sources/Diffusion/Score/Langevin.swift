// Langevin.swift — sampling with nothing but a score.
//
// Unadjusted Langevin dynamics (Song & Ermon 2019, eq. 4), step size δ:
//   x ← x + δ·∇log p(x) + √(2δ)·z,   z ~ N(0, I)
// For small δ and many steps x is distributed as p. Annealed Langevin runs it at a
// sequence of noise levels, large to small, with δ_i = δ·σ_i²/σ_L² (their Alg. 1), so
// the walkers first find the broad shape and then the fine detail.

import Tensors

/// One Langevin step: x + δ·score + √(2δ)·noise.
public func langevinStep(_ x: Tensor, score: Tensor, stepSize delta: Float, noise: Tensor) -> Tensor {
    x + delta * score + (2 * delta).squareRoot() * noise                                    // [N, D]
}

/// `steps` Langevin steps from `x` with the score function `score`; returns every
/// `record`-th state (and the last) for trajectory plots.
public func langevin(from x: Tensor, score: (Tensor) -> Tensor, stepSize: Float, steps: Int, record: Int = 0,
                     using rng: inout some RandomNumberGenerator) -> (x: Tensor, trajectory: [Tensor]) {
    var x = x
    var trajectory: [Tensor] = record > 0 ? [x] : []
    for k in stride(from: 1, through: steps, by: 1) {
        x = langevinStep(x, score: score(x), stepSize: stepSize, noise: Tensor.randn(x.shape, using: &rng))
        if record > 0 && (k % record == 0 || k == steps) { trajectory.append(x) }
    }
    return (x, trajectory)
}

/// Annealed Langevin over noise levels σ_1 > … > σ_L: `stepsPerLevel` steps at each,
/// with step size δ·σ_i²/σ_L². `score(x, i)` is the score at level i.
public func annealedLangevin(from x: Tensor, levels sigmas: [Float], score: (Tensor, Int) -> Tensor,
                             stepSize delta: Float, stepsPerLevel: Int,
                             using rng: inout some RandomNumberGenerator) -> Tensor {
    precondition(!sigmas.isEmpty, "annealedLangevin: need at least one noise level")
    var x = x
    let last = sigmas.last! * sigmas.last!
    for (i, sigma) in sigmas.enumerated() {
        let step = delta * sigma * sigma / last
        for _ in 0..<stepsPerLevel {
            x = langevinStep(x, score: score(x, i), stepSize: step, noise: Tensor.randn(x.shape, using: &rng))
        }
    }
    return x
}
