// Random.swift — seeded, reproducible randomness.
//
// Every random function in the kit takes its generator explicitly
// (`using: &rng`), so a chapter run with `--seed 0` draws the same numbers every
// time, on every machine. The generator is xoshiro256** (Blackman & Vigna), seeded
// through SplitMix64; the conversions to floats, normals, integers and permutations
// below are written out here rather than taken from the standard library, whose
// algorithms may change between Swift versions.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fast, seeded pseudo-random generator (xoshiro256**): the same seed gives the
/// same sequence on every run and machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// Seeds the 256-bit state from one 64-bit seed with SplitMix64, as the authors
    /// of xoshiro recommend (any seed, 0 included, gives a good state).
    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

extension RandomNumberGenerator {
    /// A uniform `Float` in [0, 1), from the top 24 bits (every value a multiple of 2⁻²⁴).
    public mutating func nextUniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A uniform `Double` in [0, 1), from the top 53 bits.
    public mutating func nextUniformDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A pair of independent standard normal values (Box–Muller transform:
    /// r = √(−2 ln u₁), θ = 2π u₂ gives r cos θ and r sin θ).
    public mutating func nextNormalPair() -> (Float, Float) {
        let u1 = 1 - nextUniformDouble()          // in (0, 1]: log never sees 0
        let u2 = nextUniformDouble()
        let r = (-2 * log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        return (Float(r * cos(theta)), Float(r * sin(theta)))
    }

    /// A standard normal value (the pair's second value is discarded).
    public mutating func nextNormal() -> Float { nextNormalPair().0 }

    /// A uniform integer in `range`, without modulo bias (rejection sampling).
    /// Any range works, even one of more than `Int.max` values (its size is computed
    /// in `UInt64` with wrapping arithmetic, where `range.count` would overflow).
    public mutating func nextInt(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "nextInt: empty range \(range)")
        let n = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound))
        let limit = UInt64.max - UInt64.max % n      // largest multiple of n
        var x = next()
        while x >= limit { x = next() }
        return range.lowerBound &+ Int(truncatingIfNeeded: x % n)
    }

    /// A uniformly random permutation of `0..<n` (Fisher–Yates shuffle).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            p.swapAt(i, nextInt(in: 0..<(i + 1)))
        }
        return p
    }
}


extension Tensor {
    /// Values drawn uniformly from [low, high).
    public static func uniform<G: RandomNumberGenerator>(_ shape: [Int], low: Float = 0, high: Float = 1,
                                                         using rng: inout G) -> Tensor {
        let n = shape.product
        var v = [Float](repeating: 0, count: n)
        for i in 0..<n { v[i] = low + (high - low) * rng.nextUniform() }
        return Tensor(shape: shape, scalars: v)
    }

    /// Values drawn from N(mean, std²) — `randn` when mean 0, std 1.
    public static func randn<G: RandomNumberGenerator>(_ shape: [Int], mean: Float = 0, std: Float = 1,
                                                       using rng: inout G) -> Tensor {
        let n = shape.product
        var v = [Float](repeating: 0, count: n)
        var i = 0
        while i < n {
            let (a, b) = rng.nextNormalPair()
            v[i] = mean + std * a
            if i + 1 < n { v[i + 1] = mean + std * b }
            i += 2
        }
        return Tensor(shape: shape, scalars: v)
    }

    /// A tensor of the same shape as `like`, drawn from N(0, 1) (PyTorch `randn_like`).
    public static func randn<G: RandomNumberGenerator>(like other: Tensor, using rng: inout G) -> Tensor {
        randn(other.shape, using: &rng)
    }
}

/// `count` integers drawn uniformly from `range` — e.g. the timesteps t ∈ 0..<T of a
/// training batch.
public func randomInts<G: RandomNumberGenerator>(_ count: Int, in range: Range<Int>, using rng: inout G) -> [Int] {
    (0..<count).map { _ in rng.nextInt(in: range) }
}
