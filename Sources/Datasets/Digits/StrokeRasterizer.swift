// StrokeRasterizer.swift — anti-aliased thick polylines on a small greyscale canvas.
//
// A pen stroke of radius r covers every point within distance r of its centre line.
// For a pixel whose centre p is at distance d from a segment AB,
//
//   d = |p − (A + t·AB)|,   t = clamp((p − A)·AB / |AB|², 0, 1)    (the nearest point on AB)
//
// and the pen radius there is interpolated between the segment's ends, r = r_A + t (r_B − r_A).
// The pixel's coverage is a smooth step of the signed distance r − d over a band
// `softness` pixels wide,
//
//   c = smoothstep(½ + (r − d)/softness),   smoothstep(u) = u²(3 − 2u) on [0, 1]
//
// which approximates the area of the pixel under the pen, with a slightly soft edge
// like MNIST's scanned strokes. Overlapping segments combine by the maximum, so the
// joints of a polyline are seamless and a stroke crossing itself is not darker.
// Each segment visits only the pixels of its bounding box (grown by r + softness/2),
// so a digit costs a few thousand distance evaluations and allocates nothing.

/// Draws anti-aliased thick line segments into a `size × size` coverage image.
struct StrokeRasterizer {
    /// The side of the square canvas, in pixels.
    let size: Int
    /// The width, in pixels, of the band over which coverage falls from 1 to 0.
    let softness: Float

    /// Raises `coverage[y·size + x]` to the coverage of the segment from `a` to `b`
    /// (pixel coordinates, pixel (x, y) centred at (x + ½, y + ½)), with pen radius
    /// `ra` at `a` and `rb` at `b`.
    @inline(__always)
    func drawSegment(from a: Point, to b: Point, radii ra: Float, _ rb: Float,
                     into coverage: UnsafeMutableBufferPointer<Float>) {
        let reach = max(ra, rb) + softness / 2          // beyond this distance, coverage is 0
        let x0 = max(0, Int((min(a.x, b.x) - reach - 0.5).rounded(.up)))
        let x1 = min(size - 1, Int((max(a.x, b.x) + reach - 0.5).rounded(.down)))
        let y0 = max(0, Int((min(a.y, b.y) - reach - 0.5).rounded(.up)))
        let y1 = min(size - 1, Int((max(a.y, b.y) + reach - 0.5).rounded(.down)))
        if x0 > x1 || y0 > y1 { return }
        let ab = b - a
        let lengthSquared = (ab * ab).sum()
        let inverseLengthSquared: Float = lengthSquared > 1e-12 ? 1 / lengthSquared : 0
        let inverseSoftness = 1 / softness
        for y in y0...y1 {
            let row = y * size
            for x in x0...x1 {
                let ap = Point(Float(x) + 0.5, Float(y) + 0.5) - a
                let t = min(1, max(0, (ap * ab).sum() * inverseLengthSquared))
                let offset = ap - t * ab
                let distance = (offset * offset).sum().squareRoot()
                let radius = ra + t * (rb - ra)
                var u = 0.5 + (radius - distance) * inverseSoftness
                if u <= 0 { continue }
                u = min(u, 1)
                let c = u * u * (3 - 2 * u)
                if c > coverage[row + x] { coverage[row + x] = c }
            }
        }
    }
}
