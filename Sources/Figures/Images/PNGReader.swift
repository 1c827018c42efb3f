// PNGReader.swift — PNG files back to pixels, through libpng's simplified API.
//
// Reading must cope with files that are corrupt or not PNGs at all. libpng's
// simplified API (`png_image_*`) catches its own errors inside C and returns 0 with
// a message, so a bad file becomes a Swift error instead of a `longjmp`:
//
//   1. png_image_begin_read_from_memory   parse the header: size and format
//   2. choose an 8-bit output format      grey or RGB, with alpha if the file has it
//   3. png_image_finish_read              decode (expanding palettes, 16-bit → 8-bit)

import CPNG
import Tensors

/// A decoded PNG image: 8-bit pixels, row by row, channels interleaved.
public struct PNGImage: Equatable, Sendable {
    /// Pixels per row.
    public var width: Int
    /// Number of rows.
    public var height: Int
    /// 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).
    public var channels: Int
    /// `height · width · channels` bytes: row 0 first, and within a pixel the
    /// channels in order (R, G, B[, A]).
    public var bytes: [UInt8]

    /// The pixel bytes of row `y`, column `x` (one byte per channel).
    public func pixel(x: Int, y: Int) -> ArraySlice<UInt8> {
        let start = (y * width + x) * channels
        return bytes[start..<(start + channels)]
    }

    /// The image as a channel-first tensor `[C, H, W]`, each byte b mapped linearly
    /// from 0…255 onto `range` (the inverse of `writePNG`'s mapping, up to rounding).
    public func tensor(range: ClosedRange<Float> = -1...1) -> Tensor {
        let plane = width * height
        let low = range.lowerBound, step = (range.upperBound - range.lowerBound) / 255
        var scalars = [Float](repeating: 0, count: plane * channels)
        for p in 0..<plane {
            for c in 0..<channels {
                scalars[c * plane + p] = low + Float(bytes[p * channels + c]) * step
            }
        }
        return Tensor(shape: [channels, height, width], scalars: scalars)   // [C, H, W]
    }
}

/// The largest decoded image `readPNG` accepts, in bytes: a corrupt header must not
/// make it allocate terabytes.
let maximumDecodedBytes = 1 << 30

/// Reads a PNG file of any colour type and bit depth into 8-bit pixels: grey stays
/// grey, palettes become RGB, alpha is kept, 16-bit samples are reduced to 8 bits.
/// - Throws: `FigureError.cannotRead` naming `path`, with libpng's message when the
///   file is not a valid PNG.
public func readPNG(_ path: String) throws -> PNGImage {
    let file = try readFileBytes(path)
    // libpng keeps a pointer to the file's bytes from step 1 to step 3, so all three
    // steps run inside one `withUnsafeBytes`, which keeps the bytes alive and in place.
    return try file.withUnsafeBytes { fileBytes in
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }

        // 1. The header.
        guard png_image_begin_read_from_memory(&image, fileBytes.baseAddress, fileBytes.count) != 0 else {
            throw FigureError.cannotRead(path: path, reason: "not a valid PNG (libpng: \(message(of: image)))")
        }

        // 2. 8-bit output keeping colour and alpha as they are in the file.
        let color = image.format & PNG_FORMAT_FLAG_COLOR != 0
        let alpha = image.format & PNG_FORMAT_FLAG_ALPHA != 0
        image.format = (color ? PNG_FORMAT_FLAG_COLOR : 0) | (alpha ? PNG_FORMAT_FLAG_ALPHA : 0)
        let channels = (color ? 3 : 1) + (alpha ? 1 : 0)
        let width = Int(image.width), height = Int(image.height)
        let (size, overflow) = width.multipliedReportingOverflow(by: height * channels)
        guard !overflow, size <= maximumDecodedBytes else {
            throw FigureError.cannotRead(path: path, reason: "the image (\(width) × \(height)) is too large to decode")
        }

        // 3. Decode (row stride 0 means rows are packed: width · channels bytes).
        var pixels = [UInt8](repeating: 0, count: size)
        let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard finished != 0 else {
            throw FigureError.cannotRead(path: path, reason: "corrupt PNG data (libpng: \(message(of: image)))")
        }
        return PNGImage(width: width, height: height, channels: channels, bytes: pixels)
    }
}

/// The error text libpng left in `image.message` (a NUL-terminated C array).
private func message(of image: png_image) -> String {
    withUnsafeBytes(of: image.message) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}
