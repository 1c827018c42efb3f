// DigitGeneration.swift — which generator SyntheticDigits draws with.
//
//     classic    the generator every pretrained model of the kit was trained on; its
//                output for a seed never changes (the default everywhere)
//     lifelike   closer to real handwriting (issue 17, item 3): more of the common
//                alternative forms (a 1 with a flag and a foot, a crossed 7, a looped
//                2, a 9 whose tail curls left), thicker pens with a wider spread, a
//                wider spread of slant, width and size (LifelikeGlyphs.swift,
//                LifelikeHandwriting.swift)
//
//     var digits = SyntheticDigits(seed: 0, generation: .lifelike)
//
// Opt-in until the kit's pretrained models are retrained together on lifelike digits.

/// The generator behind a `SyntheticDigits` stream; `.classic` is the default.
public enum DigitGeneration: String, Sendable, CaseIterable {
    /// The original generator: byte for byte the digits the pretrained models saw.
    case classic
    /// Closer to real handwriting: more alternative forms, thicker and more varied strokes.
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
