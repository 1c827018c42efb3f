// PSNR.swift — peak signal-to-noise ratio of reconstructions.
//
// For images in the kit's range [−1, 1], mapped to [0, 1] (peak 1):
//
//     MSE₀₁ = mean over pixels of ((x̂ − x)/2)²        PSNR = 10 · log₁₀(1 / MSE₀₁) dB
//
// computed per image and averaged in dB (as torchmetrics' `reduction="elementwise_mean"`
// over per-image values would). 20 dB is an RMS error of 0.1 on [0, 1]; a perfect copy
// is +∞ dB, so each image's MSE is floored at 1e-10 (100 dB).

import Foundation
import Tensors

/// The mean over images of each image's PSNR in dB, for `reconstructions` and
/// `originals` of the same shape `[N, …]` with values in [−1, 1] (peak 1 on [0, 1]).
public func peakSignalToNoiseRatio(_ reconstructions: Tensor, _ originals: Tensor) -> Double {
    precondition(reconstructions.shape == originals.shape && originals.rank >= 1 && originals.shape[0] > 0,
                 "peakSignalToNoiseRatio: shapes \(reconstructions.shape) and \(originals.shape) must match and be non-empty")
    let n = originals.shape[0], size = originals.count / n
    let (a, b) = (reconstructions.scalars, originals.scalars)
    var total = 0.0
    for i in 0..<n {
        var squared = 0.0
        for j in (i * size)..<((i + 1) * size) {
            let d = Double(a[j] - b[j]) / 2                       // the difference on the [0, 1] scale
            squared += d * d
        }
        total += 10 * log10(1 / max(squared / Double(size), 1e-10))
    }
    return total / Double(n)
}
