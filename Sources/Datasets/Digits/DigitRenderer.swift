// DigitRenderer.swift — from a glyph and a hand to a 28 × 28 image.
//
//   1. flatten   every stroke to a polyline, jittering its points (StrokePath.swift)
//   2. deform    every point by the hand's warp and affine map (Handwriting.swift)
//   3. fit       scale and translate to pixels: the ink `height` pixels tall (at most
//                `maxWidth` wide), its centre of mass near the image centre, and the
//                outermost pixels left blank, so that no stroke is clipped
//   4. pen       a radius at every point, varying along the stroke with the pressure
//   5. draw      each segment into the coverage image (StrokeRasterizer.swift), then
//                map coverage c ∈ [0, 1] to the kit's range: 2c − 1 (background −1)
//
// The renderer keeps its point buffers between digits, so a batch allocates them once.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders digits one after another, reusing its scratch buffers.
struct DigitRenderer {
    /// The side of the square image, in pixels.
    static let size = 28
    /// The widest the ink may be, in pixels (MNIST's 20-pixel box, plus one for slant).
    static let maxWidth: Float = 21
    /// The rasterizer, with a soft edge 1.3 pixels wide.
    let rasterizer = StrokeRasterizer(size: DigitRenderer.size, softness: 1.3)

    /// The polyline points of all strokes, glyph units until step 3, then pixels.
    private var points: [Point] = []
    /// The pen radius at each point, in pixels.
    private var radii: [Float] = []
    /// `points[strokeEnds[k − 1] ..< strokeEnds[k]]` is stroke k.
    private var strokeEnds: [Int] = []

    init() {
        points.reserveCapacity(128)
        radii.reserveCapacity(128)
        strokeEnds.reserveCapacity(4)
    }

    /// Draws `style` as written by `hand` into `pixels` (`size × size` values, row-major),
    /// overwriting them with values in [−1, 1]; `rng` supplies the point jitter.
    mutating func render(_ style: GlyphStyle, hand: Handwriting, into pixels: UnsafeMutableBufferPointer<Float>,
                         using rng: inout some RandomNumberGenerator) {
        precondition(pixels.count == Self.size * Self.size, "DigitRenderer: need \(Self.size)² pixels")

        // 1. flatten, with jitter
        points.removeAll(keepingCapacity: true)
        strokeEnds.removeAll(keepingCapacity: true)
        for stroke in style.strokes {
            stroke.flatten(into: &points, anchorJitter: hand.anchorJitter, controlJitter: hand.controlJitter,
                           using: &rng)
            strokeEnds.append(points.count)
        }

        // 2. deform
        for i in points.indices { points[i] = hand.deform(points[i]) }

        // 3. fit: bounding box and length-weighted centre of the centre lines
        var low = points[0], high = points[0]
        for p in points {
            low = pointwiseMin(low, p)
            high = pointwiseMax(high, p)
        }
        var centre = Point(0, 0), totalLength: Float = 0
        forEachSegment { i in
            let length = ((points[i + 1] - points[i]) * (points[i + 1] - points[i])).sum().squareRoot()
            centre += length * 0.5 * (points[i] + points[i + 1])
            totalLength += length
        }
        centre = totalLength > 0 ? centre / totalLength : 0.5 * (low + high)

        let r = hand.penRadius
        let extent = pointwiseMax(high - low, Point(1e-3, 1e-3))
        var scale = (hand.height - 2 * r) / extent.y
        scale = min(scale, (Self.maxWidth - 2 * r) / extent.x)
        var origin = Point(Float(Self.size) / 2, Float(Self.size) / 2) + hand.centreOffset - scale * centre
        // keep the whole pen (its largest radius and soft edge) off the outermost row
        // and column of pixels (centres ½ pixel in), so that no stroke is ever clipped
        let margin = r * (1 + hand.pressure.amplitude) + rasterizer.softness / 2 + 0.5
        for axis in 0..<2 {
            let first = origin[axis] + scale * low[axis] - margin
            let last = origin[axis] + scale * high[axis] + margin
            if first < 0 { origin[axis] -= first } else if last > Float(Self.size) { origin[axis] -= last - Float(Self.size) }
        }
        for i in points.indices { points[i] = origin + scale * points[i] }

        // 4. pen: the radius varies with the arc length s, r (1 + a sin(2π s/λ + φ))
        radii.removeAll(keepingCapacity: true)
        var start = 0
        for end in strokeEnds {
            var arc: Float = 0
            for i in start..<end {
                if i > start { arc += ((points[i] - points[i - 1]) * (points[i] - points[i - 1])).sum().squareRoot() }
                let wave = sin(2 * .pi * arc / hand.pressure.wavelength + hand.pressure.phase)
                radii.append(r * (1 + hand.pressure.amplitude * wave))
            }
            start = end
        }

        // 5. draw, then map coverage to [−1, 1]
        pixels.update(repeating: 0)
        forEachSegment { i in
            rasterizer.drawSegment(from: points[i], to: points[i + 1], radii: radii[i], radii[i + 1], into: pixels)
        }
        for i in pixels.indices { pixels[i] = 2 * pixels[i] - 1 }
    }

    /// Calls `body(i)` for every segment `points[i] → points[i + 1]` inside a stroke.
    @inline(__always)
    private func forEachSegment(_ body: (Int) -> Void) {
        var start = 0
        for end in strokeEnds {
            if end - start >= 2 { for i in start..<(end - 1) { body(i) } }
            start = end
        }
    }
}
