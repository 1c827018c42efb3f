// Saturation.swift — how many pixels sit at the ends of the value range.
//
// Images live in [−1, 1]. A sampler that clips its estimate of x₀ at every step and is
// pushed hard (large classifier-free guidance scale w) drives pixels against the
// clip: the images turn to pure black and white, with halos and lost detail. The
// saturated share
//
//     s = (1/#values) Σ 1[|x| ≥ threshold]
//
// measures that directly. Real digits have a background of exactly −1, so compare a
// sample's share with the share of real data (≈ 0.88 for the kit's synthetic digits),
// not with 0.

import Tensors

/// The share of the values of `images` (any shape, at least one value) with
/// |x| ≥ `threshold`: pixels pushed to the ends of [−1, 1]. The default 0.98 is 1% of
/// the range from either end. In [0, 1].
public func saturatedShare(_ images: Tensor, threshold: Float = 0.98) -> Double {
    precondition(images.count > 0, "saturatedShare: empty tensor of shape \(images.shape)")
    precondition(threshold > 0, "saturatedShare: threshold must be positive, got \(threshold)")
    var count = 0
    images.scalars.withUnsafeBufferPointer { x in
        for v in x where abs(v) >= threshold { count += 1 }
    }
    return Double(count) / Double(images.count)
}
