// LifelikeGlyphs.swift — the forms of the lifelike generation (DigitGeneration.swift).
//
// The classic forms (DigitGlyphs.swift) with the alternatives real handwriting uses
// made common, and a few more. Measured against scikit-learn's real digits, the
// classic 1s were read as 8 or 4 (real 1s mostly have a flag, often a foot), the 9s
// as 3 (real 9s often end in a tail that curls left), and real 7s are often crossed:
//
//     1   a single stroke · with a long flag · with a flag and a foot
//     2   curved neck · straight diagonal · looped base
//     4   open top · closed top
//     7   plain · crossed · with a hook
//     9   straight stem · curved stem · tail curling left along the bottom
//
// 0, 3, 5, 6 and 8 keep their classic forms. Coordinates as in StrokePath.swift.

/// The forms of each digit in the lifelike generation: `LifelikeGlyphs.styles[d]`.
enum LifelikeGlyphs {
    static let styles: [[GlyphStyle]] = [DigitGlyphs.zero, one, two, DigitGlyphs.three, four,
                                         DigitGlyphs.five, DigitGlyphs.six, seven, DigitGlyphs.eight, nine]

    static let one = [
        GlyphStyle(name: "a single stroke", weight: 1, strokes: [
            Stroke(0.52, 0.00).quad(0.51, 0.50, 0.50, 1.00),
        ]),
        GlyphStyle(name: "with a flag", weight: 3, strokes: [
            Stroke(0.22, 0.36).line(0.58, 0.00).quad(0.55, 0.50, 0.52, 1.00),
        ]),
        GlyphStyle(name: "with a flag and a foot", weight: 3, strokes: [
            Stroke(0.22, 0.36).line(0.58, 0.00).quad(0.55, 0.50, 0.52, 0.98),
            Stroke(0.26, 0.99).line(0.80, 0.98),
        ]),
    ]

    static let two = [
        DigitGlyphs.two[0].reweighted(3),          // curved neck, flat base
        DigitGlyphs.two[1].reweighted(1),          // straight diagonal
        DigitGlyphs.two[2].reweighted(2),          // looped base
    ]

    static let four = [
        DigitGlyphs.four[0].reweighted(1),         // open top
        DigitGlyphs.four[1].reweighted(2),         // closed top
    ]

    static let seven = [
        GlyphStyle(name: "plain", weight: 2, strokes: [
            Stroke(0.18, 0.04).line(0.82, 0.03).quad(0.60, 0.40, 0.42, 1.00),
        ]),
        GlyphStyle(name: "crossed", weight: 3, strokes: [
            Stroke(0.18, 0.04).line(0.82, 0.03).quad(0.60, 0.40, 0.42, 1.00),
            Stroke(0.32, 0.54).line(0.82, 0.52),
        ]),
        DigitGlyphs.seven[2].reweighted(1),        // with a hook
    ]

    static let nine = [
        DigitGlyphs.nine[0].reweighted(1),         // loop and straight stem
        DigitGlyphs.nine[1].reweighted(1),         // loop and curved stem
        GlyphStyle(name: "tail curling left", weight: 2, strokes: [
            Stroke(0.78, 0.22)
                .curve(0.72, -0.02, 0.22, -0.02, 0.22, 0.26)
                .curve(0.22, 0.56, 0.70, 0.56, 0.78, 0.26)
                .curve(0.82, 0.62, 0.80, 0.96, 0.54, 0.98)
                .quad(0.32, 1.00, 0.24, 0.86),
        ]),
    ]
}

extension GlyphStyle {
    /// The same form chosen with another weight.
    func reweighted(_ weight: Float) -> GlyphStyle {
        GlyphStyle(name: name, weight: weight, strokes: strokes)
    }
}
