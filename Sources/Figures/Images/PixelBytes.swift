// PixelBytes.swift — from a Float image tensor to the 8-bit pixels of a PNG.
//
// A value v in `range` = lo…hi becomes the byte round(255 · (v − lo) / (hi − lo)),
// clipped to 0…255, so lo is black, hi is white and values outside the range
// saturate instead of wrapping around. NaN has no brightness; it becomes 0 (black).
// Channel-first tensors (`[3, H, W]`, like PyTorch) are interleaved into the
// R, G, B, R, G, B, … order that PNG rows use.

import Tensors

/// 8-bit pixels ready for a PNG encoder: `height` rows of `width · channels` bytes,
/// channels interleaved.
struct PixelImage: Equatable {
    /// Pixels per row.
    var width: Int
    /// Number of rows.
    var height: Int
    /// 1 (grey) or 3 (RGB).
    var channels: Int
    /// `height · width · channels` bytes, row by row, channels interleaved.
    var bytes: [UInt8]
}

/// The largest width or height libpng accepts by default (its `user_width_max`).
let maximumImageSide = 1_000_000

/// Converts an image tensor — `[H, W]` or `[1, H, W]` (grey) or `[3, H, W]` (RGB) —
/// into 8-bit pixels, mapping `range` linearly onto 0…255.
/// - Throws: `FigureError.badImageShape` for other shapes or empty sides,
///   `FigureError.badArgument` for an empty or non-finite range.
func pixelImage(from image: Tensor, range: ClosedRange<Float>, function: String) throws -> PixelImage {
    let expected = "[H, W] or [1, H, W] (grey) or [3, H, W] (RGB), with H, W in 1…\(maximumImageSide)"
    let (channels, height, width): (Int, Int, Int)
    switch image.shape.count {
    case 2: (channels, height, width) = (1, image.shape[0], image.shape[1])
    case 3 where image.shape[0] == 1 || image.shape[0] == 3:
        (channels, height, width) = (image.shape[0], image.shape[1], image.shape[2])
    default:
        throw FigureError.badImageShape(function: function, shape: image.shape, expected: expected)
    }
    guard (1...maximumImageSide).contains(height), (1...maximumImageSide).contains(width) else {
        throw FigureError.badImageShape(function: function, shape: image.shape, expected: expected)
    }
    try checkValueRange(range, function: function)

    let low = Double(range.lowerBound)
    let scale = 255 / (Double(range.upperBound) - low)
    let plane = height * width
    var bytes = [UInt8](repeating: 0, count: plane * channels)
    image.scalars.withUnsafeBufferPointer { src in            // [C, H, W]
        for c in 0..<channels {
            for p in 0..<plane {                               // p = y · W + x
                bytes[p * channels + c] = pixelByte(src[c * plane + p], low: low, scale: scale)
            }
        }
    }
    return PixelImage(width: width, height: height, channels: channels, bytes: bytes)
}

/// One value → one byte: `round((v − low) · scale)` clipped to 0…255; NaN → 0.
@inline(__always)
func pixelByte(_ value: Float, low: Double, scale: Double) -> UInt8 {
    let x = ((Double(value) - low) * scale).rounded(.toNearestOrAwayFromZero)
    if !(x > 0) { return 0 }                                   // also catches NaN
    if x >= 255 { return 255 }
    return UInt8(x)
}

/// Checks that a value range has finite bounds with low < high.
/// - Throws: `FigureError.badArgument` naming `function`.
func checkValueRange(_ range: ClosedRange<Float>, function: String) throws {
    guard range.lowerBound.isFinite, range.upperBound.isFinite, range.lowerBound < range.upperBound else {
        throw FigureError.badArgument(
            function: function,
            reason: "the value range \(range.lowerBound)…\(range.upperBound) must be finite with low < high")
    }
}
