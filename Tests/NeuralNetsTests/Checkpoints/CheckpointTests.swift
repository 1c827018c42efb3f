// CheckpointTests.swift — saving and loading modules: round trips, determinism,
// metadata, atomic saves, and all-or-nothing loads of bad files.

import Foundation
@testable import NeuralNets
import Tensors
import Testing

@Suite("Checkpoints: save and load modules")
struct CheckpointTests {
    @Test("a module round-trips exactly, buffers and children included")
    func roundTrip() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("tiny.safetensors")
        let original = CheckpointTinyNet(seed: 0)
        try Checkpoint.save(original, to: path)

        let restored = CheckpointTinyNet(seed: 7)
        #expect(restored.snapshot != original.snapshot)
        let metadata = try Checkpoint.load(into: restored, from: path)
        #expect(metadata.isEmpty)
        #expect(restored.snapshot == original.snapshot)
        #expect(original.stateDict.map(\.name) == ["scale", "shift", "head.weight", "head.bias", "running_mean"])

        let (tensors, _) = try Checkpoint.read(path)
        #expect(Set(tensors.keys) == Set(original.stateDict.map(\.name)))
        #expect(tensors["head.weight"]?.shape == [2, 3])
        #expect(tensors["running_mean"]?.scalars == original.runningMean?.scalars)
        // Loading copies into the module's own tensors: the objects stay the same.
        #expect(restored.stateDict.map { ObjectIdentifier($0.tensor) } == [restored.scale, restored.shift, restored.head.weight, restored.head.bias, restored.runningMean!].map(ObjectIdentifier.init))
    }

    @Test("metadata round-trips, special characters included")
    func metadataRoundTrip() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("meta.safetensors")
        let metadata = [
            "architecture": #"{"channels":[32,64,128],"attention":true}"#,
            "schedule": "cosine",
            "step": "20000",
            "note": "quotes \" backslash \\ newline \n tab \t control \u{01} unicode é ∑ 🙂",
            "": "empty key",
        ]
        try Checkpoint.save(CheckpointTinyNet(), to: path, metadata: metadata)
        #expect(try Checkpoint.load(into: CheckpointTinyNet(), from: path) == metadata)
        #expect(try Checkpoint.read(path).metadata == metadata)
    }

    @Test("the same contents give byte-identical files; the header is padded to 8 bytes")
    func deterministicBytes() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let metadata = ["b": "2", "a": "1", "c": "3"]
        try Checkpoint.save(CheckpointTinyNet(seed: 4), to: scratch.path("one.safetensors"), metadata: metadata)
        try Checkpoint.save(CheckpointTinyNet(seed: 4), to: scratch.path("two.safetensors"), metadata: metadata)
        let one = try checkpointFileBytes(scratch.path("one.safetensors"))
        #expect(one == (try checkpointFileBytes(scratch.path("two.safetensors"))))

        // The same tensors given in another order (a dictionary) make the same bytes too.
        let model = CheckpointTinyNet(seed: 4)
        try Checkpoint.save(Dictionary(uniqueKeysWithValues: model.stateDict.map { ($0.name, $0.tensor) }),
                            to: scratch.path("three.safetensors"), metadata: metadata)
        #expect(one == (try checkpointFileBytes(scratch.path("three.safetensors"))))

        let headerLength = one[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        let header = String(decoding: one[8..<(8 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix(#"{"__metadata__":{"a":"1","b":"2","c":"3"},"head.bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#))
        // Tensors are laid out in name order.
        let file = try Safetensors.read(scratch.path("one.safetensors"))
        #expect(file.entries.sorted { $0.dataOffsets.lowerBound < $1.dataOffsets.lowerBound }.map(\.name)
                == ["head.bias", "head.weight", "running_mean", "scale", "shift"])
    }

    @Test("non-strict loading fills the shared names and leaves the rest")
    func nonStrict() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("nobuffer.safetensors")
        let source = CheckpointTinyNet(withBuffer: false, seed: 1)
        try Checkpoint.save(source, to: path)
        let target = CheckpointTinyNet(withBuffer: true, seed: 2)
        let bufferBefore = target.runningMean!.scalars
        try Checkpoint.load(into: target, from: path, strict: false)
        #expect(target.scale.scalars == source.scale.scalars)
        #expect(target.head.weight.scalars == source.head.weight.scalars)
        #expect(target.runningMean!.scalars == bufferBefore)
    }

    @Test("a name stored as I64 is written as I64 and read back as Float")
    func int64Tensor() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("i64.safetensors")
        let count = Tensor(shape: [], scalars: [12345])
        let weight = Tensor(shape: [2], scalars: [0.5, -1.5])
        try Checkpoint.save(["bn.num_batches_tracked": count, "bn.weight": weight], to: path, int64Names: ["bn.num_batches_tracked"])
        let file = try Safetensors.read(path)
        #expect(file.entry(named: "bn.num_batches_tracked")?.dtype == .i64)
        #expect(file.entry(named: "bn.num_batches_tracked")?.dataOffsets == 0..<8)   // 8-byte elements first
        #expect(file.tensor(named: "bn.num_batches_tracked")?.scalars == [12345])
        #expect(file.tensor(named: "bn.weight")?.scalars == [0.5, -1.5])

        expectCheckpointError(mentioning: [path, "bn.weight", "I64", "not an integer"]) {
            try Checkpoint.save(["bn.weight": weight], to: path, int64Names: ["bn.weight"])
        }
        expectCheckpointError(mentioning: [path, "nothing", "I64"]) {
            try Checkpoint.save(["bn.weight": weight], to: path, int64Names: ["nothing"])
        }
    }

    // MARK: Bad files: each error names the file and the problem; the module is untouched.

    /// Saves a good checkpoint, lets `damage` change its bytes, and checks that loading
    /// the damaged file fails with an error mentioning `words` and changes nothing.
    private func expectRejected(mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation,
                                damage: ([UInt8]) -> [UInt8]) throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("damaged.safetensors")
        try Checkpoint.save(CheckpointTinyNet(seed: 1), to: path, metadata: ["step": "10"])
        try writeCheckpointFileBytes(damage(try checkpointFileBytes(path)), to: path)
        let model = CheckpointTinyNet(seed: 2)
        let before = model.snapshot
        expectCheckpointError(mentioning: [path] + words, sourceLocation: sourceLocation) {
            try Checkpoint.load(into: model, from: path)
        }
        expectCheckpointError(mentioning: [path] + words, sourceLocation: sourceLocation) {
            _ = try Checkpoint.read(path)
        }
        #expect(model.snapshot == before, "the module was partly loaded", sourceLocation: sourceLocation)
    }

    /// The header length of a file made by `Checkpoint.save`.
    private func headerLength(_ bytes: [UInt8]) -> Int {
        bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    }

    /// Replaces the first occurrence of `old` by `new` (same length) in the header.
    private func replacing(_ old: String, with new: String, in bytes: [UInt8]) -> [UInt8] {
        precondition(old.utf8.count == new.utf8.count)
        let o = Array(old.utf8)
        var b = bytes
        let start = (8..<(8 + headerLength(bytes) - o.count)).first { Array(b[$0..<($0 + o.count)]) == o }!
        b.replaceSubrange(start..<(start + o.count), with: Array(new.utf8))
        return b
    }

    @Test("a file cut anywhere is rejected as truncated", arguments: ["empty", "inside the length", "just the length",
                                                                     "inside the header", "header only", "inside the data", "last byte missing"])
    func truncated(where cut: String) throws {
        try expectRejected(mentioning: ["truncated"]) { bytes in
            let n = headerLength(bytes)
            let length = switch cut {
            case "empty": 0
            case "inside the length": 5
            case "just the length": 8
            case "inside the header": 8 + n / 2
            case "header only": 8 + n
            case "inside the data": 8 + n + 10
            default: bytes.count - 1
            }
            return Array(bytes[0..<length])
        }
    }

    @Test("a missing file names the path")
    func missingFile() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("nowhere.safetensors")
        expectCheckpointError(mentioning: [path, "No such file"]) { try Checkpoint.load(into: CheckpointTinyNet(), from: path) }
        expectCheckpointError(mentioning: [scratch.folder]) { _ = try Checkpoint.read(scratch.folder) }   // a folder
    }

    @Test("a corrupted header is not valid JSON")
    func corruptJSON() throws {
        try expectRejected(mentioning: ["not valid JSON", "at byte"]) { replacing("\"shape\":", with: "\"shape\";", in: $0) }
        try expectRejected(mentioning: ["not valid JSON"]) { replacing("]}", with: "}}", in: $0) }
        try expectRejected(mentioning: ["does not start with '{'"]) { replacing("{", with: "[", in: $0) }
    }

    @Test("an unknown dtype names the tensor")
    func unknownDType() throws {
        try expectRejected(mentioning: ["head.bias", "unsupported dtype \"X32\""]) {
            replacing("\"dtype\":\"F32\"", with: "\"dtype\":\"X32\"", in: $0)
        }
    }

    @Test("data that does not match shape × dtype names the tensor")
    func sizeMismatch() throws {
        try expectRejected(mentioning: ["head.bias", "hold 8 bytes", "F16 needs 4"]) {
            replacing("\"dtype\":\"F32\"", with: "\"dtype\":\"F16\"", in: $0)
        }
        try expectRejected(mentioning: ["head.bias", "hold 8 bytes", "[3] of F32 needs 12"]) {
            replacing("\"shape\":[2]", with: "\"shape\":[3]", in: $0)
        }
    }

    @Test("missing fields name the tensor")
    func missingField() throws {
        try expectRejected(mentioning: ["head.bias", "no \"dtype\""]) { replacing("\"dtype\"", with: "\"dtypo\"", in: $0) }
        try expectRejected(mentioning: ["head.bias", "no \"data_offsets\""]) { replacing("\"data_offsets\"", with: "\"data_offsetz\"", in: $0) }
    }

    @Test("shape mismatch names the tensor and both shapes")
    func shapeMismatch() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("narrow.safetensors")
        try Checkpoint.save(CheckpointTinyNet(outputs: 2, seed: 1), to: path)
        let wide = CheckpointTinyNet(outputs: 4, seed: 2)
        let before = wide.snapshot
        let error = expectCheckpointError(mentioning: [path, "head.weight", "[2, 3]", "[4, 3]"]) {
            try Checkpoint.load(into: wide, from: path)
        }
        #expect(error == .shapeMismatch(path: path, name: "head.weight", fileShape: [2, 3], moduleShape: [4, 3]))
        #expect(wide.snapshot == before)   // `scale` and `shift` come first and match, but were not loaded
        expectCheckpointError(mentioning: [path, "head.weight"]) { try Checkpoint.load(into: wide, from: path, strict: false) }
        #expect(wide.snapshot == before)
    }

    @Test("missing and unexpected names are reported before anything is loaded")
    func missingAndUnexpected() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let withBuffer = scratch.path("with.safetensors"), withoutBuffer = scratch.path("without.safetensors")
        try Checkpoint.save(CheckpointTinyNet(withBuffer: true, seed: 1), to: withBuffer)
        try Checkpoint.save(CheckpointTinyNet(withBuffer: false, seed: 1), to: withoutBuffer)

        let needsBuffer = CheckpointTinyNet(withBuffer: true, seed: 2)
        var before = needsBuffer.snapshot
        let missing = expectCheckpointError(mentioning: [withoutBuffer, "running_mean", "missing"]) {
            try Checkpoint.load(into: needsBuffer, from: withoutBuffer)
        }
        #expect(missing == .missingTensor(path: withoutBuffer, name: "running_mean", shape: [2]))
        #expect(needsBuffer.snapshot == before)

        let noBuffer = CheckpointTinyNet(withBuffer: false, seed: 2)
        before = noBuffer.snapshot
        let unexpected = expectCheckpointError(mentioning: [withBuffer, "running_mean", "does not have"]) {
            try Checkpoint.load(into: noBuffer, from: withBuffer)
        }
        #expect(unexpected == .unexpectedTensor(path: withBuffer, name: "running_mean", shape: [2]))
        #expect(noBuffer.snapshot == before)
    }

    // MARK: Atomic saves

    @Test("a save interrupted midway or before the rename leaves the old checkpoint byte-identical",
          arguments: [SimulatedWriteFailure.midway, .beforeRename])
    func interruptedSave(_ failure: SimulatedWriteFailure) throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("model.safetensors")
        try Checkpoint.save(CheckpointTinyNet(seed: 1), to: path, metadata: ["step": "100"])
        let old = try checkpointFileBytes(path)

        let newer = CheckpointTinyNet(seed: 2)
        expectCheckpointError(mentioning: [path, "simulated"]) {
            try Checkpoint.save(newer.stateDict, to: path, metadata: ["step": "200"], int64Names: [], simulating: failure)
        }
        #expect(try checkpointFileBytes(path) == old)
        #expect(try scratch.files() == ["model.safetensors"])   // no temporary file left behind
        #expect(try Checkpoint.load(into: CheckpointTinyNet(), from: path) == ["step": "100"])
    }

    @Test("a temporary file that cannot be created fails the save and keeps the old file")
    func blockedTemporaryFile() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("model.safetensors")
        try Checkpoint.save(CheckpointTinyNet(seed: 1), to: path)
        let old = try checkpointFileBytes(path)
        // A folder where the temporary file should go makes open(2) fail.
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        expectCheckpointError(mentioning: [path, "Is a directory"]) { try Checkpoint.save(CheckpointTinyNet(seed: 2), to: path) }
        #expect(try checkpointFileBytes(path) == old)
    }

    @Test("a rename that fails removes the temporary file and names the path")
    func failedRename() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("occupied")
        try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
        expectCheckpointError(mentioning: [path]) { try Checkpoint.save(CheckpointTinyNet(), to: path) }
        #expect(try scratch.files() == ["occupied"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["inside"])
    }

    @Test("an unwritable path is named; missing folders are created")
    func unwritablePath() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        try writeCheckpointFileBytes([1, 2, 3], to: scratch.path("plain-file"))
        let path = scratch.path("plain-file/model.safetensors")
        expectCheckpointError(mentioning: ["cannot write checkpoint \(path)", "is a file, not a folder"]) {
            try Checkpoint.save(CheckpointTinyNet(), to: path)
        }
        expectCheckpointError(mentioning: ["cannot write checkpoint"]) { try Checkpoint.save(CheckpointTinyNet(), to: "") }

        let nested = scratch.path("a/b/c/model.safetensors")
        try Checkpoint.save(CheckpointTinyNet(seed: 3), to: nested)
        let restored = CheckpointTinyNet()
        try Checkpoint.load(into: restored, from: nested)
        #expect(restored.snapshot == CheckpointTinyNet(seed: 3).snapshot)
    }

    @Test("a module with two tensors of the same name cannot be saved")
    func duplicateNames() throws {
        let t = Tensor(shape: [1], scalars: [1])
        expectCheckpointError(mentioning: ["x.safetensors", "two tensors", "\"w\""]) {
            _ = try Safetensors.encode([("w", t), ("w", t)], path: "x.safetensors")
        }
        expectCheckpointError(mentioning: ["__metadata__", "reserved"]) {
            _ = try Safetensors.encode([("__metadata__", t)], path: "x.safetensors")
        }

        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("twin.safetensors")
        expectCheckpointError(mentioning: ["cannot write checkpoint \(path)", "two tensors", "\"head.weight\""]) {
            try Checkpoint.save(CheckpointTwinNet(), to: path)
        }
        #expect(try scratch.files().isEmpty)
        try Checkpoint.save(["head.weight": Tensor(shape: [1, 2], scalars: [1, 2]), "head.bias": Tensor(shape: [1], scalars: [3])], to: path)
        let twin = CheckpointTwinNet()
        let before = twin.stateDict.map(\.tensor.scalars)
        expectCheckpointError(mentioning: ["cannot load checkpoint \(path)", "two tensors", "\"head.weight\""]) {
            try Checkpoint.load(into: twin, from: path)
        }
        #expect(twin.stateDict.map(\.tensor.scalars) == before)
    }
}
