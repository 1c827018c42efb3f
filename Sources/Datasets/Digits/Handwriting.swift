// Handwriting.swift — the random variation that makes every copy of a digit different.
//
// One `Handwriting` value is drawn per image. Applied to a glyph's skeleton it goes,
// in order (glyph units: the digit is 1 high):
//
//   1. jitter      anchor points move by N(0, 0.03²) per axis, Bézier control points by
//                  up to N(0, 0.06²) (less on short pieces, see `Stroke.flatten`):
//                  curvature and proportions vary from copy to copy
//   2. warp        a smooth random displacement — two plane waves per axis, amplitude
//                  0.005 … 0.03 each, wavelength 0.7 … 2.1 — then the middle moved up or
//                  down (y += b·y(1 − y), |b| ≤ 0.3) and a taper (the bottom up to 30 %
//                  wider or narrower than the top): wobble and proportions
//   3. affine      about the glyph centre: width × 0.7 … 1.3, a slant (shear) drawn from
//                  N(0.1, 0.2²) and clipped to [−0.3, 0.55] (most writers lean right),
//                  a rotation drawn from N(0, 0.08²) radians, clipped to ±0.25
//   4. fit         scale so the ink is 17 … 20.5 pixels tall (at most 21 wide), put the
//                  ink's centre of mass within about a pixel of the image centre, and keep
//                  the outermost pixels blank so that no stroke is clipped
//   5. pen         a pen radius of 0.85 … 1.5 pixels, varying by up to ±12 % along the
//                  stroke with a wavelength of 8 … 20 pixels (pen pressure)
//
// These are the ranges of the classic generation; the lifelike one draws its own
// (LifelikeHandwriting.swift, DigitGeneration.swift).
//
// MNIST (LeCun et al. 1998) size-normalised each digit to fit a 20 × 20 box and
// centred its centre of mass in the 28 × 28 image; step 4 does the same.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The random parameters of one hand-written copy of a digit.
struct Handwriting {
    /// Standard deviation of the anchor-point jitter, in glyph units.
    var anchorJitter: Float
    /// Standard deviation of the Bézier control-point jitter, in glyph units.
    var controlJitter: Float
    /// The wave vectors of the warp's four plane waves (the first two move x, the last two y).
    var waveVectors: [Point]
    /// The phases of the four plane waves.
    var wavePhases: [Float]
    /// The amplitudes of the four plane waves, in glyph units.
    var waveAmplitudes: [Float]
    /// b in y += b·y(1 − y): positive moves the middle of the digit down.
    var middleShift: Float
    /// t in x = ½ + (x − ½)(1 + t(y − ½)): positive makes the bottom wider than the top.
    var taper: Float
    /// Horizontal scale relative to the glyph's design width.
    var widthScale: Float
    /// Shear x −= slant·(y − ½): positive leans the top to the right, as most writers do.
    var slant: Float
    /// Rotation in radians, positive clockwise on screen (y points down).
    var rotation: Float
    /// Height of the ink's bounding box, in pixels (stroke width included).
    var height: Float
    /// Offset of the ink's centre of mass from the image centre, in pixels.
    var centreOffset: Point
    /// The stroke radius in pixels (half the pen width).
    var penRadius: Float
    /// Relative amplitude, wavelength (pixels) and phase of the pen-pressure variation.
    var pressure: (amplitude: Float, wavelength: Float, phase: Float)

    /// Draws the parameters of one copy.
    static func random(using rng: inout some RandomNumberGenerator) -> Handwriting {
        func uniform(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * rng.nextUniform() }
        var vectors: [Point] = [], phases: [Float] = [], amplitudes: [Float] = []
        for _ in 0..<4 {
            let direction = uniform(0, 2 * .pi)
            let wavenumber = uniform(3, 9)                    // 2π / wavelength: wavelength 0.7 … 2.1
            vectors.append(wavenumber * Point(cos(direction), sin(direction)))
            phases.append(uniform(0, 2 * .pi))
            amplitudes.append(uniform(0.005, 0.03))
        }
        let (slantNoise, rotationNoise) = rng.nextNormalPair()
        let (dx, dy) = rng.nextNormalPair()
        return Handwriting(
            anchorJitter: 0.03,
            controlJitter: 0.06,
            waveVectors: vectors, wavePhases: phases, waveAmplitudes: amplitudes,
            middleShift: uniform(-0.3, 0.3),
            taper: uniform(-0.3, 0.3),
            widthScale: uniform(0.7, 1.3),
            slant: max(-0.3, min(0.55, 0.1 + 0.2 * slantNoise)),
            rotation: max(-0.25, min(0.25, 0.08 * rotationNoise)),
            height: uniform(17, 20.5),
            centreOffset: 0.6 * Point(dx, dy),
            penRadius: uniform(0.85, 1.5),
            pressure: (uniform(0, 0.12), uniform(8, 20), uniform(0, 2 * .pi)))
    }

    /// Steps 2 and 3: where this hand puts a point of the (jittered) glyph, in glyph
    /// units relative to the glyph centre (½, ½). Step 4 then fits the result to pixels.
    func deform(_ p: Point) -> Point {
        var q = p
        // 2. the smooth warp: plane waves, the middle shifted, the sides tapered
        var shift = Point(0, 0)
        for k in 0..<2 {
            shift.x += waveAmplitudes[k] * sin((waveVectors[k] * p).sum() + wavePhases[k])
            shift.y += waveAmplitudes[k + 2] * sin((waveVectors[k + 2] * p).sum() + wavePhases[k + 2])
        }
        q += shift
        q.y += middleShift * q.y * (1 - q.y)
        q.x = 0.5 + (q.x - 0.5) * (1 + taper * (q.y - 0.5))
        // 3. the affine part, about the centre (½, ½): width, slant, rotation
        var c = q - Point(0.5, 0.5)
        c.x *= widthScale
        c.x -= slant * c.y
        let (s, co) = (sin(rotation), cos(rotation))
        c = Point(co * c.x - s * c.y, s * c.x + co * c.y)
        return c
    }
}
