// StrokePath.swift — how a digit is described: pen strokes made of lines and Béziers.
//
// A glyph is a list of strokes, each a pen-down path in a unit box (x to the right,
// y *down*, the digit spanning y = 0 … 1 and about x = 0.2 … 0.8). A stroke starts at
// a point and continues with pieces, each beginning where the previous one ended:
//
//     line to P                      the segment from the current point to P
//     quad  C, P                     B(t) = (1−t)² P₀ + 2(1−t)t C + t² P
//     curve C₁, C₂, P                B(t) = (1−t)³ P₀ + 3(1−t)²t C₁ + 3(1−t)t² C₂ + t³ P
//
// The builder reads like the pen's motion:
//
//     Stroke(0.18, 0.04).line(0.82, 0.03).quad(0.60, 0.40, 0.42, 1.00)     // a 7
//
// Before drawing, `flatten` turns every piece into a short polyline (lines into a few
// pieces too, so that the later smooth warp can bend them), jittering the points as
// it goes: that jitter is what makes each copy's curvature different.

/// A point (or vector) in glyph or pixel coordinates, x to the right, y down.
typealias Point = SIMD2<Float>

/// One piece of a stroke, continuing from the end of the previous piece.
enum PathPiece: Sendable {
    /// A straight segment to `to`.
    case line(to: Point)
    /// A quadratic Bézier with one control point.
    case quad(control: Point, to: Point)
    /// A cubic Bézier with two control points.
    case cubic(control1: Point, control2: Point, to: Point)
}

/// A pen-down path: a start point and the pieces drawn from it without lifting the pen.
struct Stroke: Sendable {
    /// Where the pen touches down.
    var start: Point
    /// The pieces, in drawing order.
    var pieces: [PathPiece] = []

    /// A stroke starting at (x, y).
    init(_ x: Float, _ y: Float) { start = Point(x, y) }

    /// This stroke continued by a straight line to (x, y).
    func line(_ x: Float, _ y: Float) -> Stroke {
        var s = self
        s.pieces.append(.line(to: Point(x, y)))
        return s
    }

    /// This stroke continued by a quadratic Bézier through control (cx, cy) to (x, y).
    func quad(_ cx: Float, _ cy: Float, _ x: Float, _ y: Float) -> Stroke {
        var s = self
        s.pieces.append(.quad(control: Point(cx, cy), to: Point(x, y)))
        return s
    }

    /// This stroke continued by a cubic Bézier with controls (c1x, c1y), (c2x, c2y) to (x, y).
    func curve(_ c1x: Float, _ c1y: Float, _ c2x: Float, _ c2y: Float, _ x: Float, _ y: Float) -> Stroke {
        var s = self
        s.pieces.append(.cubic(control1: Point(c1x, c1y), control2: Point(c2x, c2y), to: Point(x, y)))
        return s
    }
}

/// Polyline points per piece: enough that a chord of a 20-pixel-high digit is about
/// one to two pixels long, so curves look smooth at 28 × 28.
enum Flattening {
    /// Segments per straight line (more than one so that the warp can bend it).
    static let lineSegments = 3
    /// Segments per quadratic Bézier.
    static let quadSegments = 8
    /// Segments per cubic Bézier.
    static let cubicSegments = 10
}

extension Stroke {
    /// Appends this stroke as a polyline to `points`, moving every point by a random
    /// offset as it goes: anchor points (the start and each piece's end) by
    /// N(0, anchorJitter²) per axis, Bézier control points by N(0, σ²) with
    /// σ = controlJitter · min(1, chord / 0.5), where the chord is the distance between
    /// the piece's ends — a small curve (the loop of a 2) bends less than a big one, so
    /// it keeps its shape instead of collapsing into a blob. An anchor shared by two
    /// pieces moves once, so the stroke stays connected.
    func flatten(into points: inout [Point], anchorJitter: Float, controlJitter: Float,
                 using rng: inout some RandomNumberGenerator) {
        func jittered(_ p: Point, _ sigma: Float) -> Point {
            let (a, b) = rng.nextNormalPair()
            return p + sigma * Point(a, b)
        }
        func controlSigma(_ from: Point, _ to: Point) -> Float {
            let chord = ((to - from) * (to - from)).sum().squareRoot()
            return controlJitter * min(1, chord / 0.5)
        }
        var current = jittered(start, anchorJitter)
        points.append(current)
        for piece in pieces {
            switch piece {
            case .line(let to):
                let end = jittered(to, anchorJitter)
                let n = Flattening.lineSegments
                for i in 1...n {
                    let t = Float(i) / Float(n)
                    points.append(current + t * (end - current))
                }
                current = end
            case .quad(let control, let to):
                let end = jittered(to, anchorJitter)
                let c = jittered(control, controlSigma(current, end))
                let n = Flattening.quadSegments
                for i in 1...n {
                    let t = Float(i) / Float(n), u = 1 - t
                    points.append(u * u * current + 2 * u * t * c + t * t * end)
                }
                current = end
            case .cubic(let control1, let control2, let to):
                let end = jittered(to, anchorJitter)
                let sigma = controlSigma(current, end)
                let c1 = jittered(control1, sigma)
                let c2 = jittered(control2, sigma)
                let n = Flattening.cubicSegments
                for i in 1...n {
                    let t = Float(i) / Float(n), u = 1 - t
                    let a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t
                    points.append(a * current + b * c1 + c * c2 + d * end)
                }
                current = end
            }
        }
    }
}
