// LZW.swift — the variable-length LZW compression of GIF image data.
//
// GIF compresses a frame's colour indices with LZW (Welch 1984), as the GIF89a
// specification (appendix F) describes. With a minimum code size of 8 (indices 0…255):
//
//   codes 0…255    the single indices         256  Clear (reset the dictionary)
//   257            End of Information         258… strings added while encoding
//
// The encoder keeps the longest string `w` found in the dictionary; for each next
// index k, if w+k is known it extends w, otherwise it emits w's code, adds w+k as
// the next free code and restarts from k. Codes are written with 9 bits at first and
// one bit more each time the dictionary outgrows the current width, up to 12 bits
// (4096 codes). The decoder adds each entry one code later than the encoder, so the
// encoder widens only once it has *added* code 2^bits (it may emit it next); and when
// the stream ends it widens one last time if the decoder's final, phantom entry
// would, so that End of Information is read with the width the decoder expects.
// When all 4096 codes are used the encoder emits Clear (12 bits) and starts again.
//
// Codes are packed least significant bit first into bytes, which GIF then splits into
// sub-blocks of at most 255 bytes each ending with an empty block.

/// Splits `data` into GIF data sub-blocks: a length byte (1…255) before each piece of
/// at most 255 bytes, and a zero-length block terminator.
func gifSubBlocks(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(data.count + data.count / 255 + 2)
    var start = 0
    while start < data.count {
        let end = min(start + 255, data.count)
        out.append(UInt8(end - start))
        out.append(contentsOf: data[start..<end])
        start = end
    }
    out.append(0)
    return out
}

/// An LZW encoder for 8-bit GIF indices. Its dictionary lookup is a flat table indexed
/// by (prefix code, next index); the entries added since the last Clear are remembered
/// so a reset undoes only those instead of wiping the whole 2 MB table.
struct LZWEncoder {
    /// Codes 0…255 are the indices themselves; `clearCode` is 256.
    static let clearCode = 256
    /// The End of Information code.
    static let endCode = 257
    /// GIF's largest code width.
    static let maximumBits = 12
    /// The number of codes a 12-bit dictionary holds.
    static let maximumCodes = 1 << maximumBits

    /// `table[prefix << 8 | index]` is the code of string(prefix)+index, or 0 if absent
    /// (0 is never a multi-index string's code, so it can mean "absent").
    private var table = [UInt16](repeating: 0, count: LZWEncoder.maximumCodes << 8)
    /// The table slots filled since the last reset.
    private var filled: [Int] = []

    /// The LZW code stream of `indices` as GIF stores it (minimum code size 8): a Clear
    /// code first, End of Information last, codes packed LSB-first. Deterministic.
    mutating func encode(_ indices: [UInt8]) -> [UInt8] {
        var writer = LZWBitWriter()
        var bits = 9
        var nextCode = Self.endCode + 1
        writer.write(Self.clearCode, bits: bits)
        guard let first = indices.first else {
            writer.write(Self.endCode, bits: bits)
            return writer.finish()
        }
        table.withUnsafeMutableBufferPointer { table in
            var prefix = Int(first)
            for k in indices.dropFirst() {
                let slot = prefix << 8 | Int(k)
                let code = Int(table[slot])
                if code != 0 {                     // w+k is known: extend w
                    prefix = code
                    continue
                }
                writer.write(prefix, bits: bits)
                if nextCode < Self.maximumCodes {  // add w+k, widen once 2^bits is in use
                    table[slot] = UInt16(nextCode)
                    filled.append(slot)
                    nextCode += 1
                    if nextCode > 1 << bits && bits < Self.maximumBits { bits += 1 }
                } else {                           // dictionary full: Clear and start over
                    writer.write(Self.clearCode, bits: bits)
                    for slot in filled { table[slot] = 0 }
                    filled.removeAll(keepingCapacity: true)
                    bits = 9
                    nextCode = Self.endCode + 1
                }
                prefix = Int(k)
            }
            writer.write(prefix, bits: bits)
            // The decoder adds one more entry on reading the last code: follow its width.
            if nextCode < Self.maximumCodes && nextCode + 1 > 1 << bits && bits < Self.maximumBits { bits += 1 }
            writer.write(Self.endCode, bits: bits)
            for slot in filled { table[slot] = 0 }
            filled.removeAll(keepingCapacity: true)
        }
        return writer.finish()
    }
}

/// Packs variable-width codes into bytes, least significant bit first.
struct LZWBitWriter {
    /// The finished bytes.
    private var bytes: [UInt8] = []
    /// Bits not yet written out, in the low `count` bits.
    private var buffer: UInt32 = 0
    /// How many bits `buffer` holds (always < 8 between calls).
    private var count = 0

    /// Appends `code` as `bits` bits.
    mutating func write(_ code: Int, bits: Int) {
        buffer |= UInt32(code) << UInt32(count)
        count += bits
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            count -= 8
        }
    }

    /// The bytes written, with the last partial byte padded with zero bits.
    mutating func finish() -> [UInt8] {
        if count > 0 { bytes.append(UInt8(truncatingIfNeeded: buffer)) }
        buffer = 0
        count = 0
        return bytes
    }
}
