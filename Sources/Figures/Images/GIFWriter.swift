// GIFWriter.swift — grey image tensors to an animated GIF (GIF89a).
//
// A GIF animation is a sequence of blocks, all little-endian:
//
//   "GIF89a"                               signature and version
//   logical screen descriptor              width, height, and a 256-entry global colour table
//   global colour table                    entry i is the grey (i, i, i), so a pixel byte is its own index
//   NETSCAPE2.0 application extension      loop forever (only when `loop`)
//   per frame:
//     graphic control extension            the frame's delay in centiseconds
//     image descriptor                     the frame covers the whole screen, no local table
//     LZW minimum code size 8, data        the indices, LZW-compressed (LZW.swift), in sub-blocks
//   0x3B                                   trailer
//
// Values are mapped to bytes exactly as for PNG (`pixelImage`: `range` onto 0…255,
// rounded and clipped), and enlarged with `imageGrid`'s nearest-neighbour scaling.
// Nothing depends on the time or the machine, so the same frames always give the
// same bytes; the file is written atomically by `writeFileAtomically`.

import Tensors

/// Writes grey image tensors as an animated GIF, one frame each, for example the
/// steps of the reverse diffusion process.
///
/// Each frame is `[H, W]` or `[1, H, W]`, all the same size. A value v is mapped from
/// `range` onto 0…255 grey as by `writePNG` (`round(255 · (v − lo) / (hi − lo))`,
/// clipped; NaN → black), then every pixel becomes a `scale × scale` block. The file
/// is GIF89a with a 256-grey colour table, so grey levels are exact (no dithering).
/// The file is written atomically, missing folders are created, and the same frames
/// always give byte-identical files.
///
/// - Parameters:
///   - frames: the frames in playing order (at least one).
///   - range: the value range mapped onto black…white.
///   - delay: seconds each frame is shown, stored in hundredths (0…655.35). Browsers
///     show delays under 0.02 s as 0.1 s.
///   - finalDelay: seconds the last frame is held before the animation loops; `nil`
///     uses `delay`.
///   - loop: repeat forever (a NETSCAPE2.0 extension); `false` plays once.
///   - scale: each pixel becomes a `scale × scale` block (nearest neighbour).
/// - Throws: `FigureError.badArgument` for no frames, frames of different sizes, an
///   empty range, a delay out of range, scale < 1 or a side over 65 535 pixels;
///   `FigureError.badImageShape` for a frame that is not grey `[H, W]` or `[1, H, W]`;
///   `FigureError.cannotWrite` naming `path` when the file cannot be written.
public func writeGIF(frames: [Tensor], to path: String, range: ClosedRange<Float> = -1...1,
                     delay: Double = 0.08, finalDelay: Double? = 1.5, loop: Bool = true,
                     scale: Int = 1) throws {
    let function = "writeGIF"
    let size = try checkGIFFrames(frames, scale: scale, function: function)
    let delays = try gifDelays(count: frames.count, delay: delay, finalDelay: finalDelay, function: function)
    try checkValueRange(range, function: function)

    var pixels: [PixelImage] = []
    pixels.reserveCapacity(frames.count)
    for frame in frames {
        let grey = Tensor(shape: [1, 1, size.height, size.width], scalars: frame.scalars)
        let image = scale == 1 ? frame : try imageGrid(grey, columns: 1, padding: 0, scale: scale)
        pixels.append(try pixelImage(from: image, range: range, function: function))
    }
    try writeFileAtomically(encodeGIF(pixels, delays: delays, loop: loop), to: path)
}

/// Writes an animation of image grids: each frame is a batch `[N, 1, H, W]` laid out
/// by `imageGrid` (white padding, the top of `range`), then all frames are written by
/// `writeGIF(frames:)`. Every frame must have the same shape.
///
/// - Parameters:
///   - gridFrames: the batches in playing order, for example x_t for t = T−1 … 0.
///   - columns: images per row; by default ⌈√N⌉.
///   - padding: pixels between the images and around the sheet (not scaled).
///   - scale: each pixel becomes a `scale × scale` block.
///   - range, delay, finalDelay, loop: as for `writeGIF(frames:)`.
/// - Throws: the errors of `imageGrid` and `writeGIF(frames:)`; `FigureError.badImageShape`
///   for a batch that is not grey `[N, 1, H, W]`; `FigureError.badArgument` when the
///   batches differ in shape; `FigureError.cannotWrite` naming `path`.
public func writeGIF(gridFrames: [Tensor], to path: String, columns: Int? = nil, padding: Int = 2,
                     scale: Int = 2, range: ClosedRange<Float> = -1...1, delay: Double = 0.08,
                     finalDelay: Double? = 1.5, loop: Bool = true) throws {
    let function = "writeGIF(gridFrames:)"
    guard let first = gridFrames.first else {
        throw FigureError.badArgument(function: function, reason: "no frames to write (the list is empty)")
    }
    for (index, batch) in gridFrames.enumerated() {
        guard batch.rank == 4, batch.shape[1] == 1 else {
            throw FigureError.badImageShape(function: function + " frame \(index)", shape: batch.shape,
                                            expected: "a grey batch [N, 1, H, W]")
        }
        guard batch.shape == first.shape else {
            throw FigureError.badArgument(function: function, reason:
                "frame \(index) has shape \(batch.shape) but frame 0 has \(first.shape); all frames must match")
        }
    }
    let grids = try gridFrames.map {
        try imageGrid($0, columns: columns, padding: padding, padValue: range.upperBound, scale: scale)
    }
    try writeGIF(frames: grids, to: path, range: range, delay: delay, finalDelay: finalDelay, loop: loop, scale: 1)
}

/// The largest width or height a GIF can store (16 bits).
let maximumGIFSide = 65_535

/// Checks that there is at least one frame, that all are grey `[H, W]` or `[1, H, W]`
/// of one size, and that `scale` is valid; returns the unscaled size.
func checkGIFFrames(_ frames: [Tensor], scale: Int, function: String) throws -> (height: Int, width: Int) {
    guard let first = frames.first else {
        throw FigureError.badArgument(function: function, reason: "no frames to write (the list is empty)")
    }
    guard scale >= 1 else {
        throw FigureError.badArgument(function: function, reason: "scale must be at least 1, got \(scale)")
    }
    func size(_ frame: Tensor, _ index: Int) throws -> (height: Int, width: Int) {
        switch frame.shape.count {
        case 2 where frame.shape.allSatisfy({ $0 >= 1 }): return (frame.shape[0], frame.shape[1])
        case 3 where frame.shape[0] == 1 && frame.shape.allSatisfy({ $0 >= 1 }): return (frame.shape[1], frame.shape[2])
        default:
            throw FigureError.badImageShape(function: function + " frame \(index)", shape: frame.shape,
                                            expected: "a grey image [H, W] or [1, H, W] with H, W ≥ 1")
        }
    }
    let expected = try size(first, 0)
    for (index, frame) in frames.enumerated().dropFirst() {
        let got = try size(frame, index)
        guard got == expected else {
            throw FigureError.badArgument(function: function, reason:
                "frame \(index) is \(got.height) × \(got.width) but frame 0 is \(expected.height) × \(expected.width); all frames must be the same size")
        }
    }
    let largest = Double(max(expected.height, expected.width)) * Double(scale)
    guard largest <= Double(maximumGIFSide) else {
        throw FigureError.badArgument(function: function, reason:
            "the frames would be \(expected.height * scale) × \(expected.width * scale) pixels; a GIF holds at most \(maximumGIFSide) on a side")
    }
    return expected
}

/// The delay of each frame in centiseconds: `delay` for all but the last, which holds
/// `finalDelay` (or `delay` when it is nil).
/// - Throws: `FigureError.badArgument` for a delay that is not in 0…655.35 seconds.
func gifDelays(count: Int, delay: Double, finalDelay: Double?, function: String) throws -> [Int] {
    func centiseconds(_ seconds: Double, _ name: String) throws -> Int {
        guard seconds.isFinite, seconds >= 0, seconds * 100 <= 65_535.5 else {
            throw FigureError.badArgument(function: function, reason:
                "\(name) must be between 0 and 655.35 seconds, got \(seconds)")
        }
        return min(Int((seconds * 100).rounded(.toNearestOrAwayFromZero)), 65_535)
    }
    let each = try centiseconds(delay, "delay")
    let last = try finalDelay.map { try centiseconds($0, "finalDelay") } ?? each
    return Array(repeating: each, count: count - 1) + [last]
}

/// Encodes grey frames of one size as a complete GIF89a file in memory.
func encodeGIF(_ frames: [PixelImage], delays: [Int], loop: Bool) -> [UInt8] {
    precondition(!frames.isEmpty && frames.count == delays.count, "encodeGIF: one delay per frame")
    let (width, height) = (frames[0].width, frames[0].height)
    precondition(frames.allSatisfy { $0.width == width && $0.height == height && $0.channels == 1 },
                 "encodeGIF: grey frames of one size")
    var out: [UInt8] = Array("GIF89a".utf8)
    func u16(_ value: Int) { out.append(UInt8(value & 0xFF)); out.append(UInt8(value >> 8 & 0xFF)) }

    // Logical screen: global table present (bit 7), 8-bit colour resolution (bits 4–6 = 7),
    // unsorted, 2^(7+1) = 256 entries (bits 0–2 = 7); background index 0; square pixels.
    u16(width); u16(height)
    out += [0xF7, 0, 0]
    for grey in 0...255 { out += [UInt8(grey), UInt8(grey), UInt8(grey)] }

    if loop {   // NETSCAPE2.0: sub-block 1 = loop count, 0 = forever.
        out += [0x21, 0xFF, 11] + Array("NETSCAPE2.0".utf8) + [3, 1, 0, 0, 0]
    }
    var encoder = LZWEncoder()
    for (frame, delay) in zip(frames, delays) {
        // Graphic control: disposal 1 (leave the frame in place), no transparency.
        out += [0x21, 0xF9, 4, 0x04]
        u16(delay)
        out += [0, 0]
        // Image descriptor: at (0, 0), full size, no local table, not interlaced.
        out.append(0x2C)
        u16(0); u16(0); u16(width); u16(height)
        out.append(0)
        out.append(8)                                          // LZW minimum code size
        out += gifSubBlocks(encoder.encode(frame.bytes))
    }
    out.append(0x3B)
    return out
}
