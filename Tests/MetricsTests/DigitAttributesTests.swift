// DigitAttributesTests.swift — slant, thickness and size of hand-drawn test images,
// and plausible values on synthetic digits.

import Datasets
import Metrics
import Tensors
import Testing

/// A 28 × 28 image `[1, 1, 28, 28]`: background −1, the given (row, column) pixels +1.
private func drawing(_ inked: [(row: Int, column: Int)]) -> Tensor {
    var pixels = [Float](repeating: -1, count: 28 * 28)
    for p in inked { pixels[p.row * 28 + p.column] = 1 }
    return Tensor(shape: [1, 1, 28, 28], scalars: pixels)
}

/// A bar 3 px wide over rows 6 … 20 (15 rows, centre row 13), sheared by `s`: row r
/// covers columns c0 + round(s·(13 − r)) + {0, 1, 2}, c0 = 12, rounding half away from
/// zero. Positive s moves the top to the right ("/").
private func shearedBar(_ s: Double) -> Tensor {
    drawing((6...20).flatMap { r in
        let offset = Int((s * Double(13 - r)).rounded(.toNearestOrAwayFromZero))
        return (0..<3).map { (row: r, column: 12 + offset + $0) }
    })
}

@Suite struct DigitAttributesTests {
    /// An upright bar, columns 12 … 14, rows 6 … 20: every row has the same mean
    /// column, so Cov(column, row) = 0 and slant = 0; each row is one run of 3.
    @Test func uprightBar() {
        let bar = drawing((6...20).flatMap { r in (12...14).map { (row: r, column: $0) } })
        let a = DigitAttributes.measure(bar)[0]
        #expect(abs(a.slant) < 1e-6, "slant \(a.slant)")
        #expect(a.thickness == 3 && a.width == 3 && a.height == 15, "\(a)")
    }

    /// The sheared bar with s = 0.5. Let u = 13 − r ∈ {−7 … 7} (each row weighs 3
    /// pixels, so the moments are those of u): the column offset is 0.5u + e(u), where
    /// the rounding error e is 0 for even u and +0.5·sign(u) for odd u (halves round
    /// away from zero). slant = −Cov(c, r)/Var(r) = Cov(c, u)/Var(u)
    /// = 0.5 + Cov(e, u)/Var(u), with Var(u) = 2(1² + … + 7²)/15 = 280/15 and
    /// Cov(e, u) = 2·0.5·(1 + 3 + 5 + 7)/15 = 16/15: slant = 0.5 + 16/280 = 0.5571…
    /// exactly (to rounding), so "≈ 0.5" here means within 0.06, all of it from drawing
    /// on a pixel grid. s = −0.5 mirrors it: −0.5571….
    @Test func shearedBarsHaveSignedSlant() {
        let right = DigitAttributes.measure(shearedBar(0.5))[0]
        let left = DigitAttributes.measure(shearedBar(-0.5))[0]
        let byHand = 0.5 + 16.0 / 280
        #expect(abs(right.slant - byHand) < 1e-9, "leaning right: slant \(right.slant), by hand \(byHand)")
        #expect(abs(left.slant + byHand) < 1e-9, "leaning left: slant \(left.slant), by hand \(-byHand)")
        #expect(abs(right.slant - 0.5) < 0.06)
        // Offsets run from round(3.5) = 4 to round(−3.5) = −4: 9 + 2 columns wide.
        #expect(right.thickness == 3 && right.width == 11 && right.height == 15, "\(right)")
        #expect(left.thickness == 3 && left.width == 11 && left.height == 15, "\(left)")
    }

    /// An empty (all −1) image has no ink: every attribute is 0.
    @Test func emptyImageIsZero() {
        let a = DigitAttributes.measure(Tensor(repeating: -1, shape: [1, 1, 28, 28]))[0]
        #expect(a == DigitAttributes(slant: 0, thickness: 0, width: 0, height: 0), "\(a)")
    }

    /// A horizontal bar, columns 5 … 14 on rows 10 and 11: two runs of 10 → thickness 10,
    /// 10 wide and 2 tall; the two rows have the same mean column → slant 0.
    @Test func horizontalBar() {
        let bar = drawing((10...11).flatMap { r in (5...14).map { (row: r, column: $0) } })
        let a = DigitAttributes.measure(bar)[0]
        #expect(a.thickness == 10 && a.width == 10 && a.height == 2, "\(a)")
        #expect(abs(a.slant) < 1e-9, "slant \(a.slant)")
    }

    /// Runs are maximal and counted per row: a row with runs of 1 and 4 and a row with one
    /// run of 3 → 8 inked pixels / 3 runs. Grey values count by the 0.5 threshold: x = 0.2
    /// (q = 0.6) is inked, x = −0.2 (q = 0.4) is not, but both weigh in the slant.
    @Test func runsAndThreshold() {
        var pixels = [Float](repeating: -1, count: 28 * 28)
        for c in [2, 5, 6, 7, 8] { pixels[4 * 28 + c] = 1 }                  // row 4: runs 1 and 4
        for c in [10, 11] { pixels[9 * 28 + c] = 1 }                          // row 9: run of 3 …
        pixels[9 * 28 + 12] = 0.2                                             // … ending in grey ink
        pixels[20 * 28 + 3] = -0.2                                            // faint: not inked
        let a = DigitAttributes.measure(Tensor(shape: [1, 1, 28, 28], scalars: pixels))[0]
        #expect(abs(a.thickness - 8.0 / 3) < 1e-12, "thickness \(a.thickness)")
        #expect(a.width == 11 && a.height == 6, "\(a)")                      // columns 2 … 12, rows 4 … 9
    }

    /// Several images in one batch are measured independently, in order.
    @Test func batchKeepsOrder() {
        let upright = drawing((6...20).flatMap { r in (12...14).map { (row: r, column: $0) } })
        let batch = concat([shearedBar(0.5), upright, shearedBar(-0.5)], axis: 0)   // [3, 1, 28, 28]
        let a = DigitAttributes.measure(batch)
        #expect(a.count == 3 && a[0].slant > 0.5 && abs(a[1].slant) < 1e-6 && a[2].slant < -0.5)
    }

    /// Synthetic digits: values in plausible ranges (the mean horizontal run of the
    /// default digits, pens up to 2.1 px in radius, reached 9.4 px at most over 5,000 of
    /// them), and a finite spread in every class
    /// (200 digits give each class ≈ 20 members, all ≥ 2 for this seed).
    @Test func syntheticDigitsArePlausible() {
        var rng = SeededGenerator(seed: 51)
        let (images, labels) = SyntheticDigits.batch(200, using: &rng)
        let attributes = DigitAttributes.measure(images)
        #expect(attributes.count == 200)
        for (i, a) in attributes.enumerated() {
            #expect(a.thickness >= 1 && a.thickness <= 12, "image \(i) (\(labels[i])): thickness \(a.thickness)")
            #expect(abs(a.slant) < 1, "image \(i) (\(labels[i])): slant \(a.slant)")
            #expect((1...28).contains(a.width) && (1...28).contains(a.height), "image \(i) (\(labels[i])): \(a)")
        }
        let spread = DigitAttributes.spread(attributes, labels: labels, classes: 10)
        #expect(spread.count == 10)
        for (c, s) in spread.enumerated() {
            #expect(s.slant.isFinite && s.thickness.isFinite && s.slant > 0 && s.thickness > 0,
                    "class \(c): spread \(s)")
        }
        let mean = { (f: (DigitAttributes) -> Double) in attributes.reduce(0) { $0 + f($1) } / 200 }
        print("synthetic digits: mean slant \(mean(\.slant)), thickness \(mean(\.thickness)), "
              + "width \(mean { Double($0.width) }), height \(mean { Double($0.height) }); spread \(spread)")
    }

    /// The spread by hand: class 0 has slants 1, 2, 3 (std 1) and thicknesses 2, 2, 2
    /// (std 0); class 1 has one item (NaN: no spread from one value); class 2 none (NaN).
    @Test func spreadByHand() {
        let v = [1.0, 2, 3].map { DigitAttributes(slant: $0, thickness: 2, width: 5, height: 5) }
            + [DigitAttributes(slant: 0.3, thickness: 4, width: 5, height: 5)]
        let s = DigitAttributes.spread(v, labels: [0, 0, 0, 1], classes: 3)
        #expect(s.count == 3 && abs(s[0].slant - 1) < 1e-12 && s[0].thickness == 0)
        #expect(s[1].slant.isNaN && s[1].thickness.isNaN && s[2].slant.isNaN && s[2].thickness.isNaN)
    }
}
