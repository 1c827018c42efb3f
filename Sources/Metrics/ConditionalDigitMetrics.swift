// ConditionalDigitMetrics.swift — the measures of a guidance sweep, for one set of
// digits that were asked to be of given classes.
//
// Against one fixed set of real digits of the same classes (balanced like the
// requests), with the digit classifier's 128-d features:
//   accuracy            requested-class accuracy (ClassConditional.swift)
//   FD, FD per class    Fréchet distance overall, and the mean over classes of the
//                       FD between a class's samples and its real digits
//   diversity           mean over classes of trace Σ_generated / trace Σ_real
//   precision, recall   Kynkäänniemi et al. 2019, k = 3   (PrecisionRecall.swift)
//   density, coverage   Naeem et al. 2020, k = 5
//   saturation          share of final pixels with |x| ≥ 0.98 (Saturation.swift), and
//                       of ink pixels (x > 0) at x ≥ 0.98: strokes burnt white
//   clipped             share of x̂₀ values the sampler clipped (given by the caller)
//   slant/thickness     mean over classes of the within-class standard deviation of
//   spread              the attribute, over the real digits' (DigitAttributes.swift)
// "Mean over classes" skips classes with fewer than 2 samples (a request for one
// digit is scored on that digit).

import Tensors

/// Scores class-conditional samples against one fixed set of real digits.
public struct ConditionalDigitMetrics {
    /// The measures of one set of samples (shares in [0, 1]).
    public struct Scores: Sendable {
        /// Requested-class accuracy.
        public let accuracy: Double
        /// FD-digits overall, and the mean of the per-class FDs.
        public let fd, fdPerClass: Double
        /// Mean per-class trace ratio of the feature covariances (1: as varied as real).
        public let diversity: Double
        /// Precision and recall (k = 3), density and coverage (k = 5).
        public let precision, recall, density, coverage: Double
        /// Share of final pixels with |x| ≥ 0.98, of ink pixels at ≥ 0.98, and of x̂₀
        /// values clipped on the way.
        public let saturation, inkSaturation, clipped: Double
        /// Mean per-class spread of slant and of thickness over the real digits' (1: as varied).
        public let slantSpread, thicknessSpread: Double

        /// The table cells, in the order of `ConditionalDigitMetrics.header`'s columns after the first.
        public var cells: [String] {
            [percent(accuracy, 1), number(fd), number(fdPerClass), number(diversity), number(precision), number(recall),
             number(density), number(coverage), percent(saturation, 1), percent(inkSaturation, 1), percent(clipped, 1), number(slantSpread), number(thicknessSpread)]
        }
        private func number(_ x: Double) -> String { x.isFinite ? String(format: "%.3f", x) : "–" }
        private func percent(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f %%", 100 * x) }
    }

    /// The column titles: `first` names the rows, then one per score.
    public static func header(_ first: String) -> [String] {
        [first, "accuracy", "FD", "FD per class", "diversity", "precision", "recall", "density", "coverage",
         "|x| ≥ 0.98", "ink ≥ 0.98", "x̂₀ clipped", "slant spread", "thickness spread"]
    }

    /// The classifier whose features and predictions are used.
    public let classifier: DigitClassifier
    /// The classes of the real digits.
    public let labels: [Int]
    /// The number of classes.
    public let classes: Int
    /// The real digits' features `[n, 128]`.
    public let realFeatures: Tensor
    /// The real digits' per-class spread of slant and thickness.
    public let realSpread: [(slant: Double, thickness: Double)]

    /// Measures against `real` digits `[n, 1, 28, 28]` whose classes are `labels`.
    public init(classifier: DigitClassifier, real: Tensor, labels: [Int], classes: Int) {
        precondition(real.shape.first == labels.count, "ConditionalDigitMetrics: \(labels.count) labels for real digits \(real.shape)")
        self.classifier = classifier
        self.labels = labels
        self.classes = classes
        realFeatures = classifier.predict(real).features                                      // [n, 128]
        realSpread = DigitAttributes.spread(DigitAttributes.measure(real), labels: labels, classes: classes)
    }

    /// Every score of `images` `[m, 1, 28, 28]` asked to be of classes `requested`;
    /// `clippedShare` is what the sampler reported (0 if unknown).
    public func scores(_ images: Tensor, requested: [Int], clippedShare: Double = 0) -> Scores {
        precondition(images.shape.first == requested.count, "ConditionalDigitMetrics: \(requested.count) labels for images \(images.shape)")
        let (features, probabilities) = classifier.predict(images)                           // [m, 128], [m, 10]
        let fidelity = FidelityDiversity.measure(real: realFeatures, generated: features)
        let fdPerClass = perClass(generated: features, generatedLabels: requested, real: realFeatures, realLabels: labels,
                                  classes: classes) { frechetDistance($0, $1) }
        let diversity = perClass(generated: features, generatedLabels: requested, real: realFeatures, realLabels: labels,
                                 classes: classes) { featureDiversity(generated: $0, real: $1) }
        let spread = DigitAttributes.spread(DigitAttributes.measure(images), labels: requested, classes: classes)
        return Scores(accuracy: requestedClassAccuracy(predicted: rowArgmax(probabilities), requested: requested),
                      fd: frechetDistance(features, realFeatures), fdPerClass: Self.mean(fdPerClass), diversity: Self.mean(diversity),
                      precision: fidelity.precision, recall: fidelity.recall, density: fidelity.density, coverage: fidelity.coverage,
                      saturation: saturatedShare(images), inkSaturation: saturatedInkShare(images), clipped: clippedShare,
                      slantSpread: Self.mean(zip(spread, realSpread).map { $0.slant / $1.slant }),
                      thicknessSpread: Self.mean(zip(spread, realSpread).map { $0.thickness / $1.thickness }))
    }

    /// The mean of the finite values (NaN when there are none).
    static func mean(_ xs: [Double]) -> Double {
        let finite = xs.filter(\.isFinite)
        return finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
    }
}
