// WinogradConv.swift — the fast path for 3×3, stride-1, padding-1 convolutions:
// Winograd's minimal filtering F(2×2, 3×3).
//
// Reference: A. Lavin, S. Gray, "Fast Algorithms for Convolutional Neural Networks"
// (CVPR 2016). Conv2d.swift's im2col + GEMM is the reference path and the one to
// read first; this file computes the same convolution with 2.25× fewer multiplies.
//
// A 2×2 block of outputs of a 3×3 convolution reads a 4×4 patch d of the input.
// With the constant matrices
//
//     Bᵀ = ⎡1  0 −1  0⎤    G = ⎡ 1    0    0 ⎤    Aᵀ = ⎡1  1  1  0⎤
//          ⎢0  1  1  0⎥        ⎢ ½    ½    ½ ⎥         ⎣0  1 −1 −1⎦
//          ⎢0 −1  1  0⎥        ⎢ ½   −½    ½ ⎥
//          ⎣0  1  0 −1⎦        ⎣ 0    0    1 ⎦
//
// the 2×2 outputs of kernel g are  Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A : 16 products
// instead of 4·9 = 36. Summed over input channels, the elementwise product becomes,
// for each of the 16 positions ξ of the 4×4 tile, one matrix product over channels:
//
//     U_ξ [Cout, Cin]  = (G W[co, ci] Gᵀ)_ξ        the kernels, transformed once per call
//     V_ξ [Cin, T]     = (Bᵀ d_{ci, t} B)_ξ        the input tiles t = 1…T, transformed
//     M_ξ [Cout, T]    = U_ξ · V_ξ                 16 SGEMMs
//     y tile (co, t)   = Aᵀ M_{co, t} A            back to 2×2 outputs, plus the bias
//
// Tiles start at even rows and columns; a tile that reaches past an odd-sized image
// reads zeros there and its extra outputs are dropped. The transforms only add and
// subtract (the ½ of G is applied to the kernels), so the result differs from
// im2col + GEMM by rounding alone (≈ 1e-6 relative, checked in the tests).
//
// The input gradient of such a convolution is again one (of ∂L/∂y with the kernels
// rotated by 180° and the channel axes swapped, see Conv2d.swift), so the backward
// pass uses this file too; the weight gradient stays im2col + GEMM.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBLAS
import Tensors

/// Winograd F(2×2, 3×3) for a 3×3 convolution with stride 1 and padding 1 on
/// images of `channels` × `height` × `width`, producing `outChannels` channels of the
/// same size.
struct WinogradConv3x3 {
    /// Input channels Cin, output channels Cout.
    let channels: Int, outChannels: Int
    /// Image height and width (the output has the same).
    let height: Int, width: Int

    /// Tiles per image: ⌈H/2⌉ rows by ⌈W/2⌉ columns.
    var tileRows: Int { (height + 1) / 2 }
    var tileColumns: Int { (width + 1) / 2 }
    var tilesPerImage: Int { tileRows * tileColumns }

    /// Images transformed together, so that each of the 16 GEMMs has ≈ 1,000 columns
    /// (large enough for SGEMM to run at full speed, small enough for the cache).
    var imagesPerBlock: Int { Swift.max(1, 1024 / tilesPerImage) }

    /// Lanes of the vector loops; rows of V and M get this many spare columns, so
    /// that a vector that runs past the last tile stays inside the buffer.
    static let lanes = 8

    /// Values in one row of the small row buffers (transformed input and output rows).
    var rowLength: Int { 2 * tileColumns + 2 + 3 * Self.lanes }

    /// Values between consecutive rows of V and M for a block of `tiles` tiles.
    func leading(_ tiles: Int) -> Int { tiles + Self.lanes }

    /// Scratch values one thread needs: V and M for a block of images and the row buffers.
    var scratchCount: Int {
        16 * (channels + outChannels) * leading(imagesPerBlock * tilesPerImage) + 16 * rowLength + width + Self.lanes
    }

    /// Whether Winograd is worth it over im2col + GEMM: with few channels the 16 GEMMs
    /// are too thin and the transforms dominate (the U-Net's 1-channel first and
    /// last convolutions stay on im2col).
    static func isWorthwhile(inChannels: Int, outChannels: Int) -> Bool {
        enabled && inChannels >= 8 && outChannels >= 8
    }

    /// `false` when the environment sets `KIT_WINOGRAD=0`: every convolution then takes
    /// the im2col path, for comparing the two (kit-bench) or checking one against the other.
    static let enabled: Bool = getenv("KIT_WINOGRAD").map { String(cString: $0) != "0" } ?? true

    /// U_ξ = (G g Gᵀ)_ξ for every kernel g = `weight`[co, ci] of `weight` [Cout, Cin, 3, 3]:
    /// returns U as [16, Cout, Cin].
    func transformKernels(_ weight: UnsafePointer<Float>) -> [Float] {
        let cout = outChannels, cin = channels
        return makeScalars(16 * cout * cin) { u in
            for co in 0..<cout {
                for ci in 0..<cin {
                    let g = weight + (co * cin + ci) * 9               // [3, 3]
                    // One row of 3 → 4: (r0, ½(r0 + r1 + r2), ½(r0 − r1 + r2), r2).
                    func expand(_ r0: Float, _ r1: Float, _ r2: Float) -> (Float, Float, Float, Float) {
                        (r0, 0.5 * (r0 + r1 + r2), 0.5 * (r0 - r1 + r2), r2)
                    }
                    // G g: each column of g expanded to 4 rows.
                    let c0 = expand(g[0], g[3], g[6]), c1 = expand(g[1], g[4], g[7]), c2 = expand(g[2], g[5], g[8])
                    // (G g) Gᵀ: each row of G g expanded to 4 columns.
                    func store(_ i: Int, _ r: (Float, Float, Float, Float)) {
                        let at = u + (4 * i * cout + co) * cin + ci          // U[4i + j, co, ci]
                        let step = cout * cin
                        at[0] = r.0; at[step] = r.1; at[2 * step] = r.2; at[3 * step] = r.3
                    }
                    store(0, expand(c0.0, c1.0, c2.0))
                    store(1, expand(c0.1, c1.1, c2.1))
                    store(2, expand(c0.2, c1.2, c2.2))
                    store(3, expand(c0.3, c1.3, c2.3))
                }
            }
        }
    }

    /// Convolves `images` of `x` [N, Cin, H, W] with the transformed kernels `u`
    /// [16, Cout, Cin], adds `bias` [Cout] when given, and writes those images of
    /// `out` [N, Cout, H, W]. `scratch` holds `scratchCount` values.
    func convolve(_ x: UnsafePointer<Float>, images: Range<Int>, u: UnsafePointer<Float>,
                  bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>,
                  scratch: UnsafeMutablePointer<Float>) {
        let cin = channels, cout = outChannels
        let perBlock = imagesPerBlock
        let most = leading(perBlock * tilesPerImage)
        let v = scratch                                               // V [16, Cin, T] (rows `ld` apart)
        let m = v + 16 * cin * most                                   // M [16, Cout, T]
        let rows = m + 16 * cout * most                               // the row buffers
        var first = images.lowerBound
        while first < images.upperBound {
            let block = first..<Swift.min(first + perBlock, images.upperBound)
            let tiles = block.count * tilesPerImage                   // T
            let ld = leading(tiles)
            for (local, image) in block.enumerated() {
                transformInput(x + image * cin * height * width, v: v, ld: ld,
                               firstTile: local * tilesPerImage, rows: rows)
            }
            for xi in 0..<16 {                                        // M_ξ = U_ξ · V_ξ   [Cout, Cin]·[Cin, T]
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(cout), Int32(tiles), Int32(cin),
                            1, u + xi * cout * cin, Int32(cin), v + xi * cin * ld, Int32(ld),
                            0, m + xi * cout * ld, Int32(ld))
            }
            for (local, image) in block.enumerated() {
                transformOutput(m, ld: ld, firstTile: local * tilesPerImage, bias: bias,
                                out: out + image * cout * height * width, rows: rows)
            }
            first = block.upperBound
        }
    }

    /// V_ξ[ci, t] = (Bᵀ d B)_ξ for the tiles of one image [Cin, H, W], stored at
    /// columns `firstTile…` of V [16, Cin, ·] (rows `ld` apart).
    private func transformInput(_ image: UnsafePointer<Float>, v: UnsafeMutablePointer<Float>, ld: Int,
                                firstTile: Int, rows: UnsafeMutablePointer<Float>) {
        typealias Vec = SIMD8<Float>
        let (h, w, tw, n) = (height, width, tileColumns, rowLength)
        // t_i [column −1 … W]: row i of Bᵀ d for every column; even_i and odd_i: its even
        // and odd columns (column 2p − 1 and column 2p), so that tile b reads
        // even[b], odd[b], even[b + 1], odd[b + 1], all at unit stride.
        let t = rows, even = rows + 4 * n, odd = rows + 8 * n
        let zeros = rows + 16 * n                                     // a row of W zeros
        zeros.update(repeating: 0, count: w)
        t.update(repeating: 0, count: 4 * n)                          // the padding columns stay 0
        let whole = w - w % Self.lanes                                // columns done 8 at a time
        for ci in 0..<channels {
            let src = image + ci * h * w
            for a in 0..<tileRows {
                // The patch rows 2a−1 … 2a+2 (zeros outside the image).
                let r = 2 * a - 1
                let d0 = r >= 0 ? src + r * w : UnsafePointer(zeros)
                let d1 = src + (r + 1) * w
                let d2 = r + 2 < h ? src + (r + 2) * w : UnsafePointer(zeros)
                let d3 = r + 3 < h ? src + (r + 3) * w : UnsafePointer(zeros)
                // Bᵀ d, for every column at once: t0 = d0 − d2, t1 = d1 + d2, t2 = d2 − d1, t3 = d1 − d3.
                var col = 0
                while col < whole {
                    let a0 = load(d0 + col), a1 = load(d1 + col), a2 = load(d2 + col), a3 = load(d3 + col)
                    store(a0 - a2, t + 1 + col)
                    store(a1 + a2, t + n + 1 + col)
                    store(a2 - a1, t + 2 * n + 1 + col)
                    store(a1 - a3, t + 3 * n + 1 + col)
                    col += Self.lanes
                }
                for c in whole..<w {
                    let a0 = d0[c], a1 = d1[c], a2 = d2[c], a3 = d3[c]
                    t[1 + c] = a0 - a2
                    t[n + 1 + c] = a1 + a2
                    t[2 * n + 1 + c] = a2 - a1
                    t[3 * n + 1 + c] = a1 - a3
                }
                // Split each t_i into its even and odd columns.
                for i in 0..<4 {
                    var p = 0
                    while p <= tw {
                        let pair = UnsafeRawPointer(t + i * n + 2 * p).loadUnaligned(as: SIMD16<Float>.self)
                        store(pair.evenHalf, even + i * n + p)
                        store(pair.oddHalf, odd + i * n + p)
                        p += Self.lanes
                    }
                }
                // (Bᵀ d) B, 8 tiles at a time: the same combinations of columns 2b … 2b+3.
                // Lanes past the last tile land in tiles written later or in the spare columns.
                let out = v + ci * ld + firstTile + a * tw
                let step = channels * ld                              // from V_ξ to V_ξ+1
                for i in 0..<4 {
                    let e = even + i * n, o = odd + i * n
                    let o0 = out + 4 * i * step
                    var b = 0
                    while b < tw {
                        let c0 = load(e + b), c1 = load(o + b), c2 = load(e + b + 1), c3 = load(o + b + 1)
                        store(c0 - c2, o0 + b)
                        store(c1 + c2, o0 + step + b)
                        store(c2 - c1, o0 + 2 * step + b)
                        store(c1 - c3, o0 + 3 * step + b)
                        b += Self.lanes
                    }
                }
            }
        }
    }

    /// y[co] = Aᵀ M A (+ bias) for the tiles of one image, read from columns
    /// `firstTile…` of M [16, Cout, ·] (rows `ld` apart), written to `out` [Cout, H, W].
    private func transformOutput(_ m: UnsafePointer<Float>, ld: Int, firstTile: Int,
                                 bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>,
                                 rows: UnsafeMutablePointer<Float>) {
        let (h, w, tw, n) = (height, width, tileColumns, rowLength)
        let plane = outChannels * ld                                  // from M_ξ to M_ξ+1
        // Output rows 2a and 2a+1, split into even and odd columns like the input.
        let even0 = rows, odd0 = rows + n, even1 = rows + 2 * n, odd1 = rows + 3 * n
        for co in 0..<outChannels {
            let b0 = SIMD8<Float>(repeating: bias?[co] ?? 0)
            let dst = out + co * h * w
            for a in 0..<tileRows {
                let src = m + co * ld + firstTile + a * tw
                var b = 0
                while b < tw {
                    @inline(__always) func at(_ xi: Int) -> SIMD8<Float> { load(src + xi * plane + b) }
                    // Aᵀ M: s0 = M row 0 + row 1 + row 2, s1 = row 1 − row 2 − row 3.
                    let s00 = at(0) + at(4) + at(8), s01 = at(1) + at(5) + at(9)
                    let s02 = at(2) + at(6) + at(10), s03 = at(3) + at(7) + at(11)
                    let s10 = at(4) - at(8) - at(12), s11 = at(5) - at(9) - at(13)
                    let s12 = at(6) - at(10) - at(14), s13 = at(7) - at(11) - at(15)
                    // (Aᵀ M) A: the same on columns.
                    store(b0 + (s00 + s01 + s02), even0 + b)
                    store(b0 + (s01 - s02 - s03), odd0 + b)
                    store(b0 + (s10 + s11 + s12), even1 + b)
                    store(b0 + (s11 - s12 - s13), odd1 + b)
                    b += Self.lanes
                }
                interleave(even0, odd0, into: dst + 2 * a * w, count: w)
                if 2 * a + 1 < h { interleave(even1, odd1, into: dst + (2 * a + 1) * w, count: w) }
            }
        }
    }
}

/// Eight values from `p` (any alignment).
@inline(__always)
private func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
private func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> { load(UnsafePointer(p)) }

/// Writes eight values at `p` (any alignment).
@inline(__always)
private func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// dst[2p] = even[p], dst[2p + 1] = odd[p] for the first `count` values of dst.
@inline(__always)
private func interleave(_ even: UnsafePointer<Float>, _ odd: UnsafePointer<Float>,
                        into dst: UnsafeMutablePointer<Float>, count: Int) {
    for p in 0..<count / 2 {
        dst[2 * p] = even[p]
        dst[2 * p + 1] = odd[p]
    }
    if count % 2 == 1 { dst[count - 1] = even[count / 2] }
}

@inline(__always)
private func interleave(_ even: UnsafeMutablePointer<Float>, _ odd: UnsafeMutablePointer<Float>,
                        into dst: UnsafeMutablePointer<Float>, count: Int) {
    interleave(UnsafePointer(even), UnsafePointer(odd), into: dst, count: count)
}
