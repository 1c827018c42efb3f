// GaussianDenoiser.swift — the exact ε-predictor of Gaussian data, the truth the
// sampler tests integrate against.

import Diffusion
import Tensors

/// The exact ε-predictor for data ~ N(0, s² I): E[ε | x_t] = √(1−ᾱ) x_t/(ᾱ s² + 1 − ᾱ).
func gaussianDenoiser(std s: Double, abar ab: [Double]) -> Denoiser {
    { xt, t in
        // One factor per image, applied as a [B, 1, …] tensor (the library's optimised
        // broadcasting multiply; the test target itself is compiled without -O).
        let k = t.map { step -> Float in
            let a = ab[step]
            return Float((1 - a).squareRoot() / (a * s * s + 1 - a))
        }
        return xt * Tensor(shape: [t.count] + [Int](repeating: 1, count: xt.rank - 1), scalars: k)
    }
}
