// DigitGeneration.swift — which generator SyntheticDigits draws with.
//
//     lifelike   the default, and what the kit's pretrained models are trained on:
//                closer to real handwriting than classic, with more of the common
//                alternative forms (a 1 with a flag and a foot, a crossed 7, a looped
//                2, a 9 whose tail curls left), thicker pens with a wider spread, a
//                wider spread of slant, width and size (LifelikeGlyphs.swift,
//                LifelikeHandwriting.swift); realism 74.8 → 83.6 % (BENCHMARKS.md)
//     classic    the kit's first generator, plainer digits; its output for a seed
//                never changes
//
//     var digits = SyntheticDigits(seed: 0, generation: .classic)

/// The generator behind a `SyntheticDigits` stream; `.lifelike` is the default.
public enum DigitGeneration: String, Sendable, CaseIterable {
    /// The kit's first generator, plainer digits; byte for byte the same for a seed.
    case classic
    /// The default: closer to real handwriting, with more alternative forms and thicker,
    /// more varied strokes.
    case lifelike

    /// The pen radii this generation draws (`DigitStyle.penRadius`), in pixels.
    public var penRadiusRange: ClosedRange<Float> { self == .classic ? 0.85...1.5 : 1.0...2.1 }
    /// The slants this generation draws (`DigitStyle.slant`); positive leans right.
    public var slantRange: ClosedRange<Float> { self == .classic ? -0.3...0.55 : -0.35...0.6 }
    /// The width scales this generation draws (`DigitStyle.widthScale`).
    public var widthScaleRange: ClosedRange<Float> { self == .classic ? 0.7...1.3 : 0.6...1.15 }
    /// The ink heights this generation fits digits to (`DigitStyle.height`), in pixels.
    public var heightRange: ClosedRange<Float> { self == .classic ? 17...20.5 : 15.5...20.5 }

    /// The forms of each digit this generation writes, `glyphs[d]` for d = 0 … 9.
    var glyphs: [[GlyphStyle]] {
        switch self {
        case .classic: DigitGlyphs.styles
        case .lifelike: LifelikeGlyphs.styles
        }
    }

    /// Draws the hand of one copy of `digit`.
    func hand(of digit: Int, using rng: inout some RandomNumberGenerator) -> Handwriting {
        switch self {
        case .classic: Handwriting.random(using: &rng)
        case .lifelike: Handwriting.lifelike(digit: digit, using: &rng)
        }
    }
}
