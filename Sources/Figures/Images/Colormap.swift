// Colormap.swift — numbers to colours.
//
// A colormap sends t ∈ [0, 1] to a colour. Each map here is a list of evenly spaced
// anchor colours (t = k / (n − 1)); between two anchors the colour is interpolated
// linearly in sRGB, which is how matplotlib's segmented maps work too.
//
//   gray      black → white
//   viridis   dark purple → blue → green → yellow; perceptually uniform and readable
//             in grey and by colour-blind viewers (van der Walt & Smith, matplotlib 2.0)
//   magma     black → purple → orange → pale yellow; good for densities
//   coolwarm  blue → light grey → red; diverging, for signed values around 0
//             (Moreland, "Diverging Color Maps for Scientific Visualization", 2009)
//
// The anchor tables are in ColormapTables.swift. The same anchors become gnuplot's
// `set palette defined (…)`, so a heat map looks the same as a PNG and as a plot.

/// A colour with red, green and blue components in 0…1 (sRGB).
public struct RGB: Equatable, Sendable {
    /// Red, 0…1.
    public var red: Double
    /// Green, 0…1.
    public var green: Double
    /// Blue, 0…1.
    public var blue: Double

    /// A colour from its components in 0…1.
    public init(_ red: Double, _ green: Double, _ blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// The colour as `#RRGGBB` (each component rounded to 0…255), as gnuplot and CSS write it.
    public var hex: String {
        func byte(_ x: Double) -> String {
            let b = Int((min(max(x, 0), 1) * 255).rounded())
            let digits = String(b, radix: 16, uppercase: true)
            return b < 16 ? "0" + digits : digits
        }
        return "#" + byte(red) + byte(green) + byte(blue)
    }
}

/// A map from t ∈ [0, 1] to a colour, for heat maps and `colorize`.
public enum Colormap: String, CaseIterable, Sendable {
    /// Black (0) to white (1).
    case gray
    /// matplotlib's default: dark purple (0) through blue and green to yellow (1).
    /// Perceptually uniform, with lightness increasing monotonically.
    case viridis
    /// Black (0) through purple and orange to pale yellow (1). Perceptually uniform.
    case magma
    /// Diverging: blue (0), light grey (0.5), red (1). For signed quantities such as a
    /// difference or an error, with a range symmetric around 0.
    case coolwarm

    /// The anchor colours, evenly spaced over 0…1 (at t = k / (count − 1)).
    public var anchors: [RGB] {
        switch self {
        case .gray: return [RGB(0, 0, 0), RGB(1, 1, 1)]
        case .viridis: return viridisAnchors
        case .magma: return magmaAnchors
        case .coolwarm: return coolwarmAnchors
        }
    }

    /// Whether the map is diverging (meant for values symmetric around a midpoint).
    public var isDiverging: Bool { self == .coolwarm }

    /// The colour at `t`, interpolated linearly between the two nearest anchors.
    /// `t` is clamped to 0…1; NaN gives the colour at 0.
    public func color(at t: Double) -> RGB {
        let anchors = self.anchors
        let t = t.isNaN ? 0 : min(max(t, 0), 1)
        let position = t * Double(anchors.count - 1)          // in anchor units
        let i = min(Int(position), anchors.count - 2)          // the anchor to the left
        let f = position - Double(i)                           // 0…1 between anchors i and i+1
        let a = anchors[i], b = anchors[i + 1]
        return RGB(a.red + (b.red - a.red) * f,
                   a.green + (b.green - a.green) * f,
                   a.blue + (b.blue - a.blue) * f)
    }
}
