// GIFTests.swift — animated GIFs decode with an independent decoder to the expected frames.
//
// The truth is a short Python LZW/GIF decoder (below) that shares no code with the
// writer and is strict: it checks the block structure, that every code is valid, that
// the code width grows exactly when the GIF rules say, that End of Information ends
// the data and that each frame has exactly width × height pixels. ImageMagick, when
// installed, is asked as well for frame sizes, delays and pixels.

import Figures
import Foundation
import Tensors
import Testing

@Suite struct GIFTests {
    /// A frame [h, w] whose pixel k has the byte value `bytes[k]` with range 0…255.
    static func frame(_ bytes: [UInt8], height: Int, width: Int) -> Tensor {
        Tensor(shape: [height, width], scalars: bytes.map { Float($0) })
    }

    /// A 16 × 16 ramp through every byte 0…255, rotated by `shift`.
    static func ramp(shift: Int) -> [UInt8] { (0..<256).map { UInt8(($0 + shift) % 256) } }

    /// Pseudo-random bytes from a fixed linear congruential generator.
    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    /// Bytes whose consecutive pairs never repeat (blocks of odd strides modulo 256),
    /// so LZW emits exactly one code per byte: the stream's length is then known, and
    /// the code-width boundaries can be hit exactly at the end of the data.
    static func distinctPairs(_ count: Int) -> [UInt8] {
        (0..<count).map { i in UInt8(truncatingIfNeeded: (i % 256) * (2 * (i / 256) + 1)) }
    }

    @Test(.enabled(if: Tools.python3 != nil, "python3 is not on PATH"))
    func gradientsRoundTripWithDelaysAndLoop() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/ramp.gif"
            let frames = (0..<4).map { f -> Tensor in
                let bytes = Self.ramp(shift: 37 * f)
                return f % 2 == 0 ? Self.frame(bytes, height: 16, width: 16)
                                  : Tensor(shape: [1, 16, 16], scalars: bytes.map { Float($0) })
            }
            try writeGIF(frames: frames, to: path, range: 0...255)
            let gif = try #require(try decodeGIF([path]).first)
            #expect(gif.width == 16 && gif.height == 16 && gif.greyTable)
            #expect(gif.loop == 0)                                   // NETSCAPE2.0, forever
            #expect(gif.frames.map(\.delay) == [8, 8, 8, 150])
            #expect(gif.frames.map(\.pixels) == (0..<4).map { Self.ramp(shift: 37 * $0) })
            #expect(gif.frames.allSatisfy { $0.width == 16 && $0.height == 16 && $0.left == 0 && $0.top == 0 })
            try checkWithImageMagick(path, frames: gif)
        }
    }

    @Test(.enabled(if: Tools.python3 != nil, "python3 is not on PATH"))
    func noLoopAndEqualDelaysAndDefaultRange() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/once.gif"
            // Default range −1…1: −1 → 0, 1 → 255, 0 → 128, 0.5 → 191, beyond clips, NaN → 0.
            let values: [Float] = [-1, 1, 0, 0.5, -0.5, -3, 5, .nan]
            let frames = [Tensor(shape: [2, 4], scalars: values), Tensor(shape: [2, 4], scalars: values.reversed())]
            try writeGIF(frames: frames, to: path, delay: 0.25, finalDelay: nil, loop: false)
            let gif = try #require(try decodeGIF([path]).first)
            #expect(gif.loop == nil)
            #expect(gif.frames.map(\.delay) == [25, 25])
            let expected: [UInt8] = [0, 255, 128, 191, 64, 0, 255, 0]
            #expect(gif.frames.map(\.pixels) == [expected, expected.reversed()])
        }
    }

    @Test(.enabled(if: Tools.python3 != nil, "python3 is not on PATH"))
    func scaleEnlargesByNearestNeighbour() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/big.gif"
            let bytes: [UInt8] = (0..<15).map { UInt8(10 + 17 * $0) }      // 3 × 5
            try writeGIF(frames: [Self.frame(bytes, height: 3, width: 5)], to: path, range: 0...255, scale: 3)
            let gif = try #require(try decodeGIF([path]).first)
            #expect(gif.width == 15 && gif.height == 9)
            let expected = (0..<9).flatMap { y in (0..<15).map { x in bytes[(y / 3) * 5 + x / 3] } }
            #expect(gif.frames.map(\.pixels) == [expected])
            #expect(gif.frames.map(\.delay) == [150])                 // a single frame holds finalDelay
        }
    }

    /// 256 × 256 noise fills the 4096-code dictionary many times over; runs of one
    /// value exercise LZW's "code not yet in the table" case.
    @Test(.enabled(if: Tools.python3 != nil, "python3 is not on PATH"))
    func longFramesFillAndResetTheDictionary() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/noise.gif"
            let noise = Self.noise(256 * 256, seed: 7)
            let runs = (0..<(256 * 256)).map { UInt8(truncatingIfNeeded: 3 + $0 / 1000 * 7) }
            let mixed = (0..<(256 * 256)).map { $0 % 512 < 256 ? noise[$0] : runs[$0] }
            let all = [noise, runs, mixed]
            try writeGIF(frames: all.map { Self.frame($0, height: 256, width: 256) }, to: path,
                         range: 0...255, delay: 0.1, finalDelay: 2)
            let gif = try #require(try decodeGIF([path]).first)
            #expect(gif.frames.map(\.delay) == [10, 10, 200])
            #expect(gif.frames.map(\.pixels) == all)
            #expect(gif.frames[0].clears > 10 && gif.frames[0].maxBits == 12)
            #expect(gif.frames[1].clears == 1)                        // runs compress well: no reset needed
            try checkWithImageMagick(path, frames: gif)
        }
    }

    /// Streams that end exactly where the decoder widens its codes (n = 255, 767, 1791
    /// codes), or right as the dictionary fills (n ≈ 3839), decode correctly.
    @Test(.enabled(if: Tools.python3 != nil, "python3 is not on PATH"))
    func codeWidthBoundariesAtTheEndOfTheData() throws {
        let lengths = [1, 2, 3, 254, 255, 256, 257, 766, 767, 768, 1790, 1791, 1792] + Array(3835...3843) + [4000, 8000]
        try withTemporaryFolder { folder in
            let paths = try lengths.map { n -> String in
                let path = folder + "/line-\(n).gif"
                try writeGIF(frames: [Self.frame(Self.distinctPairs(n), height: 1, width: n)], to: path, range: 0...255)
                return path
            }
            let gifs = try decodeGIF(paths)
            try #require(gifs.count == lengths.count)
            for (n, gif) in zip(lengths, gifs) {
                #expect(gif.frames.map(\.pixels) == [Self.distinctPairs(n)], "width \(n)")
                #expect(gif.frames.first?.codes == n, "one code per pixel, width \(n)")
                // 4096 − 258 = 3838 entries fill the dictionary, so a Clear follows every 3839th code.
                #expect(gif.frames.first?.clears == 1 + (n - 1) / 3839, "width \(n)")
            }
            #expect(gifs[lengths.firstIndex(of: 255)!].frames[0].endBits == 10)   // EOI read with 10 bits
            #expect(gifs[lengths.firstIndex(of: 767)!].frames[0].endBits == 11)
            #expect(gifs[lengths.firstIndex(of: 1791)!].frames[0].endBits == 12)
        }
    }

    @Test(.enabled(if: Tools.python3 != nil, "python3 is not on PATH"))
    func gridFramesMatchTheImageGridPNG() throws {
        var rng = SeededGenerator(seed: 5)
        let batches = (0..<3).map { _ in Tensor.uniform([5, 1, 6, 7], low: -1, high: 1, using: &rng) }
        try withTemporaryFolder { folder in
            let path = folder + "/grid.gif"
            try writeGIF(gridFrames: batches, to: path, columns: 3, padding: 1, delay: 0.05)
            let gif = try #require(try decodeGIF([path]).first)
            // 2 rows × 3 columns of 12 × 14 cells (scale 2), 1 pixel of padding.
            #expect(gif.height == 2 * 12 + 3 && gif.width == 3 * 14 + 4)
            #expect(gif.frames.map(\.delay) == [5, 5, 150])
            for (index, batch) in batches.enumerated() {
                let png = folder + "/grid-\(index).png"
                try writeImageGrid(batch, to: png, columns: 3, padding: 1, scale: 2)
                let decoded = try #require(try decodeWithPython(png))
                #expect(gif.frames[index].pixels == decoded.pixels, "frame \(index)")
                #expect(Set(decoded.pixels).count > 50)
            }
        }
    }

    @Test func sameFramesGiveByteIdenticalFiles() throws {
        var rng = SeededGenerator(seed: 11)
        let frames = (0..<5).map { _ in Tensor.randn([1, 28, 28], std: 0.7, using: &rng) }
        try withTemporaryFolder { folder in
            try writeGIF(frames: frames, to: folder + "/a.gif", scale: 2)
            try writeGIF(frames: frames, to: folder + "/b.gif", scale: 2)
            let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/a.gif"))
            let b = try Data(contentsOf: URL(fileURLWithPath: folder + "/b.gif"))
            #expect(a.count > 1000 && a == b)
            #expect(a.prefix(6) == Data("GIF89a".utf8) && a.last == 0x3B)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["a.gif", "b.gif"])
        }
    }

    @Test func badInputsGiveClearErrors() throws {
        let a = Tensor(shape: [4, 5], scalars: (0..<20).map { Float($0) / 20 })
        let b = Tensor(shape: [5, 4], scalars: (0..<20).map { Float($0) / 20 })
        let path = "/tmp/never-written-\(UUID().uuidString).gif"
        #expect { try writeGIF(frames: [], to: path) } throws: { "\($0)".contains("no frames") }
        #expect { try writeGIF(frames: [a, a, b], to: path) } throws: { error in
            guard case FigureError.badArgument = error else { return false }
            return "\(error)".contains("frame 2 is 5 × 4 but frame 0 is 4 × 5")
        }
        #expect { try writeGIF(frames: [Tensor(shape: [3, 4, 5], scalars: .init(repeating: 0, count: 60))], to: path) } throws: {
            guard case FigureError.badImageShape = $0 else { return false }
            return "\($0)".contains("[3, 4, 5]")
        }
        #expect { try writeGIF(frames: [a], to: path, delay: -1) } throws: { "\($0)".contains("delay") }
        #expect { try writeGIF(frames: [a], to: path, finalDelay: 1000) } throws: { "\($0)".contains("finalDelay") }
        #expect { try writeGIF(frames: [a], to: path, scale: 0) } throws: { "\($0)".contains("scale") }
        #expect { try writeGIF(frames: [a], to: path, range: 1...1) } throws: { "\($0)".contains("range") }
        #expect { try writeGIF(frames: [a], to: path, scale: 20_000) } throws: { "\($0)".contains("65535") }
        let batch = Tensor(shape: [2, 1, 3, 3], scalars: .init(repeating: 0.5, count: 18))
        let other = Tensor(shape: [3, 1, 3, 3], scalars: .init(repeating: 0.5, count: 27))
        #expect { try writeGIF(gridFrames: [], to: path) } throws: { "\($0)".contains("no frames") }
        #expect { try writeGIF(gridFrames: [batch, other], to: path) } throws: { "\($0)".contains("frame 1 has shape [3, 1, 3, 3]") }
        #expect { try writeGIF(gridFrames: [a], to: path) } throws: { "\($0)".contains("[N, 1, H, W]") }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func unwritablePathsAreNamed() throws {
        let frame = Tensor(shape: [2, 2], scalars: [-1, 0, 0.5, 1])
        let system = "/proc/figures-test-\(UUID().uuidString).gif"
        #expect { try writeGIF(frames: [frame], to: system) } throws: { error in
            guard case FigureError.cannotWrite(let named, _) = error else { return false }
            return named == system && "\(error)".contains(system)
        }
        try withTemporaryFolder { folder in
            let file = folder + "/plain.txt"
            try Data("x".utf8).write(to: URL(fileURLWithPath: file))
            let path = file + "/anim.gif"
            #expect { try writeGIF(gridFrames: [Tensor(shape: [1, 1, 2, 2], scalars: [0, 0, 0, 0])], to: path) } throws: {
                "\($0)".contains(path) && "\($0)".contains("not a folder")
            }
        }
    }
}

// MARK: - The independent decoders

/// One frame as the Python decoder saw it.
struct DecodedGIFFrame {
    var left = 0, top = 0, width = 0, height = 0
    /// Hundredths of a second, from the graphic control extension.
    var delay = -1
    /// Grey values (the colour table entry of each index; every entry is checked to be grey).
    var pixels: [UInt8] = []
    /// Clear codes read, including the first.
    var clears = 0
    /// The widest code read, in bits.
    var maxBits = 0
    /// Codes read that are neither Clear nor End of Information.
    var codes = 0
    /// The width with which End of Information was read.
    var endBits = 0
}

/// A GIF file as the Python decoder saw it.
struct DecodedGIF {
    var width = 0, height = 0
    /// Whether the global colour table has 256 entries and entry i is (i, i, i).
    var greyTable = false
    /// The NETSCAPE2.0 loop count (0 = forever), or nil without that extension.
    var loop: Int?
    var frames: [DecodedGIFFrame] = []
}

/// Decodes GIF files with the Python decoder, one process for all of them. Records an
/// issue and returns what it could when a file is rejected.
func decodeGIF(_ paths: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [DecodedGIF] {
    guard let python = Tools.python3 else { return [] }
    let result = try Tools.run(python, ["-c", pythonGIFDecoder] + paths)
    guard result.status == 0 else {
        Issue.record("python GIF decoder rejected a file: \(result.errors)", sourceLocation: sourceLocation)
        return []
    }
    var gifs: [DecodedGIF] = []
    for line in result.output.split(separator: "\n") {
        let f = line.split(separator: " ").map(String.init)
        if f[0] == "gif" {
            gifs.append(DecodedGIF(width: Int(f[1])!, height: Int(f[2])!, greyTable: f[3] == "1",
                                   loop: f[4] == "-" ? nil : Int(f[4])!))
        } else {
            let n = f[1...9].map { Int($0)! }
            let hex = Array(f[10].utf8)
            func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
            let pixels = stride(from: 0, to: hex.count, by: 2).map { nibble(hex[$0]) << 4 | nibble(hex[$0 + 1]) }
            gifs[gifs.count - 1].frames.append(DecodedGIFFrame(
                left: n[0], top: n[1], width: n[2], height: n[3], delay: n[4], pixels: pixels,
                clears: n[5], maxBits: n[6], codes: n[7], endBits: n[8]))
        }
    }
    return gifs
}

/// When ImageMagick is installed, checks its frame count, sizes, delays and pixels
/// against the Python decoder's.
func checkWithImageMagick(_ path: String, frames gif: DecodedGIF,
                          sourceLocation: SourceLocation = #_sourceLocation) throws {
    guard let identify = Tools.findProgram("identify"), let convert = Tools.findProgram("convert") else { return }
    let listing = try Tools.run(identify, ["-format", "%w %h %T\n", path])
    #expect(listing.status == 0, "identify: \(listing.errors)", sourceLocation: sourceLocation)
    let expected = gif.frames.map { "\(gif.width) \(gif.height) \($0.delay)" }
    #expect(listing.output.split(separator: "\n").map(String.init) == expected, sourceLocation: sourceLocation)
    for index in [0, gif.frames.count - 1] {
        let raw = folderOf(path) + "/frame-\(index).gray"
        let dump = try Tools.run(convert, [path + "[\(index)]", "-depth", "8", "gray:" + raw])
        #expect(dump.status == 0, "convert: \(dump.errors)", sourceLocation: sourceLocation)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: raw)))
        #expect(bytes == gif.frames[index].pixels, "ImageMagick frame \(index)", sourceLocation: sourceLocation)
    }
}

/// The folder of a file path.
private func folderOf(_ path: String) -> String { (path as NSString).deletingLastPathComponent }

/// The decoder: for each file, "gif W H GREY LOOP", then one line per frame with
/// "frame LEFT TOP W H DELAY CLEARS MAXBITS CODES ENDBITS PIXELHEX". Strict: any
/// deviation from GIF89a as the writer should produce it raises an error.
let pythonGIFDecoder = #"""
import sys

def lzw(data, mcs, count):
    clear, end = 1 << mcs, (1 << mcs) + 1
    bits, table, prev = mcs + 1, None, None
    buf = nbuf = pos = 0
    out = bytearray()
    clears = maxbits = codes = endbits = 0
    while True:
        while nbuf < bits:
            assert pos < len(data), 'data ended without End of Information'
            buf |= data[pos] << nbuf; pos += 1; nbuf += 8
        code = buf & ((1 << bits) - 1); buf >>= bits; nbuf -= bits
        maxbits = max(maxbits, bits)
        if code == clear:
            table = [bytes([i]) for i in range(clear)] + [None, None]
            bits, prev = mcs + 1, None
            clears += 1
            continue
        if code == end:
            endbits = bits
            break
        assert table is not None, 'no Clear code before the first code'
        codes += 1
        if prev is None:
            assert code < clear, 'first code after Clear is not a root'
            entry = table[code]
        elif code < len(table):
            entry = table[code]
            assert entry is not None, 'Clear/End used as data'
            if len(table) < 4096: table.append(prev + entry[:1])
        elif code == len(table) and len(table) < 4096:
            entry = prev + prev[:1]
            table.append(entry)
        else:
            raise ValueError('code %d beyond the table (%d)' % (code, len(table)))
        out += entry
        prev = entry
        if len(table) >= (1 << bits) and bits < 12: bits += 1
    assert pos == len(data), 'bytes after End of Information'
    assert buf == 0, 'non-zero padding bits'
    assert len(out) == count, 'got %d pixels, expected %d' % (len(out), count)
    return out, clears, maxbits, codes, endbits

def blocks(d, p):
    out = bytearray()
    while True:
        n = d[p]; p += 1
        if n == 0: return bytes(out), p
        out += d[p:p + n]; p += n

for path in sys.argv[1:]:
    d = open(path, 'rb').read()
    assert d[:6] == b'GIF89a', 'bad signature'
    w, h = d[6] | d[7] << 8, d[8] | d[9] << 8
    packed = d[10]
    assert packed & 0x80, 'no global colour table'
    n = 2 << (packed & 7)
    gct = d[13:13 + 3 * n]
    grey = n == 256 and all(gct[3 * i] == gct[3 * i + 1] == gct[3 * i + 2] == i for i in range(256))
    p = 13 + 3 * n
    loop, delay, frames = '-', None, []
    while True:
        b = d[p]; p += 1
        if b == 0x3B:
            assert p == len(d), 'bytes after the trailer'
            break
        if b == 0x21:
            label = d[p]; p += 1
            body, p = blocks(d, p)
            if label == 0xF9:
                assert len(body) == 4, 'graphic control extension size'
                assert delay is None, 'two graphic control extensions for one image'
                delay = body[1] | body[2] << 8
            elif label == 0xFF:
                assert body[:11] == b'NETSCAPE2.0' and body[11] == 1 and len(body) == 14, 'bad NETSCAPE2.0'
                assert not frames, 'loop extension after the first image'
                loop = body[12] | body[13] << 8
            continue
        assert b == 0x2C, 'unknown block 0x%02x at %d' % (b, p - 1)
        left, top, fw, fh = (d[p] | d[p+1] << 8, d[p+2] | d[p+3] << 8, d[p+4] | d[p+5] << 8, d[p+6] | d[p+7] << 8)
        assert d[p + 8] == 0, 'local colour table or interlace'
        p += 9
        assert left + fw <= w and top + fh <= h, 'frame outside the screen'
        mcs = d[p]; p += 1
        data, p = blocks(d, p)
        idx, clears, maxbits, codes, endbits = lzw(data, mcs, fw * fh)
        pixels = bytes(gct[3 * i] for i in idx)
        assert delay is not None, 'image without a graphic control extension'
        frames.append('frame %d %d %d %d %d %d %d %d %d %s' % (left, top, fw, fh, delay, clears, maxbits, codes, endbits, pixels.hex()))
        delay = None
    print('gif %d %d %d %s' % (w, h, 1 if grey else 0, loop))
    for f in frames: print(f)
"""#
