// TestSupport.swift — temporary folders, running programs, and an independent PNG decoder.
//
// PNG files are checked with a decoder that shares no code with the writer: a short
// Python program using only `zlib` and `struct` parses the chunks, verifies every
// CRC, inflates the IDAT stream and undoes the five row filters. `pngcheck` is also
// run when it is installed.

import Foundation
import Testing

/// Runs `body` with a fresh empty folder under the system's temporary directory and
/// deletes the folder afterwards.
@discardableResult
func withTemporaryFolder<T>(_ body: (String) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("FiguresTests-" + UUID().uuidString, isDirectory: true).path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    return try body(folder)
}

/// The output of a finished program.
struct ProgramResult {
    var status: Int32
    var output: String
    var errors: String
}

/// Programs the tests use, found on PATH.
enum Tools {
    /// The Python interpreter itself: a version-manager shim on PATH (pyenv) costs
    /// a fraction of a second per start, so it is asked once for the real executable.
    static let python3: String? = findProgram("python3").map { shim in
        let real = try? run(shim, ["-c", "import sys; print(sys.executable)"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return real.flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil } ?? shim
    }
    static let pngcheck = findProgram("pngcheck")

    /// The full path of an executable on PATH, or nil.
    static func findProgram(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { $0 + "/" + name }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a program to completion and collects its output.
    static func run(_ executable: String, _ arguments: [String], in folder: String? = nil) throws -> ProgramResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read stderr on another thread, so that neither pipe can fill up and block the program.
        final class Box: @unchecked Sendable { var data = Data() }   // written once, read after wait()
        let errorBox = Box(), group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errorBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errorData = errorBox.data
        process.waitUntilExit()
        return ProgramResult(status: process.terminationStatus,
                             output: String(decoding: outputData, as: UTF8.self),
                             errors: String(decoding: errorData, as: UTF8.self))
    }
}

/// A PNG as decoded by the independent Python decoder.
struct DecodedPNG: Equatable {
    var width: Int
    var height: Int
    /// PNG colour type: 0 grey, 2 RGB.
    var colorType: Int
    var bitDepth: Int
    /// The chunk types in file order, e.g. ["IHDR", "IDAT", "IEND"].
    var chunks: [String]
    /// The pixel bytes, rows top to bottom, channels interleaved.
    var pixels: [UInt8]
}

/// Decodes a PNG file with a Python program that uses only `zlib` and `struct`.
/// Records an issue and returns nil when the file is not a valid PNG.
func decodeWithPython(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> DecodedPNG? {
    guard let python = Tools.python3 else { return nil }
    let result = try Tools.run(python, ["-c", pythonPNGDecoder, path])
    guard result.status == 0 else {
        Issue.record("python PNG decoder rejected \(path): \(result.errors)", sourceLocation: sourceLocation)
        return nil
    }
    let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let header = lines[0].split(separator: " ").compactMap { Int($0) }
    let hex = Array(lines[2].utf8)
    func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
    let pixels = stride(from: 0, to: hex.count, by: 2).map { nibble(hex[$0]) << 4 | nibble(hex[$0 + 1]) }
    return DecodedPNG(width: header[0], height: header[1], colorType: header[3], bitDepth: header[2],
                      chunks: lines[1].split(separator: " ").map(String.init), pixels: pixels)
}

/// Checks a PNG with `pngcheck` when it is installed; records an issue if it complains.
func checkWithPngcheck(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    guard let pngcheck = Tools.pngcheck else { return }
    let result = try Tools.run(pngcheck, ["-q", path])
    #expect(result.status == 0, "pngcheck: \(result.output) \(result.errors)", sourceLocation: sourceLocation)
}

/// The decoder: prints "width height bitdepth colortype", the chunk types, and the
/// pixels in hex. Only 8-bit grey/RGB/grey-alpha/RGBA, non-interlaced (all the kit writes).
let pythonPNGDecoder = #"""
import sys, struct, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'bad signature'
pos, chunks, idat, ihdr = 8, [], b'', None
while pos < len(data):
    length, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
    assert zlib.crc32(kind + body) & 0xffffffff == crc, 'bad CRC in ' + kind.decode()
    chunks.append(kind.decode())
    if kind == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
    if kind == b'IDAT': idat += body
    pos += 12 + length
w, h, depth, ctype, comp, filt, interlace = ihdr
assert depth == 8 and interlace == 0 and comp == 0 and filt == 0, 'unsupported IHDR'
bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
raw = zlib.decompress(idat)
stride = w * bpp
assert len(raw) == h * (stride + 1), 'wrong IDAT size'
out, prev = bytearray(), bytearray(stride)
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 0: p = 0
        elif f == 1: p = a
        elif f == 2: p = b
        elif f == 3: p = (a + b) // 2
        elif f == 4:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        else: raise ValueError('bad filter %d' % f)
        line[i] = (line[i] + p) & 0xff
    out += line
    prev = line
print(w, h, depth, ctype)
print(' '.join(chunks))
print(out.hex())
"""#
