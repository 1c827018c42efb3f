// VectorField.swift — arrows at points: a score field, a velocity, a gradient.
//
// Raw vectors rarely have a useful length on the plot's scale (a score near the data
// can be 100 times longer than far away), so the arrows are scaled before drawing:
//
//   .automatic      one factor for all arrows so that the longest is 0.9 of the typical
//                   spacing √(area / count) between arrow positions (about one grid
//                   step when the positions form a grid); relative lengths are kept
//   .factor(s)      every vector multiplied by s
//   .unitLength(ℓ)  every arrow drawn with length ℓ: direction only

/// Arrows from (x, y) to (x + dx, y + dy) after scaling (gnuplot `with vectors`).
public struct VectorField: Sendable {
    /// How vectors become arrows on the plot.
    public enum Scaling: Sendable, Equatable {
        /// One factor for all, so that the longest arrow is 0.9 of the spacing √(area / count).
        case automatic
        /// Every vector multiplied by this factor.
        case factor(Double)
        /// Every arrow drawn with this length (zero vectors stay zero): direction only.
        case unitLength(Double)
    }

    /// The name in the legend; empty for none.
    public var title: String
    /// The x coordinates of the arrow tails.
    public var x: [Double]
    /// The y coordinates of the arrow tails.
    public var y: [Double]
    /// The x components of the vectors.
    public var dx: [Double]
    /// The y components of the vectors.
    public var dy: [Double]
    /// How the vectors are scaled into arrows.
    public var scaling: Scaling
    /// The arrow colour as `#RRGGBB`; `nil` for dark grey, or white over a heat map.
    public var color: String?

    /// A field from arrow positions and vector components (all arrays of equal length,
    /// checked when the figure is written).
    public init(_ title: String = "", x: [Double], y: [Double], dx: [Double], dy: [Double],
                scaling: Scaling = .automatic, color: String? = nil) {
        self.title = title
        self.x = x
        self.y = y
        self.dx = dx
        self.dy = dy
        self.scaling = scaling
        self.color = color
    }

    /// The vector field f(x, y) = (dx, dy) sampled on a `count × count` grid of cell
    /// centres covering `x` × `y`.
    public init(_ title: String = "", x: ClosedRange<Double>, y: ClosedRange<Double>, count: Int = 20,
                scaling: Scaling = .automatic, color: String? = nil,
                _ f: (Double, Double) -> (Double, Double)) {
        let n = max(count, 1)
        let sx = (x.upperBound - x.lowerBound) / Double(n), sy = (y.upperBound - y.lowerBound) / Double(n)
        var xs: [Double] = [], ys: [Double] = [], dxs: [Double] = [], dys: [Double] = []
        for i in 0..<n {
            for j in 0..<n {
                let px = x.lowerBound + (Double(j) + 0.5) * sx, py = y.lowerBound + (Double(i) + 0.5) * sy
                let (u, v) = f(px, py)
                xs.append(px); ys.append(py); dxs.append(u); dys.append(v)
            }
        }
        self.init(title, x: xs, y: ys, dx: dxs, dy: dys, scaling: scaling, color: color)
    }

    /// The arrows as drawn: `(dx, dy)` after `scaling`, and the factor used
    /// (nil for `.unitLength`, where each arrow has its own factor).
    func scaledArrows() -> (dx: [Double], dy: [Double], factor: Double?) {
        let lengths = zip(dx, dy).map { ($0 * $0 + $1 * $1).squareRoot() }
        switch scaling {
        case .factor(let s):
            return (dx.map { $0 * s }, dy.map { $0 * s }, s)
        case .unitLength(let l):
            let f = lengths.map { $0 > 0 && $0.isFinite ? l / $0 : 0 }
            return (zip(dx, f).map(*), zip(dy, f).map(*), nil)
        case .automatic:
            let finiteX = x.filter(\.isFinite), finiteY = y.filter(\.isFinite)
            let width = (finiteX.max() ?? 0) - (finiteX.min() ?? 0)
            let height = (finiteY.max() ?? 0) - (finiteY.min() ?? 0)
            let n = Double(max(x.count, 1))
            // Typical spacing: √(area / n) on a 2-D spread, extent / n along a line.
            let spacing = width > 0 && height > 0 ? (width * height / n).squareRoot()
                : max(width, height) > 0 ? max(width, height) / n : 1
            let longest = lengths.filter(\.isFinite).max() ?? 0
            let s = longest > 0 ? 0.9 * spacing / longest : 1
            return (dx.map { $0 * s }, dy.map { $0 * s }, s)
        }
    }
}
