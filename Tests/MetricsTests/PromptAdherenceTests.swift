// PromptAdherenceTests.swift — measured bins against the true bins of synthetic
// digits, and the adherence table on a hand-made case.

import Datasets
import Metrics
import Tensors
import Testing

@Suite struct PromptAdherenceTests {
    /// The default calibration (5,000 digits, about a quarter of a second), shared.
    static let calibration = AttributeCalibration.calibrate()

    /// `count` held-out synthetic digits (seed 1, never the calibration's) with styles.
    static func heldOut(_ count: Int) -> (images: Tensor, labels: [Int], styles: [DigitStyle]) {
        var rng = SeededGenerator(seed: 1)
        return SyntheticDigits.batchWithStyles(count, using: &rng)
    }

    /// The bins' shares in the calibration data are those of the generator: ⅓ each for
    /// size, thickness and width, 30.85 / 38.29 / 30.85 % for slant. Each share of 5,000
    /// digits has a standard error of at most √(0.25/5,000) ≈ 0.007; tolerance 0.03.
    @Test func sharesAreTheGenerators() {
        let exact: [PromptAttribute: [Double]] = [
            .size: [1 / 3.0, 1 / 3.0, 1 / 3.0], .thickness: [1 / 3.0, 1 / 3.0, 1 / 3.0],
            .slant: [0.3085, 0.3829, 0.3085], .width: [1 / 3.0, 1 / 3.0, 1 / 3.0],
        ]
        for a in PromptAttribute.allCases {
            let shares = (0..<3).map { Self.calibration.share(a, bin: $0) }
            #expect(abs(shares.reduce(0, +) - 1) < 1e-12)
            for b in 0..<3 { #expect(abs(shares[b] - exact[a]![b]) < 0.03, "\(a) bin \(b): \(shares[b])") }
        }
    }

    /// The ceiling: on 3,000 held-out digits the measured bin equals the true bin about
    /// as often as the calibration's documented figures (measured on 10,000: size 81.7 %,
    /// thickness 78.2 %, slant 75.9 %, width 64.2 %; chance 33–34 %). Standard error of
    /// each share at n = 3,000: √(0.25 · 0.75/3,000) ≈ 0.008; the margin is 0.04 (5 of them).
    @Test func calibrationRecoversTrueBins() {
        let (images, labels, styles) = Self.heldOut(3000)
        let measured = Self.calibration.bins(of: images, digits: labels)
        #expect(measured.count == 3000 && measured.allSatisfy { $0.count == 4 && $0.allSatisfy { (0...2).contains($0) } })
        let ceiling: [PromptAttribute: Double] = [.size: 0.817, .thickness: 0.782, .slant: 0.759, .width: 0.642]
        for a in PromptAttribute.allCases {
            let agree = zip(measured, styles).filter { $0[a.rawValue] == DigitPrompt.bin(of: a, style: $1) }.count
            let share = Double(agree) / Double(styles.count)
            let chance = (0..<3).reduce(0.0) { $0 + Self.calibration.share(a, bin: $1) * Self.calibration.share(a, bin: $1) }
            #expect(share >= ceiling[a]! - 0.04, "\(a): measured bin = true bin for \(share)")
            #expect(share - chance > 0.25, "\(a): \(share) against chance \(chance)")
            // `bin(_:of:digit:)` is what `bins` uses, image by image.
            let attributes = DigitAttributes.measure(images)
            #expect((0..<50).allSatisfy { Self.calibration.bin(a, of: attributes[$0], digit: labels[$0]) == measured[$0][a.rawValue] })
        }
    }

    /// Prompts that tell the truth score near the ceiling; prompts that ask for the
    /// opposite extreme (bold for a thin digit, …) score far below chance — low and
    /// high bins are rarely confused (measured on 10,000 held-out digits: under 0.1 % for
    /// size, 0 and 4.4 % for thin and bold digits, under 0.6 % for slant, 2.5 and 4.8 %
    /// for narrow and wide ones; bound 10 %).
    @Test func truthfulAndOppositePrompts() {
        let (images, labels, styles) = Self.heldOut(2000)
        let truthful = styles.map { DigitPrompt(style: $0) }
        let opposite = styles.map { s in
            let flip = { (a: PromptAttribute) -> Int? in
                let b = DigitPrompt.bin(of: a, style: s)
                return b == 1 ? nil : 2 - b
            }
            return DigitPrompt(digit: s.digit, size: flip(.size), thickness: flip(.thickness),
                               slant: flip(.slant), width: flip(.width))
        }
        let good = PromptAdherence.rows(images: images, prompts: truthful, digits: labels, calibration: Self.calibration)
        let bad = PromptAdherence.rows(images: images, prompts: opposite, digits: labels, calibration: Self.calibration)
        #expect(good.map(\.word) == ["small", "large", "thin", "bold", "left", "upright", "right", "narrow", "wide"])
        #expect(bad.map(\.word) == ["small", "large", "thin", "bold", "left", "right", "narrow", "wide"])
        for row in good {
            #expect(row.agreement > 0.6 && row.agreement > row.chance + 0.25, "\(row.word): \(row.agreement)")
        }
        for row in bad { #expect(row.agreement < 0.1, "\(row.word) asked of its opposite: \(row.agreement)") }
        // Asked counts are the prompts' words: "bold" once per truly bold digit.
        let bold = styles.filter { DigitPrompt.bin(of: .thickness, style: $0) == 2 }.count
        #expect(good.first { $0.word == "bold" }!.asked == bold)
    }

    /// Rows on a hand-picked set: four images ask for "bold", three of them measured bold
    /// and one thin (75 %); one asks for "thin left" and is measured thin and left (100 %
    /// each); one asks for nothing. Words nobody asked for get no row.
    @Test func rowsOnAHandMadeCase() {
        let (images, labels, _) = Self.heldOut(400)
        let measured = Self.calibration.bins(of: images, digits: labels)
        let (thickness, slant) = (PromptAttribute.thickness.rawValue, PromptAttribute.slant.rawValue)
        let bold = measured.indices.filter { measured[$0][thickness] == 2 }
        let thin = measured.indices.filter { measured[$0][thickness] == 0 && measured[$0][slant] != 0 }
        let thinLeft = measured.indices.filter { measured[$0][thickness] == 0 && measured[$0][slant] == 0 }
        let picked = [bold[0], bold[1], bold[2], thin[0], thinLeft[0], bold[3]]
        let prompts = [DigitPrompt(digit: nil, thickness: 2), DigitPrompt(digit: 7, thickness: 2),
                       DigitPrompt(digit: nil, thickness: 2), DigitPrompt(digit: nil, thickness: 2),
                       DigitPrompt(digit: 1, thickness: 0, slant: 0), .null]
        let pixels = 28 * 28
        let subset = Tensor(shape: [6, 1, 28, 28],
                            scalars: picked.flatMap { images.scalars[($0 * pixels)..<(($0 + 1) * pixels)] })
        let rows = PromptAdherence.rows(images: subset, prompts: prompts, digits: picked.map { labels[$0] },
                                        calibration: Self.calibration)
        #expect(rows.map(\.word) == ["thin", "bold", "left"])
        #expect(rows.map(\.attribute) == [.thickness, .thickness, .slant])
        #expect(rows.map(\.asked) == [1, 4, 1])
        #expect(rows.map(\.agreement) == [1, 0.75, 1])
        #expect(rows.map(\.chance) == [Self.calibration.share(.thickness, bin: 0), Self.calibration.share(.thickness, bin: 2),
                                       Self.calibration.share(.slant, bin: 0)])
        #expect(PromptAdherence.rows(images: subset, prompts: [DigitPrompt](repeating: .null, count: 6),
                                     digits: picked.map { labels[$0] }, calibration: Self.calibration).isEmpty)
    }
}
