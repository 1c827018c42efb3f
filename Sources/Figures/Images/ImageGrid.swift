// ImageGrid.swift — a batch of images as one contact sheet (torchvision's make_grid).
//
// N images [N, C, H, W] are laid out row by row in `rows × columns` cells. Each
// image is first enlarged `scale` times by nearest-neighbour upscaling (every pixel
// becomes a scale × scale block, so a 28 × 28 digit stays crisp at 84 × 84), then
// `padding` pixels of `padValue` separate the cells and frame the sheet:
//
//   H' = rows · H·scale + (rows + 1) · padding
//   W' = columns · W·scale + (columns + 1) · padding
//
// Image n sits in row n / columns, column n % columns, with its top-left pixel at
// (padding + row · (H·scale + padding), padding + column · (W·scale + padding)).
// Cells past the last image are left at `padValue`.

import Tensors

/// Lays out a batch of images `[N, C, H, W]` as one image `[C, H', W']`.
///
/// - Parameters:
///   - images: the batch, `[N, C, H, W]` with N, C, H, W ≥ 1.
///   - columns: images per row; by default ⌈√N⌉, which makes a near-square sheet.
///   - padding: pixels between cells and around the sheet (not scaled).
///   - padValue: the value of the padding, in the images' own units. The default 1
///     is white for both of the kit's ranges, −1…1 and 0…1.
///   - scale: each pixel becomes a `scale × scale` block (nearest neighbour).
/// - Returns: `[C, rows·H·scale + (rows+1)·padding, columns·W·scale + (columns+1)·padding]`
///   with rows = ⌈N / columns⌉.
/// - Throws: `FigureError.badImageShape` when `images` is not `[N, C, H, W]` with
///   positive sizes; `FigureError.badArgument` for columns < 1, padding < 0 or scale < 1.
public func imageGrid(_ images: Tensor, columns: Int? = nil, padding: Int = 2,
                      padValue: Float = 1, scale: Int = 1) throws -> Tensor {
    let function = "imageGrid"
    guard images.rank == 4, images.shape.allSatisfy({ $0 >= 1 }) else {
        throw FigureError.badImageShape(function: function, shape: images.shape,
                                        expected: "a batch [N, C, H, W] with every size ≥ 1")
    }
    let (n, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    let columns = columns ?? Int(Double(n).squareRoot().rounded(.up))
    guard columns >= 1 else { throw FigureError.badArgument(function: function, reason: "columns must be at least 1, got \(columns)") }
    guard padding >= 0 else { throw FigureError.badArgument(function: function, reason: "padding must be at least 0, got \(padding)") }
    guard scale >= 1 else { throw FigureError.badArgument(function: function, reason: "scale must be at least 1, got \(scale)") }
    let rows = (n - 1) / columns + 1                        // ⌈n / columns⌉

    // Sizes checked in Double first, so that absurd arguments cannot overflow Int.
    func side(_ cells: Int, _ size: Int) -> Double {
        Double(cells) * Double(size) * Double(scale) + (Double(cells) + 1) * Double(padding)
    }
    guard side(rows, height) <= Double(maximumImageSide), side(columns, width) <= Double(maximumImageSide) else {
        throw FigureError.badArgument(function: function, reason:
            "the grid would be \(side(rows, height)) × \(side(columns, width)) pixels, more than \(maximumImageSide) on a side")
    }
    let cellHeight = height * scale, cellWidth = width * scale
    let outHeight = rows * cellHeight + (rows + 1) * padding
    let outWidth = columns * cellWidth + (columns + 1) * padding

    var out = [Float](repeating: padValue, count: channels * outHeight * outWidth)   // [C, H', W']
    images.scalars.withUnsafeBufferPointer { src in                                 // [N, C, H, W]
        for image in 0..<n {
            let top = padding + (image / columns) * (cellHeight + padding)
            let left = padding + (image % columns) * (cellWidth + padding)
            for c in 0..<channels {
                let srcPlane = (image * channels + c) * height * width
                let dstPlane = c * outHeight * outWidth
                for y in 0..<cellHeight {
                    let srcRow = srcPlane + (y / scale) * width
                    let dstRow = dstPlane + (top + y) * outWidth + left
                    for x in 0..<cellWidth {
                        out[dstRow + x] = src[srcRow + x / scale]
                    }
                }
            }
        }
    }
    return Tensor(shape: [channels, outHeight, outWidth], scalars: out)
}

/// Writes a batch of images `[N, C, H, W]` as one PNG contact sheet: `imageGrid`
/// followed by `writePNG`. C must be 1 (grey) or 3 (RGB).
///
/// - Parameters:
///   - padValue: the padding's value; by default the top of `range` (white).
///   - range: the value range mapped onto 0…255 (see `writePNG`).
/// - Throws: the errors of `imageGrid` and `writePNG`, naming `path` when it
///   cannot be written.
public func writeImageGrid(_ images: Tensor, to path: String, columns: Int? = nil, padding: Int = 2,
                           scale: Int = 1, padValue: Float? = nil,
                           range: ClosedRange<Float> = -1...1) throws {
    let grid = try imageGrid(images, columns: columns, padding: padding,
                             padValue: padValue ?? range.upperBound, scale: scale)
    try writePNG(grid, to: path, range: range)
}
