// SafetensorsFile.swift — a validated safetensors file in memory.
//
// `Safetensors.decode` checks the whole file before it makes one of these, so every
// entry's bytes exist and match its shape and dtype: getting a tensor cannot fail.

import Tensors

/// A safetensors file that has been read and validated: its metadata, its tensors'
/// header entries and their bytes.
public struct SafetensorsFile: Sendable {
    /// The file the bytes came from (for messages).
    public let path: String
    /// The `__metadata__` strings (empty when the file has none).
    public let metadata: [String: String]
    /// Every tensor's header entry, sorted by name.
    public let entries: [Safetensors.TensorInfo]
    private let bytes: [UInt8]
    private let dataStart: Int
    private let positions: [String: Int]

    init(path: String, metadata: [String: String], entries: [Safetensors.TensorInfo], bytes: [UInt8], dataStart: Int) {
        self.path = path
        self.metadata = metadata
        self.entries = entries
        self.bytes = bytes
        self.dataStart = dataStart
        self.positions = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
    }

    /// The tensors' names, sorted.
    public var names: [String] { entries.map(\.name) }

    /// The header entry of the tensor called `name`, or `nil`.
    public func entry(named name: String) -> Safetensors.TensorInfo? {
        positions[name].map { entries[$0] }
    }

    /// The tensor called `name` converted to Float, or `nil` when the file has none.
    public func tensor(named name: String) -> Tensor? {
        guard let entry = entry(named: name) else { return nil }
        var scalars = [Float](repeating: 0, count: entry.count)
        scalars.withUnsafeMutableBufferPointer { copyValues(of: entry, into: $0) }
        return Tensor(shape: entry.shape, scalars: scalars)
    }

    /// Every tensor, by name, converted to Float.
    public func tensors() -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for entry in entries { result[entry.name] = tensor(named: entry.name)! }
        return result
    }

    /// Converts `entry`'s values to Float into `destination` (`entry.count` values).
    func copyValues(of entry: Safetensors.TensorInfo, into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(destination.count == entry.count, "SafetensorsFile: internal size error")
        bytes.withUnsafeBytes { all in
            let start = dataStart + entry.dataOffsets.lowerBound
            entry.dtype.convert(UnsafeRawBufferPointer(rebasing: all[start..<(start + entry.dataOffsets.count)]),
                                into: destination)
        }
    }
}
