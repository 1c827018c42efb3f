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

/// The share of ink pixels (x > 0, the brighter half of [−1, 1]) that sit at the white
/// end, x ≥ `threshold`: how much of the strokes is burnt to pure white. Unlike
/// `saturatedShare` it ignores the background, whose value says nothing about the
/// strokes. 0 when the images have no ink. In [0, 1].
public func saturatedInkShare(_ images: Tensor, threshold: Float = 0.98) -> Double {
    precondition(images.count > 0, "saturatedInkShare: empty tensor of shape \(images.shape)")
    precondition(threshold > 0, "saturatedInkShare: threshold must be positive, got \(threshold)")
    var ink = 0, white = 0
    images.scalars.withUnsafeBufferPointer { x in
        for v in x where v > 0 {
            ink += 1
            if v >= threshold { white += 1 }
        }
    }
    return ink == 0 ? 0 : Double(white) / Double(ink)
}
