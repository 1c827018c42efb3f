// DigitStyle.swift — the true, drawn attributes of each synthetic digit.
//
// Every synthetic digit is written by a random hand (Handwriting.swift). Four of the
// hand's parameters are what a person would describe in words, and they are known
// exactly for every image, which makes SyntheticDigits a dataset with ground-truth
// attribute labels (the prompts of DigitPrompt.swift are made from them):
//
//     height      of the ink's bounding box in pixels, U(15.5, 20.5) (the fit may make
//                 a very wide digit a little smaller, to keep it at most 21 pixels wide)
//     penRadius   half the pen width in pixels, 1 … 2.1, most often thin (1 + 1.1·u²)
//     slant       the shear, N(0.06, 0.22²) clipped to [−0.35, 0.6]; positive leans right
//     widthScale  the horizontal scale of the glyph, U(0.6, 1.15)
//
// for the default, lifelike generation (LifelikeHandwriting.swift); the classic one draws
// narrower ranges, and `DigitGeneration`'s `penRadiusRange`, `slantRange`,
// `widthScaleRange` and `heightRange` give the ranges of either.
//
//     var digits = SyntheticDigits(seed: 0)
//     let (x, y, styles) = digits.batchWithStyles(64)
//
// `batchWithStyles` draws exactly the same images and labels as `batch` from the same
// generator state: the styles are read from the hands drawn anyway.

import Tensors

/// The drawn attributes of one synthetic digit (true values, from its Handwriting).
public struct DigitStyle: Sendable, Equatable {
    /// The digit, 0 … 9.
    public let digit: Int
    /// The pen radius (half the stroke width) in pixels, 1 … 2.1 (lifelike; see
    /// `DigitGeneration.penRadiusRange`).
    public let penRadius: Float
    /// The shear: how far the top leans right per unit of height (0 upright, negative
    /// leaning left), −0.35 … 0.6, mostly near 0.06 (lifelike; see `DigitGeneration.slantRange`).
    public let slant: Float
    /// The horizontal scale relative to the glyph's design width, 0.6 … 1.15 (lifelike;
    /// see `DigitGeneration.widthScaleRange`).
    public let widthScale: Float
    /// The height the ink's bounding box was fitted to, in pixels, 15.5 … 20.5 (lifelike;
    /// see `DigitGeneration.heightRange`).
    public let height: Float

    /// A style given directly (for tests and hand-made prompts).
    public init(digit: Int, penRadius: Float, slant: Float, widthScale: Float, height: Float) {
        self.digit = digit
        self.penRadius = penRadius
        self.slant = slant
        self.widthScale = widthScale
        self.height = height
    }

    /// The style of `digit` written by `hand`.
    init(digit: Int, hand: Handwriting) {
        self.init(digit: digit, penRadius: hand.penRadius, slant: hand.slant,
                  widthScale: hand.widthScale, height: hand.height)
    }
}

extension SyntheticDigits {
    /// The next `n` digits of the stream with the true attributes of each: the same
    /// images and labels as `batch(_:classes:)` would give from this state.
    ///
    /// - Returns: `images` `[n, 1, 28, 28]` in [−1, 1], `labels`, and `styles[i]` the
    ///   drawn attributes of image i.
    public mutating func batchWithStyles(_ n: Int, classes: [Int]? = nil)
        -> (images: Tensor, labels: [Int], styles: [DigitStyle]) {
        Self.batchWithStyles(n, classes: classes, generation: generation, using: &rng)
    }

    /// `n` digits with their styles, drawn with a generator of your own by `generation`
    /// (`.lifelike` by default); the same images and labels as
    /// `batch(_:classes:generation:using:)`. See `batchWithStyles(_:classes:)`.
    public static func batchWithStyles(_ n: Int, classes: [Int]? = nil, generation: DigitGeneration = .lifelike,
                                       using rng: inout some RandomNumberGenerator)
        -> (images: Tensor, labels: [Int], styles: [DigitStyle]) {
        draw(n, classes: classes, generation: generation, keepingStyles: true, using: &rng)
    }
}
