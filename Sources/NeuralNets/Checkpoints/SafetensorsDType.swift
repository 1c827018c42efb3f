// SafetensorsDType.swift — the element types of a safetensors file, and how each
// becomes a Float.
//
// The kit computes in Float32, but checkpoints from elsewhere are often F16/BF16
// (half-size downloads) or F64, and PyTorch's BatchNorm stores `num_batches_tracked`
// as I64. Every type below is read and converted to Float (large integers and F64
// values round to the nearest Float). All data is little-endian, as the format says.

extension Safetensors {
    /// An element type of a safetensors file, spelled as in the header ("F32").
    public enum DType: String, CaseIterable, Sendable {
        case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
        case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
        case bool = "BOOL"

        /// The size of one element in bytes.
        public var byteCount: Int {
            switch self {
            case .f64, .i64, .u64: return 8
            case .f32, .i32, .u32: return 4
            case .f16, .bf16, .i16, .u16: return 2
            case .i8, .u8, .bool: return 1
            }
        }

        /// Converts the little-endian elements in `source` (exactly
        /// `destination.count * byteCount` bytes) to Float.
        func convert(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
            precondition(source.count == destination.count * byteCount, "DType.convert: internal size error")
            let n = destination.count
            switch self {
            case .f32:
                for i in 0..<n { destination[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .f64:
                for i in 0..<n { destination[i] = Float(Double(bitPattern: UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
            case .f16:
                for i in 0..<n { destination[i] = floatFromHalf(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            case .bf16:   // bfloat16 is the upper half of a float32
                for i in 0..<n { destination[i] = Float(bitPattern: UInt32(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
            case .i64:
                for i in 0..<n { destination[i] = Float(Int64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
            case .i32:
                for i in 0..<n { destination[i] = Float(Int32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
            case .i16:
                for i in 0..<n { destination[i] = Float(Int16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
            case .i8:
                for i in 0..<n { destination[i] = Float(Int8(bitPattern: source[i])) }
            case .u64:
                for i in 0..<n { destination[i] = Float(UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
            case .u32:
                for i in 0..<n { destination[i] = Float(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .u16:
                for i in 0..<n { destination[i] = Float(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            case .u8:
                for i in 0..<n { destination[i] = Float(source[i]) }
            case .bool:
                for i in 0..<n { destination[i] = source[i] != 0 ? 1 : 0 }
            }
        }
    }
}

/// The Float value of an IEEE 754 half-precision bit pattern (exact: every half is a float).
func floatFromHalf(_ h: UInt16) -> Float {
    let sign: UInt32 = UInt32(h >> 15) << 31
    let exponent = UInt32((h >> 10) & 0x1F)
    let mantissa = UInt32(h & 0x3FF)
    switch exponent {
    case 0:        // zero or subnormal: mantissa · 2^-24
        let magnitude = Float(mantissa) * 0x1p-24
        return sign != 0 ? -magnitude : magnitude
    case 0x1F:     // infinity or NaN (payload kept)
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    default:       // normal: rebias the exponent from 15 to 127
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }
}
