// SaturationTests.swift — the saturated share on hand-made images.

import Datasets
import Metrics
import Tensors
import Testing

@Suite struct SaturationTests {
    /// Eight values around the threshold 0.98: 0.98 and −0.98 count (≥ is inclusive,
    /// and Float(0.98) is the same number on both sides), 0.979 does not, −0.99, 1 and
    /// −1 count, 0 and 0.5 do not → 5/8. With threshold 1 only ±1 count → 2/8.
    @Test func countsAtAndAroundTheThreshold() {
        let image = Tensor(shape: [1, 1, 2, 4], scalars: [0.98, 0.979, -0.99, 1,
                                                          -1, 0, 0.5, -0.98])
        #expect(saturatedShare(image) == 5.0 / 8)
        #expect(saturatedShare(image, threshold: 1) == 2.0 / 8)
        #expect(saturatedShare(image, threshold: 0.5) == 7.0 / 8)          // all but 0
    }

    /// Shares over a batch: two images of 4 values, 1 + 3 saturated → 4/8, whatever
    /// the shape.
    @Test func sharesOverABatch() {
        let batch = Tensor(shape: [2, 1, 2, 2], scalars: [0.99, 0.1, 0.2, 0.3,
                                                          -1, 1, 0.985, -0.5])
        #expect(saturatedShare(batch) == 0.5)
        #expect(saturatedShare(batch.reshaped([8])) == 0.5)
    }

    /// Real digits: the background is exactly −1, so most pixels count, but strokes
    /// are anti-aliased, so not all. Uniform noise in [−1, 1] has share 0.02 on average
    /// (|x| ≥ 0.98 on 2% of the range); with 200·784 values the std is ≈ 0.0004.
    @Test func realDigitsAndNoise() {
        var rng = SeededGenerator(seed: 41)
        let digits = SyntheticDigits.batch(200, using: &rng).images
        let share = saturatedShare(digits)
        #expect(share > 0.5 && share < 1, "digits: \(share)")
        let noise = Tensor.uniform([200, 1, 28, 28], low: -1, high: 1, using: &rng)
        #expect(abs(saturatedShare(noise) - 0.02) < 0.002, "noise: \(saturatedShare(noise))")
        print("saturated share of real digits: \(share)")
    }

    /// Ink saturation counts only pixels above 0: of 0.99, 0.5, 0.98, 0.2, 1 (ink) three
    /// are ≥ 0.98 → 3/5; the background values −1, −0.99 and 0 are ignored. No ink → 0.
    @Test func inkSaturationIgnoresTheBackground() {
        let image = Tensor(shape: [1, 1, 2, 4], scalars: [0.99, 0.5, -1, 0.98,
                                                          0.2, -0.99, 0, 1])
        #expect(saturatedInkShare(image) == 3.0 / 5)
        #expect(saturatedInkShare(Tensor(shape: [1, 4], scalars: [-1, -0.5, 0, -0.2])) == 0)
    }
}
