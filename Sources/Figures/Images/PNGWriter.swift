// PNGWriter.swift — tensors to PNG files, through libpng.
//
// libpng is driven with its classic write API, one step per call:
//
//   1. png_create_write_struct / png_create_info_struct   make the encoder
//   2. png_set_write_fn                                   send its output to a Swift buffer
//   3. png_set_IHDR                                       size, 8-bit, grey or RGB, no interlace
//   4. png_set_compression_level / png_set_filter         fixed settings → same bytes every time
//   5. png_write_info, png_write_row × height, png_write_end
//
// No tIME chunk (or any other chunk) is written, so the same tensor always gives a
// byte-identical file. The encoder writes into memory; the file itself is written
// atomically by `writeFileAtomically`, so I/O errors become Swift errors naming the
// path. libpng reports its own errors by calling an error function that must not
// return (C code would `longjmp`); here it can only be reached by an out-of-memory
// condition, because the image size and format are checked before libpng sees them.

import CPNG
import Tensors

/// Writes an image tensor as an 8-bit PNG file.
///
/// `[H, W]` and `[1, H, W]` become greyscale, `[3, H, W]` (channel-first, like
/// PyTorch) becomes RGB. Each value v is mapped linearly from `range` onto 0…255 —
/// `round(255 · (v − lo) / (hi − lo))` — and clipped; NaN becomes 0. The default
/// range −1…1 is the data range of the diffusion chapters; use `0...1` for
/// colours from `colorize`. The file is written atomically and missing folders are
/// created. The same tensor always gives a byte-identical file.
///
/// - Throws: `FigureError.badImageShape` for other shapes, `FigureError.badArgument`
///   for an empty range, `FigureError.cannotWrite` (naming `path`) when the file
///   cannot be written.
public func writePNG(_ image: Tensor, to path: String, range: ClosedRange<Float> = -1...1) throws {
    let pixels = try pixelImage(from: image, range: range, function: "writePNG")
    try writeFileAtomically(encodePNG(pixels), to: path)
}

/// The bytes libpng produces, collected through the write callback.
private final class PNGOutput {
    var bytes: [UInt8] = []
}

/// Encodes 8-bit grey or RGB pixels as a complete PNG file in memory.
func encodePNG(_ image: PixelImage) -> [UInt8] {
    precondition(image.channels == 1 || image.channels == 3, "encodePNG: 1 or 3 channels")
    precondition(image.bytes.count == image.width * image.height * image.channels, "encodePNG: pixel count")

    // 1. The encoder, with our error and warning functions instead of longjmp.
    guard let png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nil, pngFatalError, pngIgnoreWarning),
          let info = png_create_info_struct(png)
    else { fatalError("libpng: out of memory creating a PNG encoder") }
    var pngPointer: png_structp? = png
    var infoPointer: png_infop? = info
    defer { png_destroy_write_struct(&pngPointer, &infoPointer) }

    // 2. Output goes to a Swift buffer (libpng gets an unretained pointer to it).
    let output = PNGOutput()
    png_set_write_fn(png, Unmanaged.passUnretained(output).toOpaque(), pngAppendBytes, pngFlushNothing)

    // 3. The header: size, bit depth, colour type, no interlacing.
    let colorType = image.channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB
    png_set_IHDR(png, info, UInt32(image.width), UInt32(image.height), 8, colorType,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT)

    // 4. Fixed settings, so the bytes depend on the pixels only: zlib level 6 (its
    //    default, named explicitly) and libpng's adaptive choice among all five
    //    row filters (a deterministic function of the pixels).
    png_set_compression_level(png, 6)
    png_set_filter(png, PNG_FILTER_TYPE_BASE,
                   PNG_FILTER_NONE | PNG_FILTER_SUB | PNG_FILTER_UP | PNG_FILTER_AVG | PNG_FILTER_PAETH)

    // 5. Header, the rows top to bottom, then the end chunk.
    png_write_info(png, info)
    let rowBytes = image.width * image.channels
    image.bytes.withUnsafeBufferPointer { pixels in
        for y in 0..<image.height {
            png_write_row(png, pixels.baseAddress! + y * rowBytes)
        }
    }
    png_write_end(png, info)
    withExtendedLifetime(output) {}
    return output.bytes
}

/// libpng's write callback: appends `length` bytes to the `PNGOutput` buffer.
private func pngAppendBytes(_ png: png_structp?, _ data: png_bytep?, _ length: Int) {
    guard let png, let data, let io = png_get_io_ptr(png) else { return }
    let output = Unmanaged<PNGOutput>.fromOpaque(io).takeUnretainedValue()
    output.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
}

/// libpng's flush callback: nothing to flush for a memory buffer.
private func pngFlushNothing(_ png: png_structp?) {}

/// libpng's error callback. It must not return, and Swift cannot `longjmp`, so it
/// stops the program; inputs are validated first, so only running out of memory
/// can get here.
private func pngFatalError(_ png: png_structp?, _ message: png_const_charp?) {
    fatalError("libpng: \(message.map { String(cString: $0) } ?? "unknown error")")
}

/// libpng's warning callback: warnings (none are expected for these fixed settings) are ignored.
private func pngIgnoreWarning(_ png: png_structp?, _ message: png_const_charp?) {}
