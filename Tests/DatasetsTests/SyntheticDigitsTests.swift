// SyntheticDigitsTests.swift — the procedurally hand-written digits.
//
// Fixed seeds make every check deterministic; the bands are wide enough that they
// would hold for almost any seed (stated next to each), and narrow enough that an
// empty image, a blob, a clipped stroke or a class that looks like another fails.

import Datasets
import Tensors
import Testing

@Suite struct SyntheticDigitsTests {
    static let pixels = SyntheticDigits.imageSize * SyntheticDigits.imageSize
    /// The offsets of the outermost pixels of a 28 × 28 image: top, bottom, left, right.
    static let frame: [Int] = (0..<28).flatMap { (k: Int) -> [Int] in [k, 27 * 28 + k, k * 28, k * 28 + 27] }

    @Test func sameSeedSameBytes() {
        var a = SyntheticDigits(seed: 5), b = SyntheticDigits(seed: 5), c = SyntheticDigits(seed: 6)
        let (x, y) = a.batch(32)
        let (x2, y2) = b.batch(32)
        #expect(x.scalars == x2.scalars && y == y2)
        let (x3, _) = c.batch(32)
        #expect(x.scalars != x3.scalars)
        // The stream moves on: the next batch is different from the first.
        #expect(a.batch(32).images.scalars != x.scalars)

        var g1 = SeededGenerator(seed: 1), g2 = SeededGenerator(seed: 1)
        #expect(SyntheticDigits.render(digit: 7, using: &g1).scalars == SyntheticDigits.render(digit: 7, using: &g2).scalars)
        #expect(SyntheticDigits.batch(4, using: &g1).images.scalars == SyntheticDigits.batch(4, using: &g2).images.scalars)
    }

    @Test func shapesAndRange() {
        var digits = SyntheticDigits(seed: 0)
        let (x, y) = digits.batch(50)
        #expect(x.shape == [50, 1, 28, 28])
        #expect(y.count == 50 && y.allSatisfy { (0..<10).contains($0) })
        #expect(x.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
        var rng = SeededGenerator(seed: 0)
        let one = SyntheticDigits.render(digit: 3, using: &rng)
        #expect(one.shape == [1, 28, 28])
        #expect(one.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
        #expect(digits.batch(0).images.shape == [0, 1, 28, 28])
    }

    @Test func givenClassesAreTheLabels() {
        var digits = SyntheticDigits(seed: 2)
        let classes = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
        #expect(digits.batch(10, classes: classes).labels == classes)
    }

    /// 5,000 labels: each class count is binomial(5000, 0.1), mean 500 and standard
    /// error √(5000 · 0.1 · 0.9) ≈ 21; the tolerance is 5 standard errors.
    @Test func labelsRoughlyUniform() {
        var digits = SyntheticDigits(seed: 4)
        let (_, labels) = digits.batch(5000)
        var counts = [Int](repeating: 0, count: 10)
        for label in labels { counts[label] += 1 }
        #expect(counts.allSatisfy { Swift.abs($0 - 500) <= 105 }, "\(counts)")
    }

    /// Each image has a pure background (−1), some full ink (≥ 0.99), an ink fraction
    /// (pixels above 0) between 2 % and 30 % — MNIST averages about 19 % non-zero
    /// pixels; a thin 1 has about 3 %, a blob would have far more — and a blank outer
    /// frame: the fit keeps every stroke at least one pixel from the edge, so nothing is
    /// clipped.
    @Test func inkIsPlausibleAndNeverClipped() {
        var digits = SyntheticDigits(seed: 7)
        let n = 1000
        let (x, labels) = digits.batch(n)
        for i in 0..<n {
            let image = x.scalars[(i * Self.pixels)..<((i + 1) * Self.pixels)]
            let ink = Double(image.filter { $0 > 0 }.count) / Double(Self.pixels)
            #expect(ink > 0.02 && ink < 0.30, "image \(i) (a \(labels[i])): ink fraction \(ink)")
            #expect(image.min() == -1 && image.max()! >= 0.99, "image \(i): range \(image.min()!) … \(image.max()!)")
            #expect(Self.frame.allSatisfy { image[image.startIndex + $0] == -1 }, "image \(i) (a \(labels[i])) touches the edge")
        }
    }

    /// Class means: two independent means of the same class (300 images each) are almost
    /// identical (correlation > 0.98), the means of 0 and 1 are not (correlation < 0.75;
    /// measured ≈ 0.68 for the default, lifelike digits, whose 1s have flags and feet,
    /// ≈ 0.32 for the classic ones), and every class's mean correlates with a
    /// second mean of its own class more than with any other class's mean, by at least
    /// 0.08 (the closest pair, 3 and 8, is at ≈ 0.86).
    @Test func classMeansAreDistinct() {
        var digits = SyntheticDigits(seed: 99)
        var first: [[Float]] = [], second: [[Float]] = []
        for c in 0..<10 {
            let same = [Int](repeating: c, count: 300)
            first.append(meanImage(digits.batch(300, classes: same).images))
            second.append(meanImage(digits.batch(300, classes: same).images))
        }
        #expect(correlation(first[1], first[0]) < 0.75)
        for a in 0..<10 {
            let own = correlation(first[a], second[a])
            #expect(own > 0.98, "class \(a): two means correlate only \(own)")
            for b in 0..<10 where b != a {
                let other = correlation(first[a], second[b])
                #expect(own - other > 0.08, "class \(a) vs \(b): own \(own), other \(other)")
            }
        }
    }
}
