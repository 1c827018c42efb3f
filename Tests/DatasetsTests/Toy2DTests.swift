// Toy2DTests.swift — the 2-D toy distributions: shape, determinism, scale, and the
// exact parameters of the eight-Gaussian mixture.
//
// Statistical checks use a fixed seed, so they are deterministic; each tolerance is
// a few standard errors of the statistic (stated next to it), so a correct sampler
// passes for almost any seed while a wrong mean, scale or mode fails by far.

import Datasets
import Tensors
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct Toy2DTests {
    @Test func namesRoundTrip() {
        #expect(Toy2D.allNames == ["swiss-roll", "two-moons", "eight-gaussians", "checkerboard", "circles"])
        for toy in Toy2D.allCases { #expect(Toy2D(rawValue: toy.rawValue) == toy) }
        #expect(Toy2D(rawValue: "moons") == nil)
    }

    @Test(arguments: Toy2D.allCases)
    func shapeAndDeterminism(_ toy: Toy2D) {
        var a = SeededGenerator(seed: 11), b = SeededGenerator(seed: 11), c = SeededGenerator(seed: 12)
        let x = toy.sample(500, using: &a)
        #expect(x.shape == [500, 2])
        #expect(x.scalars.allSatisfy { $0.isFinite })
        #expect(x.scalars == toy.sample(500, using: &b).scalars, "same seed, same points")
        #expect(x.scalars != toy.sample(500, using: &c).scalars, "another seed, other points")
        #expect(toy.sample(0, using: &a).shape == [0, 2])
    }

    /// Every family is scaled to roughly unit standard deviation per axis (documented
    /// values 0.95 … 1.16) and centred within 0.35 of the origin. With 20,000 points the
    /// standard error of a standard deviation is about 1/√(2n) ≈ 0.005, far inside the band.
    @Test(arguments: Toy2D.allCases)
    func roughlyUnitScale(_ toy: Toy2D) {
        var rng = SeededGenerator(seed: 3)
        let x = toy.sample(20_000, using: &rng)
        for axis in 0..<2 {
            let (mean, std) = meanAndStd(column(x, axis))
            #expect(Swift.abs(mean) < 0.35, "\(toy) axis \(axis): mean \(mean)")
            #expect(std > 0.85 && std < 1.25, "\(toy) axis \(axis): std \(std)")
        }
    }

    /// The mixture's published parameters: eight means on a circle of radius √2 at
    /// angles kπ/4, a shared σ = √2/8, weights ⅛.
    @Test func eightGaussiansParameters() {
        #expect(EightGaussians.means.count == 8)
        #expect(EightGaussians.weights == [Float](repeating: 0.125, count: 8))
        #expect(Swift.abs(EightGaussians.radius - 1.41421356) < 1e-6)
        #expect(Swift.abs(EightGaussians.std - 0.1767767) < 1e-6)
        for (k, m) in EightGaussians.means.enumerated() {
            let angle = Double(k) * Double.pi / 4
            #expect(Swift.abs(Double(m.x) - 2.0.squareRoot() * cos(angle)) < 1e-6)
            #expect(Swift.abs(Double(m.y) - 2.0.squareRoot() * sin(angle)) < 1e-6)
        }
    }

    /// 80,000 draws, about n = 10,000 per mode. Per mode and axis, the sample mean has
    /// standard error σ/√n ≈ 0.0018 (tolerance 0.009 ≈ 5 SE) and the sample standard
    /// deviation σ/√(2n) ≈ 0.0013 (tolerance 0.006 ≈ 5 SE). Mode counts are binomial with
    /// standard error √(N·⅛·⅞) ≈ 94 (tolerance 470 ≈ 5 SE).
    @Test func eightGaussiansSamplesMatchParameters() {
        let total = 80_000
        var rng = SeededGenerator(seed: 2024)
        let (points, modes) = EightGaussians.sampleWithModes(total, using: &rng)
        #expect(points.shape == [total, 2] && modes.count == total)
        var again = SeededGenerator(seed: 2024)
        #expect(EightGaussians.sample(total, using: &again).scalars == points.scalars,
                "sample and sampleWithModes draw the same points")

        for k in 0..<8 {
            let rows = modes.indices.filter { modes[$0] == k }
            #expect(Swift.abs(rows.count - total / 8) < 470, "mode \(k): \(rows.count) points")
            for axis in 0..<2 {
                let values = rows.map { points.scalars[2 * $0 + axis] }
                let (mean, std) = meanAndStd(values)
                let expected = Double(axis == 0 ? EightGaussians.means[k].x : EightGaussians.means[k].y)
                #expect(Swift.abs(mean - expected) < 0.009, "mode \(k) axis \(axis): mean \(mean) vs \(expected)")
                #expect(Swift.abs(std - Double(EightGaussians.std)) < 0.006, "mode \(k) axis \(axis): std \(std)")
            }
        }
        // Whole mixture: per-axis variance R²/2 + σ² = 1 + 1/32 (std ≈ 1.0155).
        for axis in 0..<2 {
            let (_, std) = meanAndStd(column(points, axis))
            #expect(Swift.abs(std - (1 + 1.0 / 32).squareRoot()) < 0.015, "axis \(axis): std \(std)")
        }
    }

    /// Every point lies on a dark square: ⌊x + 2⌋ + ⌊y + 2⌋ even, inside [−2, 2]².
    @Test func checkerboardOnDarkSquares() {
        var rng = SeededGenerator(seed: 5)
        let x = Checkerboard.sample(5000, using: &rng)
        for i in 0..<5000 {
            let (px, py) = (x.scalars[2 * i], x.scalars[2 * i + 1])
            #expect(px >= -2 && px < 2 && py >= -2 && py < 2)
            #expect((Int((px + 2).rounded(.down)) + Int((py + 2).rounded(.down))) % 2 == 0, "(\(px), \(py))")
        }
    }

    /// Every point is within 5σ of one of the two radii (σ = 0.09; the circles are
    /// 0.9 apart), and both circles get about half the points (standard error 35 of 5000).
    @Test func circlesRadii() {
        var rng = SeededGenerator(seed: 6)
        let x = Circles.sample(5000, using: &rng)
        var outer = 0
        for i in 0..<5000 {
            let r = (x.scalars[2 * i] * x.scalars[2 * i] + x.scalars[2 * i + 1] * x.scalars[2 * i + 1]).squareRoot()
            let onOuter = Swift.abs(r - Circles.outerRadius) < 5 * Circles.noise
            let onInner = Swift.abs(r - Circles.outerRadius / 2) < 5 * Circles.noise
            #expect(onOuter || onInner, "radius \(r)")
            if onOuter { outer += 1 }
        }
        #expect(Swift.abs(outer - 2500) < 175)
    }

    /// Two moons are standardised with the exact moments of the noise-free shape, so
    /// the sample mean is ≈ 0 and the standard deviation ≈ √(1 + 0.05²/raw²) ≈ 1.00 … 1.01
    /// (n = 40,000: standard errors ≈ 0.005).
    @Test func twoMoonsStandardised() {
        var rng = SeededGenerator(seed: 8)
        let x = TwoMoons.sample(40_000, using: &rng)
        for axis in 0..<2 {
            let (mean, std) = meanAndStd(column(x, axis))
            #expect(Swift.abs(mean) < 0.025, "axis \(axis): mean \(mean)")
            #expect(Swift.abs(std - 1.005) < 0.025, "axis \(axis): std \(std)")
        }
    }
}
