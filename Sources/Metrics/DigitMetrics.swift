// DigitMetrics.swift — scoring generated digits with the digit classifier.
//
// One call runs the classifier over the samples (and the reference), then:
//   • recognisability — share of samples with top probability ≥ 0.9 (Recognisability.swift)
//   • class coverage  — histogram of predicted classes and its entropy (ClassCoverage.swift)
//   • FD-digits       — Fréchet distance between the 128-d penultimate features of
//                       the samples and of real digits (FrechetDistance.swift)
//
// FD has a floor above 0: two independent sets of N real digits already differ by
// sampling noise. `referenceFloor` measures it, so a report can say "12.4 (floor 1.1)".

import Datasets
import Tensors

/// Scores for batches of generated 28 × 28 digits.
public enum DigitMetrics {
    /// Scores `samples` `[N, 1, 28, 28]` (values in [−1, 1]) with `classifier`, and
    /// their Fréchet distance to real digits `reference` `[M, 1, 28, 28]` (M, N ≥ 2;
    /// use M = N to compare with `referenceFloor`).
    /// - Parameters:
    ///   - threshold: the confidence for `recognisability` (default 0.9).
    ///   - referenceFloor: the FD between two real sets of N digits, if measured; it is
    ///     shown in the report's table.
    public static func evaluate(samples: Tensor, classifier: DigitClassifier, reference: Tensor,
                                threshold: Float = 0.9, referenceFloor: Double? = nil) -> DigitReport {
        let referenceFeatures = classifier.predict(reference).features          // [M, 128]
        return evaluate(samples: samples, classifier: classifier,
                        referenceStatistics: FeatureStatistics(features: referenceFeatures),
                        threshold: threshold, referenceFloor: referenceFloor)
    }

    /// Like `evaluate(samples:classifier:reference:)`, with the reference's feature
    /// statistics computed once beforehand (`referenceStatistics(_:classifier:)`), for
    /// scoring several sample sets against the same real digits.
    public static func evaluate(samples: Tensor, classifier: DigitClassifier,
                                referenceStatistics: FeatureStatistics,
                                threshold: Float = 0.9, referenceFloor: Double? = nil) -> DigitReport {
        let n = samples.shape.first ?? 0
        precondition(n >= 2, "DigitMetrics.evaluate: need at least 2 samples [N, 1, 28, 28], got \(samples.shape)")
        let (features, probabilities) = classifier.predict(samples)               // [N, 128], [N, 10]
        return DigitReport(
            count: n, threshold: threshold,
            recognisability: recognisability(probabilities: probabilities, threshold: threshold),
            coverage: ClassCoverage(probabilities: probabilities),
            frechetDistance: Metrics.frechetDistance(FeatureStatistics(features: features), referenceStatistics),
            referenceCount: referenceStatistics.count, referenceFloor: referenceFloor)
    }

    /// The mean and covariance of `classifier`'s features of `images` `[M, 1, 28, 28]`.
    public static func referenceStatistics(_ images: Tensor, classifier: DigitClassifier) -> FeatureStatistics {
        FeatureStatistics(features: classifier.predict(images).features)
    }

    /// FD-digits between two image sets `[Na, 1, 28, 28]` and `[Nb, 1, 28, 28]`.
    public static func frechetDistance(_ a: Tensor, _ b: Tensor, classifier: DigitClassifier) -> Double {
        Metrics.frechetDistance(classifier.predict(a).features, classifier.predict(b).features)
    }

    /// The reference floor: FD-digits between two independent sets of `n` real
    /// SyntheticDigits drawn from `rng` (n ≥ 2). A generator as good as the data
    /// would score about this much with `n` samples.
    public static func referenceFloor(n: Int, classifier: DigitClassifier,
                                      using rng: inout some RandomNumberGenerator) -> Double {
        precondition(n >= 2, "DigitMetrics.referenceFloor: n must be at least 2, got \(n)")
        let first = SyntheticDigits.batch(n, using: &rng).images                  // [n, 1, 28, 28]
        let second = SyntheticDigits.batch(n, using: &rng).images                 // [n, 1, 28, 28]
        return frechetDistance(first, second, classifier: classifier)
    }
}
