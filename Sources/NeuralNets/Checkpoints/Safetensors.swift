// Safetensors.swift — the Hugging Face safetensors format, read and written exactly.
//
// Layout (https://github.com/huggingface/safetensors):
//
//     [8 bytes]  N, the header length, a little-endian UInt64
//     [N bytes]  a UTF-8 JSON object, padded with spaces to a multiple of 8 bytes:
//                {"__metadata__": {"key": "value", …},
//                 "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, …}
//     [rest]     the tensors' raw little-endian bytes; data_offsets count from here
//
// Writing follows the reference implementation byte for byte: tensors ordered by
// element size (largest first, so every tensor stays aligned) and then by name, the
// header compact JSON in that same order with `__metadata__` first (its keys sorted,
// and left out when empty), padded with spaces. The same tensors and metadata thus
// always give the same bytes, and the same bytes as Python's `safetensors.save`.
//
// Reading validates everything before any value is used: the length, the JSON, each
// entry's fields, that every tensor's bytes match its shape and dtype, and that the
// tensors tile the data section exactly (no overlap, no gap, no trailing bytes).

import Tensors

/// Reading and writing safetensors files. See `Checkpoint` for saving and loading modules.
public enum Safetensors {
    /// One tensor's header entry.
    public struct TensorInfo: Equatable, Sendable {
        /// The tensor's name ("down1.conv1.weight").
        public let name: String
        /// The element type in the file.
        public let dtype: DType
        /// The shape, outermost axis first.
        public let shape: [Int]
        /// The byte range of the tensor's data, counted from the start of the data section.
        public let dataOffsets: Range<Int>

        /// The number of elements (1 for a scalar of shape `[]`).
        public var count: Int { shape.reduce(1, *) }
    }

    // MARK: Writing

    /// The bytes of a safetensors file holding `tensors` as F32 (or I64 for the names in
    /// `int64Names`) and the string `metadata`.
    /// - Parameter path: the file these bytes are meant for; only used in error messages.
    /// - Throws: `CheckpointError.invalidContents` for a duplicate or reserved name, an
    ///   `int64Names` entry that names no tensor, or an I64 value that is not an integer.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                              int64Names: Set<String> = [], path: String = "<memory>") throws(CheckpointError) -> [UInt8] {
        // 1. Check the names (and that I64 values are integers).
        var names = Set<String>()
        for (name, _) in tensors {
            guard name != "__metadata__" else {
                throw .invalidContents(path: path, reason: "\"__metadata__\" is reserved and cannot name a tensor")
            }
            guard names.insert(name).inserted else {
                throw .invalidContents(path: path, reason: "two tensors are named \"\(name)\"")
            }
        }
        if let stray = int64Names.subtracting(names).sorted().first {
            throw .invalidContents(path: path, reason: "\"\(stray)\" was asked to be stored as I64, but there is no tensor with that name")
        }
        for (name, tensor) in tensors where int64Names.contains(name) {
            if let value = tensor.scalars.first(where: { Int64(exactly: $0) == nil }) {
                throw .invalidContents(path: path, reason: "tensor \"\(name)\" is to be stored as I64 but holds \(value), which is not an integer")
            }
        }

        // 2. Lay out the data: larger elements first, then by name (UTF-8 byte order).
        struct Item { let name: String; let tensor: Tensor; let dtype: DType }
        let items = tensors.map { Item(name: $0.name, tensor: $0.tensor, dtype: int64Names.contains($0.name) ? .i64 : .f32) }
            .sorted { a, b in
                a.dtype.byteCount != b.dtype.byteCount ? a.dtype.byteCount > b.dtype.byteCount
                                                       : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
            }
        var offsets: [Range<Int>] = []
        var dataLength = 0
        for item in items {
            let size = item.tensor.count * item.dtype.byteCount
            offsets.append(dataLength..<(dataLength + size))
            dataLength += size
        }

        // 3. The header: compact JSON, `__metadata__` first, padded with spaces to a multiple of 8.
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                .map { jsonQuoted($0) + ":" + jsonQuoted(metadata[$0]!) }
            entries.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        for (item, range) in zip(items, offsets) {
            let shape = item.tensor.shape.map(String.init).joined(separator: ",")
            entries.append(jsonQuoted(item.name) + ":{\"dtype\":\"\(item.dtype.rawValue)\",\"shape\":[\(shape)],"
                           + "\"data_offsets\":[\(range.lowerBound),\(range.upperBound)]}")
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)

        // 4. Length, header, data.
        var bytes = [UInt8](repeating: 0, count: 8 + header.count + dataLength)
        bytes.withUnsafeMutableBytes { out in
            out.storeBytes(of: UInt64(header.count).littleEndian, toByteOffset: 0, as: UInt64.self)
            out.baseAddress!.advanced(by: 8).copyMemory(from: header, byteCount: header.count)
            let dataStart = 8 + header.count
            for (item, range) in zip(items, offsets) {
                var at = dataStart + range.lowerBound
                switch item.dtype {
                case .i64:
                    for value in item.tensor.scalars {      // integers, checked in step 1
                        out.storeBytes(of: Int64(value).littleEndian, toByteOffset: at, as: Int64.self)
                        at += 8
                    }
                default:
                    for value in item.tensor.scalars {
                        out.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: at, as: UInt32.self)
                        at += 4
                    }
                }
            }
        }
        return bytes
    }

    /// Writes `tensors` and `metadata` to a safetensors file at `path`, atomically (see
    /// `encode` for the layout and `Checkpoint.save` for the atomic write).
    /// - Throws: `CheckpointError` naming `path`.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                             int64Names: Set<String> = [], to path: String) throws(CheckpointError) {
        let bytes = try encode(tensors, metadata: metadata, int64Names: int64Names, path: path)
        try writeFileAtomically(bytes, to: path)
    }

    // MARK: Reading

    /// Reads and validates the safetensors file at `path`.
    /// - Throws: `CheckpointError` naming `path` and the problem.
    public static func read(_ path: String) throws(CheckpointError) -> SafetensorsFile {
        try decode(readWholeFile(path), path: path)
    }

    /// Parses and validates the bytes of a safetensors file.
    /// - Parameter path: where the bytes came from; only used in error messages.
    /// - Throws: `CheckpointError.malformed` or `.badTensor` naming `path` and the problem.
    public static func decode(_ bytes: [UInt8], path: String) throws(CheckpointError) -> SafetensorsFile {
        // 1. The header length.
        guard bytes.count >= 8 else {
            throw .malformed(path: path, reason: "the file is only \(bytes.count) bytes long, too short to hold the 8-byte header length (truncated, or not a safetensors file)")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw .malformed(path: path, reason: "the header length is \(headerLength) bytes but only \(bytes.count - 8) bytes follow it (truncated, or not a safetensors file)")
        }
        let dataStart = 8 + Int(headerLength)

        // 2. The header JSON.
        let headerBytes = Array(bytes[8..<dataStart])
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw .malformed(path: path, reason: headerBytes.isEmpty ? "the header is empty" : "the header does not start with '{' (not a safetensors file)")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(headerBytes)
        } catch {
            throw .malformed(path: path, reason: "the header is not valid JSON: \(error.message) (at byte \(8 + error.offset) of the file)")
        }
        guard case let .object(members) = json else {
            throw .malformed(path: path, reason: "the header is \(json.kind), not a JSON object")
        }

        // 3. Metadata and tensor entries.
        var metadata: [String: String] = [:]
        var entries: [TensorInfo] = []
        for (key, value) in members {
            if key == "__metadata__" {
                metadata = try parseMetadata(value, path: path)
            } else {
                entries.append(try parseEntry(name: key, value, path: path))
            }
        }

        // 4. The tensors must tile the data section exactly.
        let dataLength = bytes.count - dataStart
        if let beyond = entries.filter({ $0.dataOffsets.upperBound > dataLength })
            .min(by: { $0.dataOffsets.lowerBound < $1.dataOffsets.lowerBound }) {
            throw .badTensor(path: path, name: beyond.name, reason: "data_offsets \(describe(beyond.dataOffsets)) run past the end of the data section, which has only \(dataLength) bytes (the file is truncated)")
        }
        let byOffset = entries.sorted {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound)
        }
        var end = 0
        var previous: TensorInfo?
        for entry in byOffset {
            if entry.dataOffsets.lowerBound < end, let previous {
                throw .badTensor(path: path, name: entry.name, reason: "data_offsets \(describe(entry.dataOffsets)) overlap those of \"\(previous.name)\" \(describe(previous.dataOffsets))")
            }
            if entry.dataOffsets.lowerBound > end {
                throw .badTensor(path: path, name: entry.name, reason: "data_offsets \(describe(entry.dataOffsets)) leave a gap of \(entry.dataOffsets.lowerBound - end) unused bytes before this tensor's data")
            }
            end = entry.dataOffsets.upperBound
            previous = entry
        }
        guard end == dataLength else {
            throw .malformed(path: path, reason: "\(dataLength - end) bytes of trailing data follow the last tensor (the tensors end at byte \(dataStart + end) of \(bytes.count))")
        }

        entries.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        return SafetensorsFile(path: path, metadata: metadata, entries: entries, bytes: bytes, dataStart: dataStart)
    }

    /// `__metadata__`: an object whose values are all strings.
    private static func parseMetadata(_ value: JSONValue, path: String) throws(CheckpointError) -> [String: String] {
        guard case let .object(pairs) = value else {
            throw .malformed(path: path, reason: "\"__metadata__\" is \(value.kind), not an object of strings")
        }
        var metadata: [String: String] = [:]
        for (key, item) in pairs {
            guard case let .string(text) = item else {
                throw .malformed(path: path, reason: "metadata \"\(key)\" is \(item.kind), not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    /// One tensor's entry: `{"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}`.
    private static func parseEntry(name: String, _ value: JSONValue, path: String) throws(CheckpointError) -> TensorInfo {
        guard case let .object(fields) = value else {
            throw .badTensor(path: path, name: name, reason: "its header entry is \(value.kind), not an object")
        }
        func field(_ key: String) throws(CheckpointError) -> JSONValue {
            guard let found = fields.first(where: { $0.key == key }) else {
                throw .badTensor(path: path, name: name, reason: "its header entry has no \"\(key)\"")
            }
            return found.value
        }
        func integers(_ key: String) throws(CheckpointError) -> [Int] {
            let v = try field(key)
            guard case let .array(elements) = v else {
                throw .badTensor(path: path, name: name, reason: "\"\(key)\" is \(v.kind), not an array of integers")
            }
            var result: [Int] = []
            for element in elements {
                guard let n = element.nonNegativeInt else {
                    let text = if case let .number(t) = element { t } else { element.kind }
                    throw .badTensor(path: path, name: name, reason: "\"\(key)\" holds \(text), not a non-negative integer")
                }
                result.append(n)
            }
            return result
        }

        let dtypeValue = try field("dtype")
        guard case let .string(dtypeName) = dtypeValue else {
            throw .badTensor(path: path, name: name, reason: "\"dtype\" is \(dtypeValue.kind), not a string")
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            let known = DType.allCases.map(\.rawValue).joined(separator: ", ")
            throw .badTensor(path: path, name: name, reason: "unsupported dtype \"\(dtypeName)\" (this reader knows \(known))")
        }
        let shape = try integers("shape")
        let offsets = try integers("data_offsets")
        guard offsets.count == 2 else {
            throw .badTensor(path: path, name: name, reason: "\"data_offsets\" has \(offsets.count) numbers, not 2 ([begin, end])")
        }
        guard offsets[0] <= offsets[1] else {
            throw .badTensor(path: path, name: name, reason: "data_offsets [\(offsets[0]), \(offsets[1])] end before they begin")
        }
        var size = dtype.byteCount
        for n in shape {
            let (product, overflow) = size.multipliedReportingOverflow(by: n)
            guard !overflow else { throw .badTensor(path: path, name: name, reason: "shape \(shape) is too large") }
            size = product
        }
        let range = offsets[0]..<offsets[1]
        guard range.count == size else {
            throw .badTensor(path: path, name: name, reason: "data_offsets \(describe(range)) hold \(range.count) bytes, but shape \(shape) of \(dtype.rawValue) needs \(size)")
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: range)
    }

    private static func describe(_ range: Range<Int>) -> String { "[\(range.lowerBound), \(range.upperBound)]" }
}
