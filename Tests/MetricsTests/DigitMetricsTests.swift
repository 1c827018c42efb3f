// DigitMetricsTests.swift — the digit report with the shipped classifier.

import Datasets
import Metrics
import Tensors
import Testing

@Suite struct DigitMetricsTests {
    /// Real digits score like real digits (recognisable, all classes, FD near the
    /// floor); uniform noise scores far worse. n = 200 keeps this under a second.
    @Test func realDigitsBeatNoise() throws {
        let classifier = try DigitClassifier.pretrained()
        var rng = SeededGenerator(seed: 13)
        let reference = SyntheticDigits.batch(200, using: &rng).images
        let real = SyntheticDigits.batch(200, using: &rng).images
        let noise = Tensor.uniform([200, 1, 28, 28], low: -1, high: 1, using: &rng)
        let floor = DigitMetrics.referenceFloor(n: 200, classifier: classifier, using: &rng)
        let good = DigitMetrics.evaluate(samples: real, classifier: classifier, reference: reference,
                                         referenceFloor: floor)
        let bad = DigitMetrics.evaluate(samples: noise, classifier: classifier, reference: reference)
        #expect(good.count == 200 && good.referenceCount == 200)
        #expect(good.recognisability > 0.9, "real digits: recognisability \(good.recognisability)")
        #expect(good.normalisedEntropy > 0.95, "real digits: entropy \(good.normalisedEntropy)")
        #expect(abs(good.classShares.reduce(0, +) - 1) < 1e-12)
        #expect(good.frechetDistance < 3 * floor, "real digits: FD \(good.frechetDistance), floor \(floor)")
        #expect(bad.frechetDistance > 10 * good.frechetDistance, "noise: FD \(bad.frechetDistance)")
        let table = good.table
        #expect(table.header == ["metric", "value"])
        #expect(table.rows.count == 7 && table.rows.allSatisfy { $0.count == 2 })
        #expect(good.classTable.rows.count == 10)
        #expect(bad.table.rows.count == 6)                                  // no floor given
    }
}
