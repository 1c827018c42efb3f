// DigitPromptTests.swift — the true styles of synthetic digits, and the word prompts
// made from them: bins, parsing, descriptions, and training's prompt dropout.

import Datasets
import Tensors
import Testing

/// A style with the given attributes (the digit 3 unless told; every attribute in its
/// middle bin unless told).
private func style(height: Float = 18, penRadius: Float = 1.35, slant: Float = 0.06, widthScale: Float = 0.875,
                   digit: Int = 3) -> DigitStyle {
    DigitStyle(digit: digit, penRadius: penRadius, slant: slant, widthScale: widthScale, height: height)
}

/// The bit patterns of a tensor's values: equal means byte-identical.
private func bits(_ t: Tensor) -> [UInt32] { t.scalars.map(\.bitPattern) }

@Suite struct DigitPromptTests {
    // MARK: styles

    /// `batchWithStyles` draws the very same images and labels as `batch` from the same
    /// state, and leaves the stream in the same place (the next batches agree too): the
    /// styles are read from the hands, nothing extra is drawn.
    @Test func stylesBatchIsTheBatch() {
        var a = SyntheticDigits(seed: 11), b = SyntheticDigits(seed: 11)
        for _ in 0..<2 {
            let plain = a.batch(100)
            let styled = b.batchWithStyles(100)
            #expect(bits(plain.images) == bits(styled.images))
            #expect(plain.labels == styled.labels && styled.styles.count == 100)
            #expect(styled.styles.map(\.digit) == styled.labels)
        }
        let classes = [7, 7, 0, 1, 2, 3, 4, 5, 6, 8, 9]
        #expect(bits(a.batch(11, classes: classes).images) == bits(b.batchWithStyles(11, classes: classes).images))

        var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3)
        let plain = SyntheticDigits.batch(50, using: &g1)
        let styled = SyntheticDigits.batchWithStyles(50, using: &g2)
        #expect(bits(plain.images) == bits(styled.images) && plain.labels == styled.labels)
        #expect(g1.next() == g2.next())
        #expect(SyntheticDigits.batchWithStyles(0, using: &g1).styles.isEmpty)
    }

    /// The styles lie in the default (lifelike) generator's ranges
    /// (LifelikeHandwriting.swift): height U(15.5, 20.5), pen radius 1 … 2.1, width
    /// scale U(0.6, 1.15), slant clipped to [−0.35, 0.6]; the classic ones in theirs.
    @Test func stylesInTheirRanges() {
        for generation in DigitGeneration.allCases {
            var digits = SyntheticDigits(seed: 12, generation: generation)
            let styles = digits.batchWithStyles(1000).styles
            #expect(styles.allSatisfy { generation.heightRange.contains($0.height) }, "\(generation)")
            #expect(styles.allSatisfy { generation.penRadiusRange.contains($0.penRadius) }, "\(generation)")
            #expect(styles.allSatisfy { generation.widthScaleRange.contains($0.widthScale) }, "\(generation)")
            #expect(styles.allSatisfy { generation.slantRange.contains($0.slant) }, "\(generation)")
            // Not constant: each spans most of its range.
            #expect(styles.map(\.height).max()! - styles.map(\.height).min()! > 3)
            #expect(styles.map(\.slant).max()! - styles.map(\.slant).min()! > 0.6)
        }
        #expect(DigitGeneration.lifelike.heightRange == 15.5...20.5 && DigitGeneration.lifelike.penRadiusRange == 1...2.1)
        #expect(DigitGeneration.lifelike.widthScaleRange == 0.6...1.15 && DigitGeneration.lifelike.slantRange == -0.35...0.6)
    }

    /// The bins split the default digits as designed (DigitPrompt.swift): a third each
    /// for size, thickness and width, and 30.85 / 38.3 / 30.85 % for slant (mean ± σ/2
    /// of N(0.06, 0.22²)). 6,000 digits, seed 15: a share's standard error is at most
    /// √(0.383 · 0.617 / 6,000) ≈ 0.0063, the tolerance 4 of them (±0.025). The classic
    /// digits, binned with the same thresholds, are not split in thirds (their pens stop
    /// at 1.5, below "bold"; their heights start at 17, so ≈ 48 % are "large"), which
    /// shows the thresholds are the lifelike ones.
    @Test func binSharesOfTheDefaultDigits() {
        var digits = SyntheticDigits(seed: 15)
        let styles = digits.batchWithStyles(6000).styles
        let expected: [PromptAttribute: [Double]] = [.size: [1 / 3, 1 / 3, 1 / 3], .thickness: [1 / 3, 1 / 3, 1 / 3],
                                                     .slant: [0.3085, 0.3829, 0.3085], .width: [1 / 3, 1 / 3, 1 / 3]]
        for a in PromptAttribute.allCases {
            var counts = [0, 0, 0]
            for s in styles { counts[DigitPrompt.bin(of: a, style: s)] += 1 }
            for bin in 0..<3 {
                let share = Double(counts[bin]) / Double(styles.count)
                #expect(abs(share - expected[a]![bin]) <= 0.025, "\(a) bin \(bin): \(share)")
            }
        }
        var classic = SyntheticDigits(seed: 15, generation: .classic)
        let classicStyles = classic.batchWithStyles(1000).styles
        let large = classicStyles.filter { DigitPrompt.bin(of: .size, style: $0) == 2 }.count
        #expect(large > 420, "classic digits binned large: \(large) of 1,000")
        #expect(classicStyles.allSatisfy { DigitPrompt.bin(of: .thickness, style: $0) < 2 })
    }

    // MARK: bins and words

    /// The vocabulary, its order and the null prompt.
    @Test func vocabulary() {
        #expect(DigitPrompt.vocabulary == ["<pad>", "small", "large", "thin", "bold", "left", "upright", "right",
                                           "narrow", "wide", "zero", "one", "two", "three", "four", "five", "six",
                                           "seven", "eight", "nine"])
        #expect(DigitPrompt.length == 5 && DigitPrompt.padToken == 0)
        #expect(DigitPrompt.null.tokens == [0, 0, 0, 0, 0])
        #expect(DigitPrompt.null.description == "<pad> <pad> <pad> <pad> <pad>")
        #expect(DigitPrompt.null.digit == nil && PromptAttribute.allCases.allSatisfy { DigitPrompt.null.bin($0) == nil })
        #expect(PromptAttribute.allCases.map(\.name) == ["size", "thickness", "slant", "width"])
        #expect(PromptAttribute.slant.words == ["left", "upright", "right"] && PromptAttribute.width.words == ["narrow", "wide"])
    }

    /// Each threshold belongs to the upper bin; a hair below it to the lower one.
    @Test func binsAtTheBoundaries() {
        func bin(_ a: PromptAttribute, _ s: DigitStyle) -> Int { DigitPrompt.bin(of: a, style: s) }
        let cases: [(PromptAttribute, Float, Float, (Float) -> DigitStyle)] = [
            (.size, DigitPrompt.smallBelow, DigitPrompt.largeFrom, { style(height: $0) }),
            (.thickness, DigitPrompt.thinBelow, DigitPrompt.boldFrom, { style(penRadius: $0) }),
            (.slant, DigitPrompt.leftBelow, DigitPrompt.rightFrom, { style(slant: $0) }),
            (.width, DigitPrompt.narrowBelow, DigitPrompt.wideFrom, { style(widthScale: $0) }),
        ]
        for (a, low, high, make) in cases {
            #expect(bin(a, make(low.nextDown)) == 0, "\(a) just below \(low)")
            #expect(bin(a, make(low)) == 1, "\(a) at \(low)")
            #expect(bin(a, make(high.nextDown)) == 1, "\(a) just below \(high)")
            #expect(bin(a, make(high)) == 2, "\(a) at \(high)")
        }
        #expect(abs(DigitPrompt.smallBelow - 17.1667) < 1e-3 && abs(DigitPrompt.largeFrom - 18.8333) < 1e-3)
        #expect(abs(DigitPrompt.narrowBelow - 0.7833) < 1e-3 && abs(DigitPrompt.wideFrom - 0.9667) < 1e-3)
        #expect(DigitPrompt.thinBelow == 1.147 && DigitPrompt.boldFrom == 1.565)
        #expect(DigitPrompt.leftBelow == -0.05 && DigitPrompt.rightFrom == 0.17)
        #expect(bin(.slant, style(slant: -0.35)) == 0 && bin(.slant, style(slant: 0.6)) == 2)
        #expect(bin(.size, style(height: 15.5)) == 0 && bin(.size, style(height: 20.5)) == 2)
    }

    /// The full prompt of a style: a middle bin writes <pad>, except slant's "upright".
    @Test func promptFromStyle() {
        let big = DigitPrompt(style: style(height: 20, penRadius: 1.8, slant: 0.3, widthScale: 0.9, digit: 7))
        #expect(big.description == "large bold right <pad> seven")
        #expect(big.bin(.size) == 2 && big.bin(.thickness) == 2 && big.bin(.slant) == 2 && big.bin(.width) == nil)
        #expect(big.digit == 7)
        let plain = DigitPrompt(style: style(height: 18.5, penRadius: 1.3, slant: 0.1, widthScale: 0.9, digit: 0))
        #expect(plain.description == "<pad> <pad> upright <pad> zero" && plain.bin(.slant) == 1)
        let small = DigitPrompt(style: style(height: 16.5, penRadius: 1.05, slant: -0.1, widthScale: 0.7, digit: 9))
        #expect(small.description == "small thin left narrow nine")
        #expect(small.tokens == [1, 3, 5, 8, 19])
    }

    /// `init(digit:size:…)` writes bins as words; a middle bin without a word is <pad>.
    @Test func promptFromBins() {
        #expect(DigitPrompt(digit: 7, thickness: 2).description == "<pad> bold <pad> <pad> seven")
        #expect(DigitPrompt(digit: nil, size: 0, slant: 1, width: 2).description == "small <pad> upright wide <pad>")
        #expect(DigitPrompt(digit: 4, size: 1, thickness: 1, width: 1) == DigitPrompt(digit: 4))
        #expect(DigitPrompt(digit: nil) == .null)
        #expect(DigitPrompt(tokens: [2, 0, 6, 9, 11]) == DigitPrompt(digit: 1, size: 2, slant: 1, width: 2))
    }

    // MARK: parsing

    /// Words in any order, <pad> anywhere, case ignored; empty text is the null prompt.
    @Test func parsing() throws {
        let expected = DigitPrompt(digit: 7, size: 2, thickness: 2, slant: 2)
        #expect(try DigitPrompt(parsing: "large bold right <pad> seven") == expected)
        #expect(try DigitPrompt(parsing: "seven right bold large") == expected)
        #expect(try DigitPrompt(parsing: "  <pad> Seven   BOLD <pad> large right <pad> ") == expected)
        #expect(try DigitPrompt(parsing: "") == .null)
        #expect(try DigitPrompt(parsing: "   ") == .null)
        #expect(try DigitPrompt(parsing: "<pad> <pad>") == .null)
        #expect(try DigitPrompt(parsing: "upright").bin(.slant) == 1)
        #expect(try DigitPrompt(parsing: "zero").digit == 0)
    }

    /// An unknown word is named, with the list of words; so are two words for one slot.
    @Test func parsingErrors() {
        #expect(throws: PromptError("unknown prompt word \"bolt\"; the words are: <pad>, small, large, thin, bold, "
                                    + "left, upright, right, narrow, wide, zero, one, two, three, four, five, six, "
                                    + "seven, eight, nine")) {
            try DigitPrompt(parsing: "bolt seven")
        }
        #expect(throws: PromptError("two words for the thickness: \"thin\" and \"bold\"; a prompt has at most one word per slot")) {
            try DigitPrompt(parsing: "thin bold")
        }
        #expect(throws: PromptError("two words for the digit: \"three\" and \"seven\"; a prompt has at most one word per slot")) {
            try DigitPrompt(parsing: "three large seven")
        }
        #expect(throws: PromptError.self) { try DigitPrompt(parsing: "left right") }
        #expect(throws: PromptError.self) { try DigitPrompt(parsing: "wide wide") }
        #expect(throws: PromptError.self) { try DigitPrompt(parsing: "7") }
        do {
            _ = try DigitPrompt(parsing: "large bolt")
        } catch {
            #expect(!error.description.contains("\n") && error.description.hasPrefix("unknown prompt word \"bolt\""))
        }
    }

    /// Every prompt of 300 synthetic digits, and a dropped copy of each, reads back
    /// from its description unchanged.
    @Test func descriptionRoundTrips() throws {
        var digits = SyntheticDigits(seed: 13)
        var rng = SeededGenerator(seed: 14)
        for s in digits.batchWithStyles(300).styles {
            let full = DigitPrompt(style: s)
            let partial = full.dropped(wordProbability: 0.5, promptProbability: 0.1, using: &rng)
            for p in [full, partial] {
                #expect(try DigitPrompt(parsing: p.description) == p, "\(p)")
                #expect(DigitPrompt(tokens: p.tokens) == p)
            }
            #expect(full.digit == s.digit)
        }
    }

    // MARK: dropout

    /// 10,000 droppings of a full prompt with p(prompt) = 0.1, p(word) = 0.3, seed 0.
    /// The null share is binomial: standard error √(0.1 · 0.9 / 10,000) = 0.003, and the
    /// tolerance is 4 of them (±0.012). Among the ≈ 9,000 kept prompts each attribute
    /// word is <pad> with probability 0.3: standard error √(0.3 · 0.7 / 9,000) ≈ 0.0048,
    /// tolerance ±0.02. The digit survives every prompt that is not null.
    @Test func dropoutStatistics() {
        let full = DigitPrompt(digit: 7, size: 2, thickness: 0, slant: 1, width: 2)
        var rng = SeededGenerator(seed: 0)
        let n = 10_000
        var nulls = 0, kept = 0
        var padded = [Int](repeating: 0, count: 4)
        for _ in 0..<n {
            let p = full.dropped(wordProbability: 0.3, promptProbability: 0.1, using: &rng)
            if p == .null { nulls += 1; continue }
            kept += 1
            #expect(p.digit == 7)
            for a in PromptAttribute.allCases {
                if p.bin(a) == nil { padded[a.rawValue] += 1 } else { #expect(p.bin(a) == full.bin(a)) }
            }
        }
        let nullShare = Double(nulls) / Double(n)
        #expect(abs(nullShare - 0.1) <= 0.012, "null share \(nullShare)")
        for a in PromptAttribute.allCases {
            let share = Double(padded[a.rawValue]) / Double(kept)
            #expect(abs(share - 0.3) <= 0.02, "\(a): word dropped in \(share) of kept prompts")
        }
    }

    /// Probabilities 0 and 1 do what they say, and every call draws the same number of
    /// values whatever the prompt, so the generator's stream does not depend on it.
    @Test func dropoutEdgesAndDeterminism() {
        let full = DigitPrompt(digit: 2, size: 0, thickness: 2, slant: 0, width: 0)
        var rng = SeededGenerator(seed: 5)
        #expect(full.dropped(wordProbability: 0, promptProbability: 0, using: &rng) == full)
        #expect(full.dropped(wordProbability: 0, promptProbability: 1, using: &rng) == .null)
        #expect(full.dropped(wordProbability: 1, promptProbability: 0, using: &rng) == DigitPrompt(digit: 2))

        var g1 = SeededGenerator(seed: 6), g2 = SeededGenerator(seed: 6), g3 = SeededGenerator(seed: 6)
        _ = full.dropped(wordProbability: 0.3, promptProbability: 0.1, using: &g1)
        _ = DigitPrompt.null.dropped(wordProbability: 0.3, promptProbability: 0.1, using: &g2)
        _ = full.dropped(wordProbability: 0.3, promptProbability: 1, using: &g3)
        let next = g1.next()
        #expect(g2.next() == next && g3.next() == next)
        // Same seed, same droppings.
        var h1 = SeededGenerator(seed: 7), h2 = SeededGenerator(seed: 7)
        let first = (0..<50).map { _ in full.dropped(wordProbability: 0.3, promptProbability: 0.1, using: &h1) }
        let second = (0..<50).map { _ in full.dropped(wordProbability: 0.3, promptProbability: 0.1, using: &h2) }
        #expect(first == second)
    }
}
