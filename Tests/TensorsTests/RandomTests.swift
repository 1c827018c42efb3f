// RandomTests.swift — the seeded generator and the distributions built on it.
//
// Statistical checks use 10⁵ draws from a fixed seed, so they are deterministic; each
// tolerance is about four standard errors of the statistic (so a correct generator
// would pass for almost every seed, and a wrong mean, scale or range fails by far).

import Testing
import Tensors

@Suite struct RandomTests {
    let n = 100_000

    @Test func sameSeedSameSequence() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        let xs = (0..<1000).map { _ in a.next() }
        let ys = (0..<1000).map { _ in b.next() }
        #expect(xs == ys)
        var c = SeededGenerator(seed: 7), d = SeededGenerator(seed: 7)
        #expect(Tensor.randn([4, 5], using: &c).scalars == Tensor.randn([4, 5], using: &d).scalars)
        #expect(Tensor.uniform([9], using: &c).scalars == Tensor.uniform([9], using: &d).scalars)
        #expect(c.permutation(20) == d.permutation(20))
    }

    @Test func differentSeedsDiffer() {
        var a = SeededGenerator(seed: 0), b = SeededGenerator(seed: 1)
        let xs = (0..<100).map { _ in a.next() }
        let ys = (0..<100).map { _ in b.next() }
        #expect(zip(xs, ys).allSatisfy { $0 != $1 })     // 64-bit collisions: ~2⁻⁵⁸ odds
        #expect(Set(xs).count == 100)
    }

    /// Uniform on [0, 1): mean 1/2, variance 1/12. Standard errors for n = 10⁵:
    /// mean √(1/12/n) ≈ 9.1e-4 (tolerance 4e-3); variance √((1/80 − 1/144)/n) ≈ 2.4e-4
    /// (tolerance 1e-3).
    @Test func uniformMoments() {
        var rng = SeededGenerator(seed: 2024)
        let u = (0..<n).map { _ in rng.nextUniform() }
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        let (mean, variance) = moments(u)
        #expect(Swift.abs(mean - 0.5) < 4e-3, "mean \(mean)")
        #expect(Swift.abs(variance - 1.0 / 12) < 1e-3, "variance \(variance)")
        // Each tenth of [0, 1) gets ≈ n/10 = 10⁴ draws (standard error ≈ 95).
        var bins = [Int](repeating: 0, count: 10)
        for x in u { bins[Int(x * 10)] += 1 }
        #expect(bins.allSatisfy { Swift.abs($0 - 10_000) < 400 }, "\(bins)")

        var r2 = SeededGenerator(seed: 3)
        let d = (0..<1000).map { _ in r2.nextUniformDouble() }
        #expect(d.allSatisfy { $0 >= 0 && $0 < 1 })
        let t = Tensor.uniform([1000], low: -3, high: 5, using: &r2)
        #expect(t.scalars.allSatisfy { $0 >= -3 && $0 < 5 })
        #expect(t.minValue() < -2.9 && t.maxValue() > 4.9)
    }

    /// Standard normal: standard errors for n = 10⁵ are 1/√n ≈ 3.2e-3 for the mean
    /// (tolerance 0.013), ≈ 1/√(2n) ≈ 2.2e-3 for the standard deviation (tolerance
    /// 0.009), and √(p(1 − p)/n) ≈ 1.5e-3 for the fraction within 1σ, p = 0.6827
    /// (tolerance 0.006).
    @Test func normalMoments() {
        var rng = SeededGenerator(seed: 2025)
        let z = Tensor.randn([n], using: &rng).scalars
        #expect(z.allSatisfy { $0.isFinite })
        let (mean, variance) = moments(z)
        #expect(Swift.abs(mean) < 0.013, "mean \(mean)")
        #expect(Swift.abs(variance.squareRoot() - 1) < 0.009, "std \(variance.squareRoot())")
        let within = Double(z.filter { Swift.abs($0) < 1 }.count) / Double(n)
        #expect(Swift.abs(within - 0.6827) < 0.006, "fraction within 1σ \(within)")
        // Single draws, and mean/std parameters (standard errors 2/√n, ≈ 2/√(2n)).
        let single = (0..<n).map { _ in rng.nextNormal() }
        let (m1, v1) = moments(single)
        #expect(Swift.abs(m1) < 0.013 && Swift.abs(v1.squareRoot() - 1) < 0.009)
        let shifted = Tensor.randn([n], mean: 3, std: 2, using: &rng).scalars
        let (m2, v2) = moments(shifted)
        #expect(Swift.abs(m2 - 3) < 0.026, "mean \(m2)")
        #expect(Swift.abs(v2.squareRoot() - 2) < 0.018, "std \(v2.squareRoot())")
        // An odd count fills every value (the pairs' last second value is dropped).
        #expect(Tensor.randn([3, 3], using: &rng).scalars.allSatisfy { $0 != 0 })
        #expect(Tensor.randn(like: Tensor.zeros([2, 5]), using: &rng).shape == [2, 5])
    }

    /// nextInt stays in its range and hits every value about equally often
    /// (7 values × ≈ 10⁴ draws each; standard error ≈ 93, tolerance 400).
    @Test func nextIntCoversRange() {
        var rng = SeededGenerator(seed: 5)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 {
            let k = rng.nextInt(in: -3..<4)
            #expect(k >= -3 && k < 4)
            counts[k + 3] += 1
        }
        #expect(counts.allSatisfy { Swift.abs($0 - 10_000) < 400 }, "\(counts)")
        #expect((0..<100).allSatisfy { _ in rng.nextInt(in: 5..<6) == 5 })
        let ts = randomInts(1000, in: 0..<1000, using: &rng)
        #expect(ts.count == 1000 && ts.allSatisfy { (0..<1000).contains($0) })
        #expect(Set(ts).count > 550)                // ≈ 632 distinct expected (1 − 1/e)
        // Ranges of more than Int.max values (whose `count` would overflow Int), and
        // one of 2⁶² + 1 values, for which the rejection step discards ≈ 1/4 of draws.
        let wide = (0..<1000).map { _ in rng.nextInt(in: Int.min / 2 ..< Int.max / 2 + 10) }
        #expect(wide.allSatisfy { $0 >= Int.min / 2 && $0 < Int.max / 2 + 10 })
        #expect(wide.contains { $0 < 0 } && wide.contains { $0 > 0 })
        let full = (0..<1000).map { _ in rng.nextInt(in: Int.min ..< Int.max) }
        #expect(full.contains { $0 < Int.min / 2 } && full.contains { $0 > Int.max / 2 })
        let quarter = (0..<1000).map { _ in rng.nextInt(in: 0 ..< (1 << 62) + 1) }
        #expect(quarter.allSatisfy { $0 >= 0 && $0 <= 1 << 62 })
        #expect(quarter.contains { $0 < 1 << 60 } && quarter.contains { $0 > 3 << 60 })
    }

    @Test func permutations() {
        var rng = SeededGenerator(seed: 6)
        for size in [0, 1, 2, 10, 257] {
            let p = rng.permutation(size)
            #expect(p.sorted() == Array(0..<size))
        }
        var a = SeededGenerator(seed: 10), b = SeededGenerator(seed: 11)
        let pa = a.permutation(50), pb = b.permutation(50)
        #expect(pa != pb)
        #expect(pa != Array(0..<50))
        // Every position receives every value about equally often: the first slot
        // of 4000 permutations of 4 holds each value ≈ 1000 times (s.e. ≈ 27).
        var first = [Int](repeating: 0, count: 4)
        for _ in 0..<4000 { first[rng.permutation(4)[0]] += 1 }
        #expect(first.allSatisfy { Swift.abs($0 - 1000) < 120 }, "\(first)")
    }

    func moments(_ xs: [Float]) -> (mean: Double, variance: Double) {
        let mean = xs.reduce(0.0) { $0 + Double($1) } / Double(xs.count)
        let variance = xs.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(xs.count)
        return (mean, variance)
    }
}
