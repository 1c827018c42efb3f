// FastMath.swift — a vectorised eˣ for the hot activation functions.
//
// SiLU and sigmoid run on every activation of a U-Net, forward and backward, so
// their `exp` dominates the elementwise time. The scalar `expf` of the C library
// does one value at a time; this one does eight at once with the classic Cephes
// method, accurate to about 2 ulp:
//
//   eˣ = 2ⁿ · eʳ   with n = round(x / ln 2) and r = x − n·ln 2 ∈ [−ln2/2, ln2/2],
//   eʳ ≈ 1 + r + r²·P(r) with a degree-5 polynomial P,
//   2ⁿ is built directly in the float's exponent bits.

/// Eight floats processed together (two SSE or one AVX register).
public typealias Float8 = SIMD8<Float>

/// eˣ for eight values at once (Cephes `expf`; relative error ≈ 2·10⁻⁷).
/// Inputs are clamped to [−87.3, 88.7], where eˣ is a normal float. Written with
/// plain vector arithmetic and masks only, which the compiler maps onto vector
/// instructions (generic helpers such as `rounded()` would run lane by lane).
@inlinable @inline(__always)
public func exp8(_ x: Float8) -> Float8 {
    let lo = Float8(repeating: -87.33654), hi = Float8(repeating: 88.72283)
    let x = x.replacing(with: lo, where: x .< lo).replacing(with: hi, where: x .> hi)
    // n = round(x / ln 2): adding 1.5·2²³ pushes the fraction out of the mantissa.
    let magic = Float8(repeating: 12582912.0)
    let shifted = x * 1.44269504088896341 + magic
    let n = shifted - magic
    let r = x - n * 0.693359375 + n * 2.12194440e-4                    // x − n·ln 2 in two parts
    var p = Float8(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    let er = p * r * r + r + 1                                         // eʳ
    // 2ⁿ: the integer n sits in the low mantissa bits of `shifted`; move it into the exponent.
    // n reaches 128 for x ≥ 127.5·ln 2 ≈ 88.38, whose exponent field would read as inf,
    // so 2ⁿ is applied as two normal factors 2^⌊n/2⌋ · 2^⌈n/2⌉ (exact: powers of two).
    let nInt = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
    let nLow = nInt &>> 1, nHigh = nInt &- nLow
    let twoLow = unsafeBitCast((nLow &+ 127) &<< 23, to: Float8.self)
    let twoHigh = unsafeBitCast((nHigh &+ 127) &<< 23, to: Float8.self)
    return er * twoLow * twoHigh
}

/// σ(x) = 1/(1 + e⁻ˣ) for eight values at once. (`@inlinable`, like `exp8`, so that
/// the fused activations of other modules, e.g. NeuralNets' GroupNorm + SiLU, inline it.)
@inlinable @inline(__always)
public func sigmoid8(_ x: Float8) -> Float8 {
    1 / (1 + exp8(-x))
}

extension Kernels {
    /// `[f(a[0]), …]` where `f` works on eight values at a time (`scalar` handles
    /// the last few values that do not fill a vector).
    @inline(__always)
    public static func map8(_ a: [Float], _ f: (Float8) -> Float8) -> [Float] {
        let n = a.count
        return [Float](unsafeUninitializedCapacity: n) { out, initialized in
            a.withUnsafeBufferPointer { src in
                let o = UnsafeMutableRawPointer(out.baseAddress!), s = UnsafeRawPointer(src.baseAddress!)
                parallelChunks((n + 7) / 8, grain: 8) { r in
                    for v in r {
                        let i = v * 8
                        if i + 8 <= n {
                            o.storeBytes(of: f(s.loadUnaligned(fromByteOffset: i * 4, as: Float8.self)),
                                         toByteOffset: i * 4, as: Float8.self)
                        } else {
                            var t = Float8(repeating: 0)
                            for j in i..<n { t[j - i] = s.load(fromByteOffset: j * 4, as: Float.self) }
                            let y = f(t)
                            for j in i..<n { o.storeBytes(of: y[j - i], toByteOffset: j * 4, as: Float.self) }
                        }
                    }
                }
            }
            initialized = n
        }
    }

    /// `[f(a[0], b[0]), …]` eight values at a time, for arrays of equal length.
    @inline(__always)
    public static func zip8(_ a: [Float], _ b: [Float], _ f: (Float8, Float8) -> Float8) -> [Float] {
        let n = a.count
        precondition(b.count == n, "Kernels.zip8: lengths \(a.count) and \(b.count) differ")
        return [Float](unsafeUninitializedCapacity: n) { out, initialized in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    let o = UnsafeMutableRawPointer(out.baseAddress!)
                    let x = UnsafeRawPointer(pa.baseAddress!), y = UnsafeRawPointer(pb.baseAddress!)
                    parallelChunks((n + 7) / 8, grain: 8) { r in
                        for v in r {
                            let i = v * 8
                            if i + 8 <= n {
                                let u = x.loadUnaligned(fromByteOffset: i * 4, as: Float8.self)
                                let w = y.loadUnaligned(fromByteOffset: i * 4, as: Float8.self)
                                o.storeBytes(of: f(u, w), toByteOffset: i * 4, as: Float8.self)
                            } else {
                                var u = Float8(repeating: 0), w = Float8(repeating: 0)
                                for j in i..<n {
                                    u[j - i] = x.load(fromByteOffset: j * 4, as: Float.self)
                                    w[j - i] = y.load(fromByteOffset: j * 4, as: Float.self)
                                }
                                let z = f(u, w)
                                for j in i..<n { o.storeBytes(of: z[j - i], toByteOffset: j * 4, as: Float.self) }
                            }
                        }
                    }
                }
            }
            initialized = n
        }
    }
}
