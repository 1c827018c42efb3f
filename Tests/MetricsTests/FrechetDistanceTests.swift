// FrechetDistanceTests.swift — the Fréchet distance against closed forms.
//
// Exact checks use point sets whose sample means and covariances are known exactly
// (the corners of a cube, scaled and shifted), so the only error is rounding; a
// statistical check uses Gaussian samples and explains its tolerance.

import Metrics
import Tensors
import Testing

@Suite struct FrechetDistanceTests {
    /// A set against itself: every term cancels, FD = 0 up to rounding.
    @Test func selfDistanceIsZero() {
        var rng = SeededGenerator(seed: 1)
        let z = Tensor.randn([400, 16], using: &rng)
        let mixing = Tensor.randn([16, 16], using: &rng)
        let features = matmul(z, mixing) + 3                               // correlated, non-zero mean [400, 16]
        let fd = frechetDistance(features, features)
        let trace = FeatureStatistics(features: features).covariance.enumerated()
            .filter { $0.offset % 17 == 0 }.reduce(0) { $0 + $1.element }
        #expect(fd >= 0 && fd < 1e-9 * trace, "FD(a, a) = \(fd), trace Σ = \(trace)")
    }

    /// N < D gives a singular covariance; the clamped square roots keep FD finite and ≈ 0.
    @Test func rankDeficientSelfDistance() {
        var rng = SeededGenerator(seed: 2)
        let features = Tensor.randn([10, 32], using: &rng)                 // rank ≤ 9
        let fd = frechetDistance(features, features)
        // Σ has 23 zero eigenvalues that come out as ±1e-16; their square roots (≤ 1e-8
        // each) may survive in the trace of M^{1/2}: allow 1e-6 against a trace of ≈ 32.
        #expect(fd.isFinite && fd < 1e-6, "FD = \(fd)")
    }

    /// Diagonal covariances: FD = ‖μa − μb‖² + Σ_d (σa_d − σb_d)² · N/(N − 1), exactly,
    /// for the cube corners scaled by σ and shifted by μ (sample covariance
    /// σ²·N/(N − 1) on the diagonal, 0 elsewhere).
    @Test func diagonalGaussiansMatchClosedForm() {
        let corners = cubeCorners(dimension: 4)                            // N = 16
        let (mu_a, sigma_a) = ([0.25, -1.0, 2.0, 0.0], [0.5, 2.0, 1.5, 3.0])
        let (mu_b, sigma_b) = ([1.0, 0.5, 2.0, -0.75], [1.0, 0.25, 1.5, 4.0])
        let a = corners.map { x in (0..<4).map { mu_a[$0] + sigma_a[$0] * x[$0] } }
        let b = corners.map { x in (0..<4).map { mu_b[$0] + sigma_b[$0] * x[$0] } }
        let n = Double(corners.count)
        var expected = 0.0
        for d in 0..<4 {
            let dm = mu_a[d] - mu_b[d], ds = sigma_a[d] - sigma_b[d]
            expected += dm * dm + ds * ds * n / (n - 1)
        }
        let fd = frechetDistance(points(a), points(b))
        #expect(abs(fd - expected) < 1e-9, "FD \(fd), closed form \(expected)")

        // FD is invariant under a rotation of both sets: the same value, now with full
        // (non-diagonal) covariances. Rotating in Float costs ≈ 1e-7 relative.
        let r = rotation(dimension: 4, angles: [0.3, -1.1, 0.7, 2.0, 0.4])
        let fdRotated = frechetDistance(points(apply(r, to: a)), points(apply(r, to: b)))
        #expect(abs(fdRotated - expected) < 1e-5 * expected, "rotated FD \(fdRotated), closed form \(expected)")
    }

    /// Non-commuting 2 × 2 covariances. For a 2 × 2 PSD matrix M with eigenvalues λ1, λ2,
    /// (√λ1 + √λ2)² = tr M + 2√det M; with M = Σa^{1/2} Σb Σa^{1/2}:
    /// Tr M^{1/2} = √(tr(Σa Σb) + 2√(det Σa det Σb)), an independent closed form.
    @Test func nonCommutingCovariancesMatchClosedForm() {
        let sa = [2.0, 0.6, 0.6, 1.0], sb = [1.0, -0.3, -0.3, 0.5]
        let (ma, mb) = ([1.0, -2.0], [0.5, 0.0])
        let trAB = sa[0] * sb[0] + sa[1] * sb[2] + sa[2] * sb[1] + sa[3] * sb[3]
        let detA = sa[0] * sa[3] - sa[1] * sa[2], detB = sb[0] * sb[3] - sb[1] * sb[2]
        let traceRoot = (trAB + 2 * (detA * detB).squareRoot()).squareRoot()
        let expected = 0.25 + 4 + (sa[0] + sa[3]) + (sb[0] + sb[3]) - 2 * traceRoot
        let fd = frechetDistance(FeatureStatistics(mean: ma, covariance: sa),
                                 FeatureStatistics(mean: mb, covariance: sb))
        #expect(abs(fd - expected) < 1e-12, "FD \(fd), closed form \(expected)")
    }

    /// Gaussian samples: N(μa, diag σa²) against N(μb, diag σb²) in 3-D, closed form
    /// ‖Δμ‖² + Σ(σa − σb)² = 2 + 1.25 = 3.25. With N = 20,000 per set, each sample mean is off
    /// by ≈ σ/√N ≤ 0.014 and each sample std by ≈ σ/√(2N) ≤ 0.01, which moves FD by
    /// about 2·|Δμ|·0.014 + 2·|Δσ|·0.01 ≈ 0.06 at most (one standard deviation is
    /// smaller; the finite-N bias is ≈ D·σ²/N ≈ 0.001). Tolerance 0.1.
    @Test func gaussianSamplesMatchClosedForm() {
        var rng = SeededGenerator(seed: 3)
        let n = 20_000
        let (mu_a, sigma_a): ([Float], [Float]) = ([0, 1, -1], [1, 2, 0.5])
        let (mu_b, sigma_b): ([Float], [Float]) = ([1, 1, 0], [1.5, 1, 0.5])
        func draw(_ mu: [Float], _ sigma: [Float]) -> Tensor {
            let z = Tensor.randn([n, 3], using: &rng)                      // [N, 3]
            return z * Tensor(shape: [1, 3], scalars: sigma) + Tensor(shape: [1, 3], scalars: mu)
        }
        let a = draw(mu_a, sigma_a), b = draw(mu_b, sigma_b)
        var expected = 0.0
        for d in 0..<3 {
            let dm = Double(mu_a[d] - mu_b[d]), ds = Double(sigma_a[d] - sigma_b[d])
            expected += dm * dm + ds * ds
        }
        let fd = frechetDistance(a, b)
        #expect(abs(expected - 3.25) < 1e-12)
        #expect(abs(fd - expected) < 0.1, "FD \(fd), closed form \(expected)")
    }

    /// The statistics themselves: mean and unbiased covariance of a hand-made set.
    @Test func featureStatistics() {
        let stats = FeatureStatistics(features: points([[1, 2], [3, 6], [5, 4]]))
        #expect(stats.mean == [3, 4])
        // deviations (−2, −2), (0, 2), (2, 0): Σ = [[8, 4], [4, 8]] / 2
        #expect(stats.covariance == [4, 2, 2, 4])
        #expect(stats.count == 3 && stats.dimension == 2)
    }
}
