// ConvGeometry.swift — im2col and col2im: a convolution as one matrix product.
//
// Reference: K. Chellapilla, S. Puri, P. Simard, "High Performance Convolutional
// Neural Networks for Document Processing" (2006) — unfolding the input so that a
// convolution becomes a GEMM.
//
// For one image x [C, H, W], a k×k kernel, stride s and zero padding p, the output
// has Ho = (H + 2p − k)/s + 1 rows and Wo columns. im2col writes the matrix
//
//     cols[(c·k + i)·k + j, oh·Wo + ow] = x[c, oh·s − p + i, ow·s − p + j]   (0 outside the image)
//
// of shape [C·k·k, Ho·Wo], so that the convolution with weights W [Cout, C·k·k] is
// the product W · cols [Cout, Ho·Wo]. col2im is its transpose (adjoint): it adds
// every entry of a [C·k·k, Ho·Wo] matrix back onto the pixel it was read from, which
// is how the gradient of the input (and the transposed convolution) is formed.

/// The sizes of one image's convolution: input channels and size, kernel, stride, padding.
struct ConvGeometry {
    /// Channels of the image that is unfolded.
    let channels: Int
    /// Height and width of the image that is unfolded.
    let height: Int, width: Int
    /// Kernel size k (square), stride s, zero padding p.
    let kernel: Int, stride: Int, padding: Int

    /// Ho = ⌊(H + 2p − k)/s⌋ + 1.
    var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    /// Wo = ⌊(W + 2p − k)/s⌋ + 1.
    var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    /// Rows of the unfolded matrix: C·k·k.
    var colRows: Int { channels * kernel * kernel }
    /// Columns of the unfolded matrix: Ho·Wo.
    var colColumns: Int { outHeight * outWidth }
    /// Values in one image: C·H·W.
    var imageSize: Int { channels * height * width }

    /// Whether the convolution is a plain matrix product of the image [C, H·W]
    /// (1×1 kernel, stride 1, no padding): then cols would equal the image itself.
    var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }

    /// Whether the output has the input's size (stride 1, padding (k − 1)/2: the 3×3,
    /// padding-1 convolutions of a U-Net). Then row oh of a cols row is the input row
    /// oh − p + i shifted by j − p, so a whole cols row is one shifted copy of the
    /// plane, with the few values that fall in the padding fixed up afterwards.
    var keepsSize: Bool { stride == 1 && 2 * padding == kernel - 1 }

    /// The output rows oh whose input row oh·s − p + i lies inside the image: `lo..<hi`.
    @inline(__always)
    func validRows(_ i: Int) -> (lo: Int, hi: Int) {
        let lo = Swift.max(0, ceilDivide(padding - i, stride))
        let hi = Swift.min(outHeight, floorDivide(height - 1 + padding - i, stride) + 1)
        return (lo, Swift.max(lo, hi))
    }

    /// The output columns ow whose input column ow·s − p + j lies inside the image:
    /// `lo..<hi` (possibly empty).
    @inline(__always)
    func validColumns(_ j: Int) -> (lo: Int, hi: Int) {
        let wo = outWidth
        // ow·s ≥ p − j  and  ow·s ≤ W − 1 + p − j
        let lo = Swift.max(0, ceilDivide(padding - j, stride))
        let hi = Swift.min(wo, floorDivide(width - 1 + padding - j, stride) + 1)
        return (lo, Swift.max(lo, hi))
    }

    /// Unfolds `image` [C, H, W] into `cols` [C·k·k, Ho·Wo] (every value written).
    func im2col(_ image: UnsafePointer<Float>, _ cols: UnsafeMutablePointer<Float>) {
        let k = kernel, s = stride, p = padding, ho = outHeight, wo = outWidth
        let planeSize = height * width
        for c in 0..<channels {
            let plane = image + c * planeSize
            for i in 0..<k {
                let (rowLo, rowHi) = validRows(i)
                for j in 0..<k {
                    let row = cols + ((c * k + i) * k + j) * ho * wo          // this cols row, [Ho, Wo]
                    let (lo, hi) = validColumns(j)
                    // Output rows that read the padding above or below the image: zeros.
                    row.update(repeating: 0, count: rowLo * wo)
                    (row + rowHi * wo).update(repeating: 0, count: (ho - rowHi) * wo)
                    if rowLo >= rowHi { continue }
                    if keepsSize {
                        // row[oh·W + ow] = plane[(oh − p + i)·W + ow − p + j]: one shifted copy of the
                        // valid rows (clipped to the plane), then zeros where ow − p + j leaves the row.
                        let shift = (i - p) * width + (j - p)
                        let start = Swift.max(rowLo * wo, -shift), end = Swift.min(rowHi * wo, planeSize - shift)
                        (row + start).update(from: plane + (start + shift), count: end - start)
                        for oh in rowLo..<rowHi {
                            let r = row + oh * wo
                            for ow in 0..<lo { r[ow] = 0 }
                            for ow in hi..<wo { r[ow] = 0 }
                        }
                        continue
                    }
                    for oh in rowLo..<rowHi {
                        let dst = row + oh * wo
                        let base = (oh * s - p + i) * width - p + j     // plane[base + ow·s] = x[c, oh·s − p + i, ow·s − p + j]
                        if lo > 0 { dst.update(repeating: 0, count: lo) }
                        if s == 1 {
                            let src = plane + base
                            for ow in lo..<hi { dst[ow] = src[ow] }
                        } else {
                            for ow in lo..<hi { dst[ow] = plane[base + ow * s] }
                        }
                        if hi < wo { (dst + hi).update(repeating: 0, count: wo - hi) }
                    }
                }
            }
        }
    }

    /// Adds `cols` [C·k·k, Ho·Wo] back onto `image` [C, H, W] (the adjoint of
    /// `im2col`; entries that came from the zero padding are dropped). `image` must
    /// be initialised (zero it first for a plain col2im).
    func col2im(_ cols: UnsafePointer<Float>, _ image: UnsafeMutablePointer<Float>) {
        let k = kernel, s = stride, p = padding, ho = outHeight, wo = outWidth
        for c in 0..<channels {
            let plane = image + c * height * width
            for i in 0..<k {
                let (rowLo, rowHi) = validRows(i)
                for j in 0..<k {
                    let row = cols + ((c * k + i) * k + j) * ho * wo
                    let (lo, hi) = validColumns(j)
                    if lo >= hi { continue }
                    for oh in rowLo..<rowHi {
                        let src = row + oh * wo
                        let base = (oh * s - p + i) * width - p + j     // plane[base + ow·s] = x[c, oh·s − p + i, ow·s − p + j]
                        if s == 1 {
                            for ow in lo..<hi { plane[base + ow] += src[ow] }
                        } else {
                            for ow in lo..<hi { plane[base + ow * s] += src[ow] }
                        }
                    }
                }
            }
        }
    }
}

/// ⌈a/b⌉ for b > 0 and any sign of a.
@inline(__always)
func ceilDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? (a + b - 1) / b : -((-a) / b) }

/// ⌊a/b⌋ for b > 0 and any sign of a.
@inline(__always)
func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
