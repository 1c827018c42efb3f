// WinogradConv.swift — the fast path for 3×3, stride-1, padding-1 convolutions:
// Winograd's minimal filtering F(4×4, 3×3).
//
// Reference: A. Lavin, S. Gray, "Fast Algorithms for Convolutional Neural Networks"
// (CVPR 2016). Conv2d.swift's im2col + GEMM is the reference path and the one to
// read first; this file computes the same convolution with 4× fewer multiplies.
//
// A 4×4 block of outputs of a 3×3 convolution reads a 6×6 patch d of the input.
// With the constant matrices (Lavin & Gray, section 4.2; interpolation points 0, ±1, ±2, ∞)
//
//     Bᵀ = ⎡4  0 −5  0  1  0⎤   G = ⎡ 1/4     0     0 ⎤   Aᵀ = ⎡1  1  1  1  1  0⎤
//          ⎢0 −4 −4  1  1  0⎥       ⎢−1/6  −1/6  −1/6 ⎥        ⎢0  1 −1  2 −2  0⎥
//          ⎢0  4 −4 −1  1  0⎥       ⎢−1/6   1/6  −1/6 ⎥        ⎢0  1  1  4  4  0⎥
//          ⎢0 −2 −1  2  1  0⎥       ⎢1/24  1/12   1/6 ⎥        ⎣0  1 −1  8 −8  1⎦
//          ⎢0  2 −1 −2  1  0⎥       ⎢1/24 −1/12   1/6 ⎥
//          ⎣0  4  0 −5  0  1⎦       ⎣   0     0     1 ⎦
//
// the 4×4 outputs of kernel g are  Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A : 36 products
// instead of 16·9 = 144. Summed over input channels, the elementwise product becomes,
// for each of the 36 positions ξ of the 6×6 tile, one matrix product over channels:
//
//     U_ξ [Cout, Cin]  = (G W[co, ci] Gᵀ)_ξ        the kernels, transformed once per call
//     V_ξ [Cin, T]     = (Bᵀ d_{ci, t} B)_ξ        the input tiles t = 1…T, transformed
//     M_ξ [Cout, T]    = U_ξ · V_ξ                 36 SGEMMs
//     y tile (co, t)   = Aᵀ M_{co, t} A            back to 4×4 outputs, plus the bias
//
// Tiles start at multiples of 4; a tile that reaches past the image (sizes that are
// not multiples of 4) reads zeros there and its extra outputs are dropped. The result
// differs from im2col + GEMM by rounding only: the transforms scale values by up to
// 8 and then cancel, so the error is ≈ 10× that of a plain dot product (≈ 1e-6
// relative instead of 1e-7; checked in the tests and against the PyTorch fixtures).
//
// The transforms are written for 8 tiles at a time (SIMD8). Each input row is first
// combined vertically (Bᵀ d, all columns at once), then split into its four column
// phases (columns 4q, 4q+1, 4q+2, 4q+3), so that tile b's six columns are phase 0…3
// at q = b and phase 0, 1 at q = b + 1: unit-stride vectors again.
//
// The backward pass uses this file too. The input gradient of such a convolution is
// again one (of ∂L/∂y with the kernels rotated by 180° and the channel axes swapped,
// see Conv2d.swift). The weight gradient follows the chain rule through the three
// steps: ∂L/∂M_t = A·(∂L/∂y tile)·Aᵀ, ∂L/∂U_ξ = Σ_t ∂L/∂M_ξ[·, t]·V_ξ[·, t]ᵀ (36
// GEMMs over the tiles), and ∂L/∂W = Gᵀ·(∂L/∂U)·G per kernel.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Tensors

/// Winograd F(4×4, 3×3) for a 3×3 convolution with stride 1 and padding 1 on
/// images of `channels` × `height` × `width`, producing `outChannels` channels of the
/// same size.
struct WinogradConv3x3 {
    /// Input channels Cin, output channels Cout.
    let channels: Int, outChannels: Int
    /// Image height and width (the output has the same).
    let height: Int, width: Int

    /// Outputs per tile side (m) and the input patch side (m + 2).
    static let tile = 4, patch = 6
    /// Positions ξ in a transformed tile: 6·6.
    static let positions = 36
    /// Lanes of the vector loops; rows of V and M get this many spare columns, so
    /// that a vector that runs past the last tile stays inside the buffer.
    static let lanes = 8

    /// Tiles per image: ⌈H/4⌉ rows by ⌈W/4⌉ columns.
    var tileRows: Int { (height + 3) / 4 }
    var tileColumns: Int { (width + 3) / 4 }
    var tilesPerImage: Int { tileRows * tileColumns }

    /// Images transformed together: enough that each GEMM has ≈ 100 or more columns
    /// (SGEMM is slow on thin matrices), few enough that V and M stay near the core.
    /// Measured for the U-Net's shapes: blocks of 64–128 tiles were fastest, 1,024
    /// tiles 10–30 % slower.
    var imagesPerBlock: Int { Swift.max(1, Self.blockTiles / tilesPerImage) }
    static let blockTiles = 128

    /// Values in one row of the small row buffers (columns −1 … W of a transformed row,
    /// and room for vectors that run past its end).
    var rowLength: Int { 4 * tileColumns + 5 * Self.lanes }

    /// Values in one row of the packed buffers: one value per tile of an image (tile
    /// row after tile row), and room for vectors that run past the last tile.
    var packedLength: Int { tilesPerImage + 2 * Self.lanes }

    /// Values between consecutive rows of V and M for a block of `tiles` tiles: the
    /// tiles plus room for a vector that runs past the last one, made odd. The input
    /// and output transforms write and read 36 rows at once, Cin·ld (or Cout·ld)
    /// values apart; with an even ld such as 136 and 128 channels that stride is a
    /// multiple of 4 KB, so all 36 rows fall into the same set of the 8-way L1 cache
    /// and evict each other. An odd ld spreads them over many sets. Measured on one
    /// thread (kit-bench, 4 alternating runs): the U-Net's forward convolutions 171
    /// instead of 187 ms of CPU, a training step's forward + backward 917 instead of
    /// 969 ms (the latter within the shared machine's noise).
    func leading(_ tiles: Int) -> Int { (tiles + Self.lanes) | 1 }

    /// Scratch values one thread needs: V and M for a block of images and the row buffers.
    var scratchCount: Int {
        Self.positions * (channels + outChannels) * leading(imagesPerBlock * tilesPerImage)
            + 6 * rowLength + 36 * packedLength + 6 * Self.lanes
    }

    /// Whether Winograd is worth it over im2col + GEMM: with few channels the GEMMs
    /// are too thin and the transforms dominate (the U-Net's 1-channel first and
    /// last convolutions stay on im2col).
    static func isWorthwhile(inChannels: Int, outChannels: Int) -> Bool {
        enabled && inChannels >= 8 && outChannels >= 8
    }

    /// `false` when the environment sets `KIT_WINOGRAD=0`: every convolution then takes
    /// the im2col path, for comparing the two (kit-bench) or checking one against the other.
    static let enabled: Bool = getenv("KIT_WINOGRAD").map { String(cString: $0) != "0" } ?? true

    /// U_ξ = (G g Gᵀ)_ξ for every kernel g = `weight`[co, ci] of `weight` [Cout, Cin, 3, 3]:
    /// returns U as [36, Cout, Cin].
    func transformKernels(_ weight: UnsafePointer<Float>) -> [Float] {
        let cout = outChannels, cin = channels
        typealias Six = (Float, Float, Float, Float, Float, Float)
        /// G applied to one row or column of 3: six values.
        func expand(_ r0: Float, _ r1: Float, _ r2: Float) -> Six {
            let sixth: Float = 1.0 / 6, outer = r0 * (0.25 * sixth) + r2 * sixth, middle = r1 * (0.5 * sixth)
            return (r0 * 0.25, -(r0 + r1 + r2) * sixth, -(r0 - r1 + r2) * sixth, outer + middle, outer - middle, r2)
        }
        return makeScalars(Self.positions * cout * cin) { u in
            let step = cout * cin                                                  // from U_ξ to U_ξ+1
            for co in 0..<cout {
                for ci in 0..<cin {
                    let g = weight + (co * cin + ci) * 9                           // [3, 3]
                    // G g, one column of g at a time: c_j = G·(column j).
                    let c0 = expand(g[0], g[3], g[6]), c1 = expand(g[1], g[4], g[7]), c2 = expand(g[2], g[5], g[8])
                    // (G g) Gᵀ, one row i at a time: G·(row i of G g), stored at ξ = 6i + j.
                    func store(_ i: Int, _ row: Six) {
                        let at = u + 6 * i * step + co * cin + ci
                        at[0] = row.0; at[step] = row.1; at[2 * step] = row.2
                        at[3 * step] = row.3; at[4 * step] = row.4; at[5 * step] = row.5
                    }
                    store(0, expand(c0.0, c1.0, c2.0)); store(1, expand(c0.1, c1.1, c2.1))
                    store(2, expand(c0.2, c1.2, c2.2)); store(3, expand(c0.3, c1.3, c2.3))
                    store(4, expand(c0.4, c1.4, c2.4)); store(5, expand(c0.5, c1.5, c2.5))
                }
            }
        }
    }

    /// Convolves `images` of `x` [N, Cin, H, W] with the transformed kernels `u`
    /// [36, Cout, Cin], adds `bias` [Cout] when given, and writes those images of
    /// `out` [N, Cout, H, W]. `scratch` holds `scratchCount` values.
    func convolve(_ x: UnsafePointer<Float>, images: Range<Int>, u: UnsafePointer<Float>,
                  bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>,
                  scratch: UnsafeMutablePointer<Float>) {
        let cin = channels, cout = outChannels
        let perBlock = imagesPerBlock
        let most = leading(perBlock * tilesPerImage)
        let v = scratch                                               // V [36, Cin, T] (rows `ld` apart)
        let m = v + Self.positions * cin * most                       // M [36, Cout, T]
        let rows = m + Self.positions * cout * most                   // the row buffers
        var first = images.lowerBound
        while first < images.upperBound {
            let block = first..<Swift.min(first + perBlock, images.upperBound)
            let tiles = block.count * tilesPerImage                   // T
            let ld = leading(tiles)
            for (local, image) in block.enumerated() {
                transformInput(x + image * cin * height * width, v: v, ld: ld,
                               firstTile: local * tilesPerImage, rows: rows)
            }
            for xi in 0..<Self.positions {                            // M_ξ = U_ξ · V_ξ   [Cout, Cin]·[Cin, T]
                sgemm(m: cout, n: tiles, k: cin, a: u + xi * cout * cin, lda: cin,
                      b: v + xi * cin * ld, ldb: ld, c: m + xi * cout * ld, ldc: ld)
            }
            for (local, image) in block.enumerated() {
                transformOutput(m, ld: ld, firstTile: local * tilesPerImage, bias: bias,
                                out: out + image * cout * height * width, rows: rows)
            }
            first = block.upperBound
        }
    }

    /// The weight gradient's Winograd form: for `images` of `x` [N, Cin, H, W] and
    /// `g` = ∂L/∂y [N, Cout, H, W], adds ∂L/∂U_ξ = Σ_t Ĝ_ξ[·, t]·V_ξ[·, t]ᵀ to `du`
    /// [36, Cout, Cin] (overwritten when `accumulate` is false), where
    /// Ĝ_t = A·g_t·Aᵀ transforms each 4×4 tile of ∂L/∂y (the adjoint of the output
    /// transform, as M = U ⊙ V is linear in U). `kernelGradient` turns the sum into ∂L/∂W.
    func weightGradient(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, images: Range<Int>,
                        du: UnsafeMutablePointer<Float>, accumulate: Bool, scratch: UnsafeMutablePointer<Float>) {
        let cin = channels, cout = outChannels
        let most = leading(imagesPerBlock * tilesPerImage)
        let v = scratch                                               // V [36, Cin, T]
        let gt = v + Self.positions * cin * most                      // Ĝ [36, Cout, T]
        let rows = gt + Self.positions * cout * most
        var first = images.lowerBound, beta: Float = accumulate ? 1 : 0
        while first < images.upperBound {
            let block = first..<Swift.min(first + imagesPerBlock, images.upperBound)
            let tiles = block.count * tilesPerImage
            let ld = leading(tiles)
            for (local, image) in block.enumerated() {
                transformInput(x + image * cin * height * width, v: v, ld: ld, firstTile: local * tilesPerImage, rows: rows)
                transformGradient(g + image * cout * height * width, gt: gt, ld: ld, firstTile: local * tilesPerImage, rows: rows)
            }
            for xi in 0..<Self.positions {                            // ∂L/∂U_ξ += Ĝ_ξ·V_ξᵀ   [Cout, T]·[T, Cin]
                sgemm(transB: true, m: cout, n: cin, k: tiles, a: gt + xi * cout * ld, lda: ld,
                      b: v + xi * cin * ld, ldb: ld, beta: beta, c: du + xi * cout * cin, ldc: cin)
            }
            beta = 1
            first = block.upperBound
        }
    }

    /// ∂L/∂W [Cout, Cin, 3, 3] = Gᵀ·(∂L/∂U)·G for every kernel, from ∂L/∂U [36, Cout, Cin].
    func kernelGradient(_ du: UnsafePointer<Float>) -> [Float] {
        let cout = outChannels, cin = channels, step = cout * cin
        typealias Three = (Float, Float, Float)
        /// Gᵀ applied to six values: three.
        func reduce(_ v0: Float, _ v1: Float, _ v2: Float, _ v3: Float, _ v4: Float, _ v5: Float) -> Three {
            let sixth: Float = 1.0 / 6
            let s12 = v1 + v2, d12 = v2 - v1, s34 = v3 + v4, d34 = v3 - v4
            return (v0 * 0.25 - s12 * sixth + s34 * (0.25 * sixth),
                    d12 * sixth + d34 * (0.5 * sixth),
                    -s12 * sixth + s34 * sixth + v5)
        }
        return makeScalars(step * 9) { dw in
            for co in 0..<cout {
                for ci in 0..<cin {
                    let at = du + co * cin + ci                               // ∂L/∂U[ξ] at at[ξ·step]
                    @inline(__always) func column(_ j: Int) -> Three {        // Gᵀ·(column j)
                        reduce(at[j * step], at[(6 + j) * step], at[(12 + j) * step],
                               at[(18 + j) * step], at[(24 + j) * step], at[(30 + j) * step])
                    }
                    let c0 = column(0), c1 = column(1), c2 = column(2), c3 = column(3), c4 = column(4), c5 = column(5)
                    let out = dw + (co * cin + ci) * 9
                    let r0 = reduce(c0.0, c1.0, c2.0, c3.0, c4.0, c5.0)       // (Gᵀ·dU)·G, row by row
                    let r1 = reduce(c0.1, c1.1, c2.1, c3.1, c4.1, c5.1)
                    let r2 = reduce(c0.2, c1.2, c2.2, c3.2, c4.2, c5.2)
                    out[0] = r0.0; out[1] = r0.1; out[2] = r0.2
                    out[3] = r1.0; out[4] = r1.1; out[5] = r1.2
                    out[6] = r2.0; out[7] = r2.1; out[8] = r2.2
                }
            }
        }
    }

    /// Ĝ_ξ[co, t] = (A·g·Aᵀ)_ξ for the 4×4 tiles g of one image's ∂L/∂y [Cout, H, W]
    /// (zero past the image), stored at columns `firstTile…` of Ĝ [36, Cout, ·].
    private func transformGradient(_ image: UnsafePointer<Float>, gt: UnsafeMutablePointer<Float>, ld: Int,
                                   firstTile: Int, rows: UnsafeMutablePointer<Float>) {
        let (h, w, tw, n, p, lanes) = (height, width, tileColumns, rowLength, packedLength, Self.lanes)
        let t = rows, packed = rows + 6 * n                           // as in transformInput, column = index
        let staged = packed + 36 * p
        t.update(repeating: 0, count: 6 * n)
        staged.update(repeating: 0, count: 4 * lanes)
        let step = outChannels * ld
        for co in 0..<outChannels {
            let src = image + co * h * w
            for a in 0..<tileRows {
                @inline(__always) func tileRow(_ r: Int) -> UnsafePointer<Float>? { 4 * a + r < h ? src + (4 * a + r) * w : nil }
                let g0 = tileRow(0), g1 = tileRow(1), g2 = tileRow(2), g3 = tileRow(3)
                var col = 0
                while col < w {                                       // A·g, 8 columns at a time
                    let count = Swift.min(lanes, w - col)
                    @inline(__always) func read(_ q: UnsafePointer<Float>?, _ i: Int) -> SIMD8<Float> {
                        readColumns(q, from: col, count: count, staging: staged + i * lanes)
                    }
                    let r = expandFour(read(g0, 0), read(g1, 1), read(g2, 2), read(g3, 3))
                    store(r.0, t + col); store(r.1, t + n + col); store(r.2, t + 2 * n + col)
                    store(r.3, t + 3 * n + col); store(r.4, t + 4 * n + col); store(r.5, t + 5 * n + col)
                    col += lanes
                }
                for i in 0..<6 {                                      // columns 4b + k, k = 0…3
                    let row = t + i * n, out = packed + 6 * i * p + a * tw
                    var q = 0
                    while q < tw {
                        let here = UnsafeRawPointer(row + 4 * q).loadUnaligned(as: SIMD32<Float>.self)
                        store(here.evenHalf.evenHalf, out + q)
                        store(here.oddHalf.evenHalf, out + p + q)
                        store(here.evenHalf.oddHalf, out + 2 * p + q)
                        store(here.oddHalf.oddHalf, out + 3 * p + q)
                        q += lanes
                    }
                }
            }
            let out = gt + co * ld + firstTile                        // (A·g)·Aᵀ for all tiles
            for i in 0..<6 {
                let c = packed + 6 * i * p, o = out + 6 * i * step
                var b = 0
                while b < tilesPerImage {
                    let r = expandFour(load(c + b), load(c + p + b), load(c + 2 * p + b), load(c + 3 * p + b))
                    store(r.0, o + b); store(r.1, o + step + b); store(r.2, o + 2 * step + b)
                    store(r.3, o + 3 * step + b); store(r.4, o + 4 * step + b); store(r.5, o + 5 * step + b)
                    b += lanes
                }
            }
        }
    }

    /// V_ξ[ci, t] = (Bᵀ d B)_ξ for the tiles of one image [Cin, H, W], stored at
    /// columns `firstTile…` of V [36, Cin, ·] (rows `ld` apart).
    ///
    /// Per channel: each tile row's patch rows are combined vertically (Bᵀ d) and split
    /// into column phases, packed for all tile rows one after another, so that the
    /// horizontal step (· B) then runs over all the image's tiles in full vectors
    /// (a 7×7 image has only 2 tiles per row but 4 in all; 14×14 has 4 and 16).
    private func transformInput(_ image: UnsafePointer<Float>, v: UnsafeMutablePointer<Float>, ld: Int,
                                firstTile: Int, rows: UnsafeMutablePointer<Float>) {
        let (h, w, tw, n, p, lanes) = (height, width, tileColumns, rowLength, packedLength, Self.lanes)
        // t_i: row i of Bᵀ d at columns −1 … W (index = column + 1), zero outside the image.
        // packed[6i + k][a·tw + b] = t_i[4b + k] of tile row a, k = 0…5: the six columns
        // 4b−1 … 4b+4 that tile b reads.
        let t = rows, packed = rows + 6 * n
        let staged = packed + 36 * p                                  // 6 rows of 8: a short last vector
        t.update(repeating: 0, count: 6 * n)
        staged.update(repeating: 0, count: 6 * lanes)
        let step = channels * ld                                      // from V_ξ to V_ξ+1 at the same ci
        for ci in 0..<channels {
            let src = image + ci * h * w
            for a in 0..<tileRows {
                // The patch rows 4a−1 … 4a+4 (nil: zero padding).
                @inline(__always) func patchRow(_ i: Int) -> UnsafePointer<Float>? {
                    let r = 4 * a - 1 + i
                    return r >= 0 && r < h ? src + r * w : nil
                }
                let d0 = patchRow(0), d1 = patchRow(1), d2 = patchRow(2), d3 = patchRow(3), d4 = patchRow(4), d5 = patchRow(5)
                // Bᵀ d, 8 columns at a time.
                var col = 0
                while col < w {
                    let count = Swift.min(lanes, w - col)
                    @inline(__always) func read(_ p: UnsafePointer<Float>?, _ i: Int) -> SIMD8<Float> {
                        readColumns(p, from: col, count: count, staging: staged + i * lanes)
                    }
                    let r = transformSix(read(d0, 0), read(d1, 1), read(d2, 2), read(d3, 3), read(d4, 4), read(d5, 5))
                    store(r.0, t + 1 + col); store(r.1, t + n + 1 + col); store(r.2, t + 2 * n + 1 + col)
                    store(r.3, t + 3 * n + 1 + col); store(r.4, t + 4 * n + 1 + col); store(r.5, t + 5 * n + 1 + col)
                    col += lanes
                }
                // Split each t_i into the columns 4b + k, k = 0…5, of this tile row's tiles.
                // Lanes past the row's last tile land where the next tile row goes next.
                for i in 0..<6 {
                    let row = t + i * n, out = packed + 6 * i * p + a * tw
                    var q = 0
                    while q < tw {
                        let here = UnsafeRawPointer(row + 4 * q).loadUnaligned(as: SIMD32<Float>.self)
                        let next = UnsafeRawPointer(row + 4 * q + 4).loadUnaligned(as: SIMD32<Float>.self)
                        store(here.evenHalf.evenHalf, out + q)                // column 4b
                        store(here.oddHalf.evenHalf, out + p + q)             // 4b + 1
                        store(here.evenHalf.oddHalf, out + 2 * p + q)         // 4b + 2
                        store(here.oddHalf.oddHalf, out + 3 * p + q)          // 4b + 3
                        store(next.evenHalf.evenHalf, out + 4 * p + q)        // 4b + 4
                        store(next.oddHalf.evenHalf, out + 5 * p + q)         // 4b + 5
                        q += lanes
                    }
                }
            }
            // (Bᵀ d) B for all the image's tiles, 8 at a time. Lanes past the last tile
            // land in the next image's tiles (written later) or in the spare columns.
            let out = v + ci * ld + firstTile
            for i in 0..<6 {
                let c = packed + 6 * i * p, o = out + 6 * i * step
                var b = 0
                while b < tilesPerImage {
                    let r = transformSix(load(c + b), load(c + p + b), load(c + 2 * p + b),
                                         load(c + 3 * p + b), load(c + 4 * p + b), load(c + 5 * p + b))
                    store(r.0, o + b); store(r.1, o + step + b); store(r.2, o + 2 * step + b)
                    store(r.3, o + 3 * step + b); store(r.4, o + 4 * step + b); store(r.5, o + 5 * step + b)
                    b += lanes
                }
            }
        }
    }

    /// y[co] = Aᵀ M A (+ bias) for the tiles of one image, read from columns
    /// `firstTile…` of M [36, Cout, ·] (rows `ld` apart), written to `out` [Cout, H, W].
    private func transformOutput(_ m: UnsafePointer<Float>, ld: Int, firstTile: Int,
                                 bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>,
                                 rows: UnsafeMutablePointer<Float>) {
        let (h, w, tw, p, lanes) = (height, width, tileColumns, packedLength, Self.lanes)
        let plane = outChannels * ld                                  // from M_ξ to M_ξ+1
        // Output row r of every tile, column c, packed like the input: rows + (4r + c)·p.
        for co in 0..<outChannels {
            let b0 = SIMD8<Float>(repeating: bias?[co] ?? 0)
            let src = m + co * ld + firstTile
            var b = 0
            while b < tilesPerImage {
                @inline(__always) func at(_ xi: Int) -> SIMD8<Float> { load(src + xi * plane + b) }
                // Aᵀ M, column by column: c_j = Aᵀ·(column j of M), four rows each.
                let c0 = transformFour(at(0), at(6), at(12), at(18), at(24), at(30))
                let c1 = transformFour(at(1), at(7), at(13), at(19), at(25), at(31))
                let c2 = transformFour(at(2), at(8), at(14), at(20), at(26), at(32))
                let c3 = transformFour(at(3), at(9), at(15), at(21), at(27), at(33))
                let c4 = transformFour(at(4), at(10), at(16), at(22), at(28), at(34))
                let c5 = transformFour(at(5), at(11), at(17), at(23), at(29), at(35))
                // (Aᵀ M) A, row by row: output row r, columns 0…3 of each tile.
                @inline(__always) func put(_ r: Int, _ y: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)) {
                    let o = rows + 4 * r * p + b
                    store(b0 + y.0, o); store(b0 + y.1, o + p); store(b0 + y.2, o + 2 * p); store(b0 + y.3, o + 3 * p)
                }
                put(0, transformFour(c0.0, c1.0, c2.0, c3.0, c4.0, c5.0))
                put(1, transformFour(c0.1, c1.1, c2.1, c3.1, c4.1, c5.1))
                put(2, transformFour(c0.2, c1.2, c2.2, c3.2, c4.2, c5.2))
                put(3, transformFour(c0.3, c1.3, c2.3, c3.3, c4.3, c5.3))
                b += lanes
            }
            // Into the image: pixel (4a + r, 4b + c) is tile a·tw + b's output (r, c).
            let dst = out + co * h * w
            for a in 0..<tileRows {
                for r in 0..<4 where 4 * a + r < h {
                    let row = dst + (4 * a + r) * w, tiles = rows + 4 * r * p + a * tw
                    for col in 0..<w { row[col] = tiles[(col & 3) * p + col >> 2] }
                }
            }
        }
    }
}

/// A (= (Aᵀ)ᵀ, 6×4) applied to four values: six, 8 tiles at a time.
@inline(__always)
private func expandFour(_ g0: SIMD8<Float>, _ g1: SIMD8<Float>, _ g2: SIMD8<Float>, _ g3: SIMD8<Float>)
    -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
    let s02 = g0 + g2, s13 = g1 + g3
    let t02 = g0 + SIMD8(repeating: 4) * g2, t13 = SIMD8(repeating: 2) * g1 + SIMD8(repeating: 8) * g3
    return (g0, s02 + s13, s02 - s13, t02 + t13, t02 - t13, g3)
}

/// Bᵀ applied to six values (rows or columns of a 6×6 patch), 8 tiles at a time.
@inline(__always)
private func transformSix(_ d0: SIMD8<Float>, _ d1: SIMD8<Float>, _ d2: SIMD8<Float>,
                          _ d3: SIMD8<Float>, _ d4: SIMD8<Float>, _ d5: SIMD8<Float>)
    -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
    let four: SIMD8<Float> = .init(repeating: 4), five: SIMD8<Float> = .init(repeating: 5), two: SIMD8<Float> = .init(repeating: 2)
    let e = d4 - d2
    return (four * d0 - five * d2 + d4,                  // 4d0 − 5d2 + d4
            (d3 + d4) - four * (d1 + d2),                // −4d1 − 4d2 + d3 + d4
            (d4 - d3) + four * (d1 - d2),                // 4d1 − 4d2 − d3 + d4
            e + two * (d3 - d1),                         // −2d1 − d2 + 2d3 + d4
            e - two * (d3 - d1),                         // 2d1 − d2 − 2d3 + d4
            four * d1 - five * d3 + d5)                  // 4d1 − 5d3 + d5
}

/// Aᵀ applied to six values: four outputs, 8 tiles at a time.
@inline(__always)
private func transformFour(_ m0: SIMD8<Float>, _ m1: SIMD8<Float>, _ m2: SIMD8<Float>,
                           _ m3: SIMD8<Float>, _ m4: SIMD8<Float>, _ m5: SIMD8<Float>)
    -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
    let sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4
    return (m0 + sum12 + sum34,                                          // m0 + m1 + m2 + m3 + m4
            diff12 + SIMD8(repeating: 2) * diff34,                       // m1 − m2 + 2m3 − 2m4
            sum12 + SIMD8(repeating: 4) * sum34,                         // m1 + m2 + 4m3 + 4m4
            diff12 + SIMD8(repeating: 8) * diff34 + m5)                  // m1 − m2 + 8m3 − 8m4 + m5
}

/// Columns `col` … `col`+7 of an image row: zeros for a padding row (`row` nil); a
/// last, short vector (`count` < 8) is copied into `staging`, whose extra lanes stay 0.
@inline(__always)
private func readColumns(_ row: UnsafePointer<Float>?, from col: Int, count: Int,
                         staging: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    guard let row else { return .zero }
    if count == WinogradConv3x3.lanes { return load(row + col) }
    staging.update(from: row + col, count: count)
    return load(staging)
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

/// The transformed kernels U of one layer's weights, kept between calls: sampling runs
/// the same weights a thousand times, and transforming every kernel again each time
/// cost ≈ 4 % of a forward pass. Reused only while the weights are unchanged: the
/// cache keeps the weight array it was made from, and Swift's copy-on-write gives an
/// optimizer's in-place update a new array, so a changed weight never matches.
final class WinogradKernelCache: Sendable {
    private let state = Mutex<(weights: [Float], kernels: [Float])>(([], []))

    /// U for `weight`, from the cache when `weight` holds the same values as last time.
    func kernels(for weight: Tensor, _ transform: (UnsafePointer<Float>) -> [Float]) -> [Float] {
        let values = weight.scalars
        if let hit = state.withLock({ $0.weights == values && !values.isEmpty ? $0.kernels : nil }) { return hit }
        let kernels = withScalarPointers(weight) { transform($0) }
        state.withLock { $0 = (values, kernels) }
        return kernels
    }
}
