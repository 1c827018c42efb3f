// DigitGlyphs.swift — the stroke descriptions of the digits 0 … 9.
//
// Each digit has one or more styles, the ways people commonly write it (a 1 with or
// without a flag, an open or a closed 4, a 7 with or without a bar), each with a
// weight: how often it is chosen. Coordinates are in the glyph box described in
// StrokePath.swift: x right, y down, the digit spanning y = 0 … 1 and, for most
// digits, x ≈ 0.2 … 0.8. Strokes run in the direction a hand would draw them.
//
// These are skeletons: the slant, proportions, curvature and pen width of every copy
// come from the random `Handwriting` applied when rendering.

/// One way of writing a digit.
struct GlyphStyle: Sendable {
    /// A short description, for reading the table below.
    let name: String
    /// How often this style is chosen, relative to the digit's other styles.
    let weight: Float
    /// The pen strokes, in drawing order.
    let strokes: [Stroke]
}

/// The styles of each digit: `DigitGlyphs.styles[d]` for d = 0 … 9.
enum DigitGlyphs {
    static let styles: [[GlyphStyle]] = [zero, one, two, three, four, five, six, seven, eight, nine]

    static let zero = [
        GlyphStyle(name: "oval, closed at the top", weight: 3, strokes: [
            Stroke(0.56, 0.03)
                .curve(0.32, 0.00, 0.20, 0.28, 0.21, 0.52)
                .curve(0.22, 0.80, 0.36, 1.00, 0.52, 0.99)
                .curve(0.72, 0.98, 0.80, 0.72, 0.79, 0.47)
                .curve(0.78, 0.20, 0.68, 0.01, 0.48, 0.05),
        ]),
        GlyphStyle(name: "oval with a tail past the start", weight: 1, strokes: [
            Stroke(0.62, 0.08)
                .curve(0.40, -0.04, 0.20, 0.22, 0.20, 0.50)
                .curve(0.20, 0.80, 0.36, 1.00, 0.52, 0.99)
                .curve(0.72, 0.98, 0.80, 0.74, 0.79, 0.48)
                .curve(0.78, 0.18, 0.60, 0.00, 0.40, 0.10),
        ]),
    ]

    static let one = [
        GlyphStyle(name: "a single stroke", weight: 5, strokes: [
            Stroke(0.52, 0.00).quad(0.51, 0.50, 0.50, 1.00),
        ]),
        GlyphStyle(name: "with a flag", weight: 3, strokes: [
            Stroke(0.38, 0.18).line(0.54, 0.00).quad(0.53, 0.50, 0.52, 1.00),
        ]),
        GlyphStyle(name: "with a flag and a base", weight: 1, strokes: [
            Stroke(0.38, 0.18).line(0.54, 0.00).quad(0.53, 0.50, 0.52, 0.98),
            Stroke(0.32, 0.99).line(0.74, 0.98),
        ]),
    ]

    static let two = [
        GlyphStyle(name: "curved neck, flat base", weight: 3, strokes: [
            Stroke(0.22, 0.24)
                .curve(0.26, 0.02, 0.72, -0.04, 0.76, 0.22)
                .curve(0.80, 0.45, 0.45, 0.70, 0.20, 0.97)
                .line(0.82, 0.95),
        ]),
        GlyphStyle(name: "straight diagonal", weight: 1, strokes: [
            Stroke(0.20, 0.20)
                .curve(0.28, 0.00, 0.76, -0.02, 0.76, 0.24)
                .line(0.18, 0.98)
                .line(0.82, 0.97),
        ]),
        GlyphStyle(name: "looped base", weight: 1, strokes: [
            Stroke(0.22, 0.24)
                .curve(0.26, 0.02, 0.72, -0.04, 0.76, 0.22)
                .curve(0.80, 0.40, 0.56, 0.52, 0.40, 0.66)
                .curve(0.24, 0.82, 0.10, 1.00, 0.04, 0.84)
                .curve(0.00, 0.66, 0.22, 0.56, 0.30, 0.72)
                .quad(0.36, 0.90, 0.46, 0.96)
                .line(0.84, 0.95),
        ]),
    ]

    static let three = [
        GlyphStyle(name: "two round bumps", weight: 3, strokes: [
            Stroke(0.22, 0.12)
                .curve(0.38, -0.03, 0.78, 0.00, 0.74, 0.24)
                .curve(0.70, 0.40, 0.55, 0.46, 0.42, 0.47)
                .curve(0.70, 0.47, 0.84, 0.64, 0.80, 0.78)
                .curve(0.75, 0.98, 0.36, 1.04, 0.18, 0.88),
        ]),
        GlyphStyle(name: "flat top", weight: 1, strokes: [
            Stroke(0.22, 0.02)
                .line(0.76, 0.02)
                .line(0.45, 0.42)
                .curve(0.75, 0.40, 0.84, 0.62, 0.80, 0.76)
                .curve(0.74, 0.98, 0.36, 1.04, 0.18, 0.88),
        ]),
    ]

    static let four = [
        GlyphStyle(name: "open top", weight: 2, strokes: [
            Stroke(0.26, 0.00).line(0.18, 0.60).line(0.84, 0.60),
            Stroke(0.68, 0.04).line(0.68, 1.00),
        ]),
        GlyphStyle(name: "closed top", weight: 2, strokes: [
            Stroke(0.64, 0.00).line(0.14, 0.66).line(0.86, 0.66),
            Stroke(0.64, 0.00).line(0.64, 1.00),
        ]),
    ]

    static let five = [
        GlyphStyle(name: "body, then the bar", weight: 1, strokes: [
            Stroke(0.30, 0.02)
                .line(0.25, 0.44)
                .curve(0.45, 0.33, 0.82, 0.40, 0.80, 0.68)
                .curve(0.78, 0.96, 0.36, 1.04, 0.18, 0.88),
            Stroke(0.30, 0.02).line(0.78, 0.00),
        ]),
    ]

    static let six = [
        GlyphStyle(name: "curved back, loop at the bottom", weight: 2, strokes: [
            Stroke(0.70, 0.02)
                .curve(0.42, 0.14, 0.20, 0.42, 0.21, 0.70)
                .curve(0.22, 0.92, 0.40, 1.00, 0.52, 0.99)
                .curve(0.72, 0.98, 0.80, 0.80, 0.78, 0.70)
                .curve(0.76, 0.52, 0.55, 0.44, 0.45, 0.46)
                .curve(0.32, 0.48, 0.24, 0.58, 0.22, 0.68),
        ]),
        GlyphStyle(name: "straight back, round loop", weight: 1, strokes: [
            Stroke(0.64, 0.00)
                .quad(0.34, 0.34, 0.22, 0.68)
                .curve(0.16, 0.90, 0.34, 1.01, 0.50, 1.00)
                .curve(0.70, 0.99, 0.80, 0.84, 0.78, 0.70)
                .curve(0.76, 0.52, 0.58, 0.44, 0.46, 0.45)
                .curve(0.34, 0.46, 0.24, 0.56, 0.22, 0.68),
        ]),
    ]

    static let seven = [
        GlyphStyle(name: "plain", weight: 3, strokes: [
            Stroke(0.18, 0.04).line(0.82, 0.03).quad(0.60, 0.40, 0.42, 1.00),
        ]),
        GlyphStyle(name: "with a bar", weight: 1, strokes: [
            Stroke(0.18, 0.04).line(0.82, 0.03).quad(0.60, 0.40, 0.42, 1.00),
            Stroke(0.36, 0.52).line(0.76, 0.50),
        ]),
        GlyphStyle(name: "with a hook", weight: 1, strokes: [
            Stroke(0.17, 0.16).line(0.19, 0.04).line(0.82, 0.03).quad(0.60, 0.40, 0.42, 1.00),
        ]),
    ]

    static let eight = [
        GlyphStyle(name: "one stroke, S down and back up", weight: 3, strokes: [
            Stroke(0.70, 0.10)
                .curve(0.60, -0.02, 0.30, 0.00, 0.30, 0.22)
                .curve(0.30, 0.36, 0.42, 0.43, 0.50, 0.48)
                .curve(0.78, 0.58, 0.82, 0.98, 0.50, 0.98)
                .curve(0.18, 0.98, 0.22, 0.60, 0.50, 0.48)
                .curve(0.65, 0.40, 0.72, 0.30, 0.70, 0.10),
        ]),
        GlyphStyle(name: "two stacked loops", weight: 1, strokes: [
            Stroke(0.50, 0.46)
                .curve(0.26, 0.46, 0.28, 0.02, 0.50, 0.02)
                .curve(0.72, 0.02, 0.74, 0.46, 0.50, 0.46),
            Stroke(0.50, 0.46)
                .curve(0.20, 0.46, 0.20, 0.99, 0.50, 0.99)
                .curve(0.80, 0.99, 0.80, 0.46, 0.50, 0.46),
        ]),
    ]

    static let nine = [
        GlyphStyle(name: "loop and straight stem", weight: 2, strokes: [
            Stroke(0.78, 0.22)
                .curve(0.72, -0.02, 0.22, -0.02, 0.22, 0.26)
                .curve(0.22, 0.56, 0.70, 0.56, 0.78, 0.26)
                .quad(0.80, 0.64, 0.72, 1.00),
        ]),
        GlyphStyle(name: "loop and curved stem", weight: 1, strokes: [
            Stroke(0.78, 0.22)
                .curve(0.72, -0.02, 0.22, -0.02, 0.22, 0.26)
                .curve(0.22, 0.56, 0.70, 0.56, 0.78, 0.26)
                .curve(0.80, 0.70, 0.64, 1.02, 0.40, 0.96),
        ]),
    ]
}
