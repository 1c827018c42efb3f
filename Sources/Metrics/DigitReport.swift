// DigitReport.swift — the scores of a batch of generated digits, ready to print.
//
//     let report = DigitMetrics.evaluate(samples: x, classifier: classifier, reference: real)
//     print(Console.table(report.table.header, report.table.rows))

import Foundation

/// The metrics of N generated digits: recognisability, class coverage and the
/// Fréchet distance of their classifier features to a reference set of real digits.
public struct DigitReport: Sendable {
    /// The number of generated digits N.
    public let count: Int
    /// The confidence threshold used for `recognisability`.
    public let threshold: Float
    /// The share of digits whose top class probability is ≥ `threshold`.
    public let recognisability: Float
    /// The histogram of predicted classes.
    public let coverage: ClassCoverage
    /// The Fréchet distance of the digits' classifier features to the reference's ("FD-digits").
    public let frechetDistance: Double
    /// The number of reference digits the FD was computed against.
    public let referenceCount: Int
    /// The FD between two real sets of N digits, when it was given: the value a
    /// perfect generator would score (FD is biased upwards for finite N).
    public let referenceFloor: Double?

    /// The share of digits predicted as each class 0 … 9.
    public var classShares: [Double] { coverage.shares }
    /// The entropy of the predicted classes, in nats (ln 10 ≈ 2.303 at best).
    public var entropy: Double { coverage.entropy }
    /// The entropy divided by ln 10: 1 when every digit is equally common.
    public var normalisedEntropy: Double { coverage.normalisedEntropy }

    /// Makes a report from its parts.
    public init(count: Int, threshold: Float, recognisability: Float, coverage: ClassCoverage,
                frechetDistance: Double, referenceCount: Int, referenceFloor: Double? = nil) {
        self.count = count
        self.threshold = threshold
        self.recognisability = recognisability
        self.coverage = coverage
        self.frechetDistance = frechetDistance
        self.referenceCount = referenceCount
        self.referenceFloor = referenceFloor
    }

    /// The headline numbers as a two-column table (metric, value), e.g. for
    /// `Console.table(header, rows)` or `Console.markdownTable`.
    public var table: (header: [String], rows: [[String]]) {
        var rows: [[String]] = [
            ["samples", "\(count)"],
            ["recognisable (p ≥ \(format(Double(threshold), 2)))", format(100 * Double(recognisability), 1) + "%"],
            ["class entropy (nats)", format(entropy, 3)],
            ["class entropy / ln 10", format(normalisedEntropy, 3)],
            ["smallest class share", format(100 * (classShares.min() ?? 0), 1) + "%"],
            ["FD-digits vs \(referenceCount) real", format(frechetDistance, 3)],
        ]
        if let referenceFloor { rows.append(["FD-digits floor (real vs real, n = \(count))", format(referenceFloor, 3)]) }
        return (["metric", "value"], rows)
    }

    /// The class histogram as a table (class, count, share).
    public var classTable: (header: [String], rows: [[String]]) {
        let rows = coverage.counts.enumerated().map { c, n in
            ["\(c)", "\(n)", format(100 * classShares[c], 1) + "%"]
        }
        return (["class", "count", "share"], rows)
    }

    /// `x` with `decimals` decimals.
    private func format(_ x: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", x)
    }
}
