// Gunzip.swift — decompress a gzip file held in memory, with zlib.
//
// MNIST ships as `.gz` files. zlib's `inflate` decodes them when initialised with
// windowBits 15 + 32 (a 32 KiB window, and detect the gzip or zlib header
// automatically); `inflateInit2` is a C macro, so we call the function behind it,
// `inflateInit2_`, with the library version and the size of `z_stream`, as the macro
// does. The gzip trailer's last four bytes (ISIZE, little-endian) hold the
// uncompressed size modulo 2³², a good first guess for the output buffer.
// Several gzip members one after another (what `cat a.gz b.gz` makes) decompress to
// the concatenation of their contents, as `gunzip` does.

import CZlib

/// Whether `bytes` start with the gzip magic number 1f 8b.
func isGzip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
}

/// The decompressed contents of the gzip data `compressed`, read from `path`.
/// - Throws: `DatasetError.corruptGzip` naming `path` and zlib's reason (bad header,
///   invalid data, CRC mismatch, data that ends early).
func gunzip(_ compressed: [UInt8], path: String) throws(DatasetError) -> [UInt8] {
    guard compressed.count <= Int(UInt32.max) else {
        throw .corruptGzip(path: path, reason: "compressed file larger than 4 GiB is not supported")
    }
    var stream = z_stream()
    let initStatus = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    guard initStatus == Z_OK else {
        throw .corruptGzip(path: path, reason: "zlib could not start (inflateInit2 returned \(initStatus))")
    }
    defer { inflateEnd(&stream) }

    // First guess of the output size: ISIZE from the trailer, within reason.
    var guess = 1 << 16
    if compressed.count >= 18 {
        let n = compressed.count
        let isize = Int(compressed[n - 4]) | Int(compressed[n - 3]) << 8
            | Int(compressed[n - 2]) << 16 | Int(compressed[n - 1]) << 24
        guess = max(guess, min(isize, compressed.count * 1032))   // deflate's ratio is at most ~1032:1
    }
    var output = [UInt8](repeating: 0, count: guess)
    var produced = 0
    var input = compressed

    let failure: String? = input.withUnsafeMutableBufferPointer { inBuffer -> String? in
        stream.next_in = inBuffer.baseAddress
        stream.avail_in = UInt32(inBuffer.count)
        while true {
            if produced == output.count {
                output.append(contentsOf: repeatElement(0, count: output.count))
            }
            let (status, written) = output.withUnsafeMutableBufferPointer { outBuffer -> (Int32, Int) in
                let room = min(outBuffer.count - produced, Int(UInt32.max))
                stream.next_out = outBuffer.baseAddress! + produced
                stream.avail_out = UInt32(room)
                let status = inflate(&stream, Z_NO_FLUSH)
                return (status, room - Int(stream.avail_out))
            }
            produced += written
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                // Another gzip member may follow; anything else after the end is ignored,
                // as gunzip ignores trailing zeros.
                let rest = Int(stream.avail_in)
                let next = inBuffer.count - rest
                if rest >= 2 && inBuffer[next] == 0x1f && inBuffer[next + 1] == 0x8b {
                    guard inflateReset(&stream) == Z_OK else { return "zlib could not restart for the next gzip member" }
                    continue
                }
                return nil
            case Z_BUF_ERROR where stream.avail_in == 0:
                return "the compressed data ends early (an incomplete download?)"
            case Z_BUF_ERROR:
                continue                                     // no room left: grow and go on
            case Z_MEM_ERROR:
                return "out of memory while decompressing"
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                return detail
            }
        }
    }
    if let failure { throw .corruptGzip(path: path, reason: failure) }
    output.removeSubrange(produced...)
    return output
}
