// PrecisionRecall.swift — fidelity and diversity of generated features as four shares:
// precision and recall, density and coverage.
//
// References: T. Kynkäänniemi, T. Karras, S. Laine, J. Lehtinen, T. Aila, "Improved
// Precision and Recall Metric for Assessing Generative Models" (NeurIPS 2019), eqs. 1–3;
// M. F. Naeem, S. J. Oh, Y. Uh, Y. Choi, J. Yoo, "Reliable Fidelity and Diversity
// Metrics for Generative Models" (ICML 2020), eqs. 3–4.
//
// Real features X = {x_1 … x_N}, generated features Y = {y_1 … y_M}, all in ℝ^D. The
// k-NN ball of a point of a set is the closed ball around it whose radius is the
// distance to its k-th nearest neighbour in the same set, the point itself excluded
// (PairwiseDistances.swift):
//
//     B(x_i) = { z : ‖z − x_i‖ ≤ r_k(x_i) }
//
// Each set's balls together estimate the region its distribution lives on (its
// "manifold"). Then, with 1[·] = 1 when true and 0 otherwise:
//
//     precision = (1/M) Σ_j 1[y_j ∈ ∪_i B(x_i)]             k = 3  fidelity: are samples realistic?
//     recall    = (1/N) Σ_i 1[x_i ∈ ∪_j B(y_j)]             k = 3  diversity: is all of the data reached?
//     density   = (1/(k M)) Σ_j Σ_i 1[y_j ∈ B(x_i)]         k = 5  fidelity, counting overlapping balls
//     coverage  = (1/N) Σ_i 1[∃ j: y_j ∈ B(x_i)]            k = 5  diversity, using real balls only
//
// Precision, recall and coverage lie in [0, 1]; density is ≥ 0 and has expectation
// exactly 1 when Y and X are drawn from the same distribution (a generated point is
// then as likely as any real one to be among x_i's k nearest), more than 1 when
// samples crowd into dense regions of the data. Recall uses balls around the
// *generated* points, so a few generated outliers with large balls inflate it;
// coverage avoids that by using the real balls only (Naeem et al.'s motivation), and
// when Y is drawn like X its expectation is 1 − C(N−1, k)/(N+M−1 choose k)
// ≈ 1 − 2^−k for M = N.
//
// Balls are closed (≤, as in Kynkäänniemi et al.'s definition); the reference `prdc`
// code tests `<`, which differs only on ties such as hand-made lattices. All distances
// are computed in Double, and compared squared.

import Tensors

/// Precision and recall (Kynkäänniemi et al. 2019) and density and coverage
/// (Naeem et al. 2020) of generated features against real features.
/// See `PrecisionRecall.swift` for the definitions.
public struct FidelityDiversity: Sendable, Equatable {
    /// The share of generated points inside at least one real point's k-NN ball
    /// (k = `kPrecisionRecall`): how many samples look real. In [0, 1].
    public let precision: Double
    /// The share of real points inside at least one generated point's k-NN ball
    /// (k = `kPrecisionRecall`): how much of the data the samples reach. In [0, 1].
    public let recall: Double
    /// (1/(k·M)) Σ_j Σ_i 1[generated j in real i's k-NN ball] (k = `kDensityCoverage`):
    /// 1 on average for samples drawn like the data, above 1 when they crowd into dense
    /// regions, below 1 when they stray. ≥ 0.
    public let density: Double
    /// The share of real points whose k-NN ball (k = `kDensityCoverage`) holds at least
    /// one generated point. In [0, 1].
    public let coverage: Double
    /// The k of precision and recall (3 in Kynkäänniemi et al.).
    public let kPrecisionRecall: Int
    /// The k of density and coverage (5 in Naeem et al.).
    public let kDensityCoverage: Int
    /// The number of real points N.
    public let realCount: Int
    /// The number of generated points M.
    public let generatedCount: Int

    /// Precision, recall, density and coverage of `generated` features `[M, D]`
    /// against `real` features `[N, D]`, with N, M > max(k's).
    ///
    /// Costs O((N + M)² D) for the distance matrices: N = M = 1000, D = 128 takes about
    /// a quarter of a second on one core. Use the same N and M when comparing runs: all four
    /// numbers depend on the set sizes (balls shrink as N grows).
    public static func measure(real: Tensor, generated: Tensor,
                               kPrecisionRecall: Int = 3, kDensityCoverage: Int = 5) -> FidelityDiversity {
        precondition(real.rank == 2 && generated.rank == 2,
                     "FidelityDiversity: need features real [N, D] and generated [M, D], got \(real.shape) and \(generated.shape)")
        precondition(real.shape[1] == generated.shape[1],
                     "FidelityDiversity: feature dimensions differ: real \(real.shape), generated \(generated.shape)")
        precondition(kPrecisionRecall >= 1 && kDensityCoverage >= 1,
                     "FidelityDiversity: k must be at least 1, got kPrecisionRecall = \(kPrecisionRecall), kDensityCoverage = \(kDensityCoverage)")
        let (n, m, d) = (real.shape[0], generated.shape[0], real.shape[1])
        let kMax = max(kPrecisionRecall, kDensityCoverage)
        precondition(n > kMax,
                     "FidelityDiversity: the real set has \(n) points; a k-NN radius with k = \(kMax) needs more than \(kMax)")
        precondition(m > kPrecisionRecall,
                     "FidelityDiversity: the generated set has \(m) points; a k-NN radius with k = \(kPrecisionRecall) needs more than \(kPrecisionRecall)")

        let x = doubleRows(real), y = doubleRows(generated)                                // [N, D], [M, D]
        let realReal = squaredDistances(within: x, count: n, dimension: d)                 // [N, N]
        let genGen = squaredDistances(within: y, count: m, dimension: d)                   // [M, M]
        let realGen = squaredDistances(x, count: n, y, count: m, dimension: d)             // [N, M]
        let realRadiusPR = squaredNeighbourRadii(realReal, count: n, k: kPrecisionRecall)  // [N]
        let realRadiusDC = squaredNeighbourRadii(realReal, count: n, k: kDensityCoverage)  // [N]
        let genRadiusPR = squaredNeighbourRadii(genGen, count: m, k: kPrecisionRecall)     // [M]

        var generatedInReal = [Bool](repeating: false, count: m)   // y_j in some B_3(x_i): precision
        var realInGenerated = [Bool](repeating: false, count: n)   // x_i in some B_3(y_j): recall
        var realCovered = [Bool](repeating: false, count: n)       // some y_j in B_5(x_i): coverage
        var ballCount = 0                                           // Σ_j Σ_i 1[y_j in B_5(x_i)]: density
        for i in 0..<n {
            for j in 0..<m {
                let dist = realGen[i * m + j]
                if dist <= realRadiusPR[i] { generatedInReal[j] = true }
                if dist <= genRadiusPR[j] { realInGenerated[i] = true }
                if dist <= realRadiusDC[i] { realCovered[i] = true; ballCount += 1 }
            }
        }
        func share(_ flags: [Bool]) -> Double { Double(flags.lazy.filter { $0 }.count) / Double(flags.count) }
        return FidelityDiversity(precision: share(generatedInReal), recall: share(realInGenerated),
                                 density: Double(ballCount) / Double(kDensityCoverage * m),
                                 coverage: share(realCovered),
                                 kPrecisionRecall: kPrecisionRecall, kDensityCoverage: kDensityCoverage,
                                 realCount: n, generatedCount: m)
    }
}
