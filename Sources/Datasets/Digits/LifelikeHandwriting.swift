// LifelikeHandwriting.swift — the hand of the lifelike generation (DigitGeneration.swift).
//
// The same steps as Handwriting.swift, with the spreads real handwriting shows when a
// classifier trained on synthetic digits is tested on scikit-learn's real ones
// (`kit-bench --case realism --generation lifelike`, BENCHMARKS.md):
//
//     pen radius    1.0 … 2.1 pixels, skewed toward the thin end (u² with u uniform):
//                   mean ≈ 1.37 against the classic 1.17, so that the ink of a digit
//                   framed as the real ones are matches theirs (≈ 313 of 1,024 pixels)
//     slant         N(0.06, 0.22²) clipped to [−0.35, 0.6]
//     width         × 0.6 … 1.15
//     height        15.5 … 20.5 pixels (a wider size spread)
//     rotation      N(0, 0.09²) radians, clipped to ±0.28
//     jitter        anchors N(0, 0.035²), controls N(0, 0.07²): more varied curvature
//
// Warp, taper, middle shift, centring and pen pressure are drawn as in the classic hand.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Handwriting {
    /// Draws the parameters of one lifelike copy of `digit`; see the file comment for the ranges.
    static func lifelike(digit: Int, using rng: inout some RandomNumberGenerator) -> Handwriting {
        let ranges = DigitGeneration.lifelike
        func uniform(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * rng.nextUniform() }
        var vectors: [Point] = [], phases: [Float] = [], amplitudes: [Float] = []
        for _ in 0..<4 {
            let direction = uniform(0, 2 * .pi)
            let wavenumber = uniform(3, 9)
            vectors.append(wavenumber * Point(cos(direction), sin(direction)))
            phases.append(uniform(0, 2 * .pi))
            amplitudes.append(uniform(0.005, 0.03))
        }
        let (slantNoise, rotationNoise) = rng.nextNormalPair()
        let (dx, dy) = rng.nextNormalPair()
        // u² leans toward thin pens; a 1 draws 1 − (1 − u)³, leaning toward thick ones
        let u = rng.nextUniform()
        let thickness = digit == 1 ? 1 - (1 - u) * (1 - u) * (1 - u) : u * u
        let (pen, slant, width, height) = (ranges.penRadiusRange, ranges.slantRange,
                                           ranges.widthScaleRange, ranges.heightRange)
        return Handwriting(
            anchorJitter: 0.035,
            controlJitter: 0.07,
            waveVectors: vectors, wavePhases: phases, waveAmplitudes: amplitudes,
            middleShift: uniform(-0.3, 0.3),
            taper: uniform(-0.3, 0.3),
            widthScale: uniform(width.lowerBound, width.upperBound),
            slant: max(slant.lowerBound, min(slant.upperBound, 0.06 + 0.22 * slantNoise)),
            rotation: max(-0.28, min(0.28, 0.09 * rotationNoise)),
            height: uniform(height.lowerBound, height.upperBound),
            centreOffset: 0.6 * Point(dx, dy),
            penRadius: pen.lowerBound + (pen.upperBound - pen.lowerBound) * thickness,
            pressure: (uniform(0, 0.15), uniform(8, 20), uniform(0, 2 * .pi)))
    }
}
