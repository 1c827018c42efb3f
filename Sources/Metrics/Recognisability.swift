// Recognisability.swift — how many samples does the classifier recognise with confidence?
//
// For class probabilities p [N, C]:  R = (1/N) · #{ n : max_c p[n, c] ≥ threshold }.
// A well-trained sampler scores close to the real data's value (≈ 1 for clean digits);
// blurry or hybrid digits (a 3 that is half an 8) lower it.

import Tensors

/// The share of rows of `probabilities` `[N, C]` whose largest probability is at least
/// `threshold` (0 for N = 0). The default 0.9 counts a digit as recognisable when the
/// classifier gives one class nine chances in ten.
public func recognisability(probabilities: Tensor, threshold: Float = 0.9) -> Float {
    let maxima = rowMaxima(probabilities)
    guard !maxima.isEmpty else { return 0 }
    return Float(maxima.filter { $0.value >= threshold }.count) / Float(maxima.count)
}
