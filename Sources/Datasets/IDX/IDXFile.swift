// IDXFile.swift — the IDX format of MNIST and Fashion-MNIST.
//
// Reference: Y. LeCun, C. Cortes, C. J. C. Burges, "The MNIST database of handwritten
// digits" (the file format section). An IDX file is
//
//     offset 0   0x00 0x00        magic: two zero bytes
//            2   type             0x08 unsigned byte (also 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64)
//            3   rank             the number of dimensions, d
//            4   d × UInt32       the size of each dimension, big-endian, outermost first
//      4 + 4d    data             ∏ sizes values, row-major (the last dimension varies fastest)
//
// so MNIST's training images are `00 00 08 03 | 60000 28 28 | 47 040 000 pixels`
// and its labels `00 00 08 01 | 60000 | 60 000 labels`. The files are usually
// distributed gzipped; `IDXFile(contentsOf:)` recognises gzip by its magic bytes
// (1f 8b), whatever the file is called. Only unsigned bytes (0x08) are supported:
// that is what MNIST and Fashion-MNIST use.

/// One IDX file in memory: its dimensions and its unsigned-byte values.
///
///     let labels = try IDXFile(contentsOf: "data/t10k-labels-idx1-ubyte.gz")
///     labels.dimensions    // [10000]
///     labels.values[0]     // 7
public struct IDXFile: Sendable {
    /// The file it was read from (used in error messages).
    public let path: String
    /// The size of each dimension, outermost first (e.g. `[60000, 28, 28]`).
    public let dimensions: [Int]
    /// The values, row-major; `values.count` is the product of `dimensions`.
    public let values: [UInt8]

    /// The number of items: the size of the first dimension (1 for a rank-0 file).
    public var count: Int { dimensions.first ?? 1 }

    /// Reads the IDX file at `path`, gunzipping it first when it starts with the gzip
    /// magic bytes 1f 8b.
    /// - Throws: `DatasetError` naming `path`: unreadable, corrupt gzip, bad magic,
    ///   unsupported data type, truncated or trailing data.
    public init(contentsOf path: String) throws(DatasetError) {
        var bytes = try readFileBytes(path)
        if isGzip(bytes) { bytes = try gunzip(bytes, path: path) }
        try self.init(parsing: bytes, path: path)
    }

    /// Parses IDX data already in memory (not compressed); `path` names it in errors.
    /// - Throws: `DatasetError` naming `path`: bad magic, unsupported data type,
    ///   truncated or trailing data.
    public init(parsing bytes: [UInt8], path: String) throws(DatasetError) {
        guard bytes.count >= 4 else {
            // Too short for the magic number: empty or not IDX at all, or the start of one.
            if bytes.isEmpty || bytes.prefix(2).contains(where: { $0 != 0 }) { throw .badMagic(path: path, bytes: bytes) }
            throw .truncated(path: path, expected: 4, actual: bytes.count)
        }
        guard bytes[0] == 0, bytes[1] == 0 else { throw .badMagic(path: path, bytes: Array(bytes[0..<4])) }
        guard bytes[2] == 0x08 else { throw .unsupportedDataType(path: path, code: bytes[2]) }
        let rank = Int(bytes[3])
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else { throw .truncated(path: path, expected: headerSize, actual: bytes.count) }

        var dimensions: [Int] = []
        for axis in 0..<rank {
            let o = 4 + 4 * axis
            dimensions.append(Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
        }
        // The values the header promises. Sizes whose product overflows describe more
        // data than any file can hold: report them as truncated.
        var total = headerSize
        if !dimensions.contains(0) {
            var product = 1
            for size in dimensions {
                let (p, overflow) = product.multipliedReportingOverflow(by: size)
                guard !overflow else { throw .truncated(path: path, expected: Int.max, actual: bytes.count) }
                product = p
            }
            let (t, overflow) = headerSize.addingReportingOverflow(product)
            guard !overflow else { throw .truncated(path: path, expected: Int.max, actual: bytes.count) }
            total = t
        }
        guard bytes.count >= total else { throw .truncated(path: path, expected: total, actual: bytes.count) }
        guard bytes.count == total else { throw .trailingData(path: path, expected: total, actual: bytes.count) }

        self.path = path
        self.dimensions = dimensions
        self.values = Array(bytes[headerSize...])
    }

    /// Checks that the file has `rank` dimensions.
    /// - Throws: `DatasetError.wrongRank` naming the file.
    public func requireRank(_ rank: Int) throws(DatasetError) {
        guard dimensions.count == rank else { throw .wrongRank(path: path, expected: rank, actual: dimensions.count) }
    }
}
