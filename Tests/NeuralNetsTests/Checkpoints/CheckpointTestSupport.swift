// CheckpointTestSupport.swift — a tiny module and file helpers for the checkpoint tests.

import Foundation
import NeuralNets
import Tensors
import Testing

/// A linear layer's worth of parameters: `weight` [out, in] and `bias` [out].
final class CheckpointTinyLinear: Module {
    let weight: Tensor
    let bias: Tensor
    var training = true

    init(inputs: Int, outputs: Int, seed: Float) {
        weight = Tensor(shape: [outputs, inputs], scalars: checkpointDistinctValues(outputs * inputs, seed: seed + 100))
        bias = Tensor(shape: [outputs], scalars: checkpointDistinctValues(outputs, seed: seed + 200))
    }

    var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }
}

/// Two parameters of its own, one child ("head") and one buffer: the state dict is
/// `scale`, `shift`, `head.weight`, `head.bias`, `running_mean`.
final class CheckpointTinyNet: Module {
    let scale: Tensor
    let shift: Tensor
    let head: CheckpointTinyLinear
    let runningMean: Tensor?
    var training = true

    init(width: Int = 3, outputs: Int = 2, withBuffer: Bool = true, seed: Float = 0) {
        scale = Tensor(shape: [width], scalars: checkpointDistinctValues(width, seed: seed + 1))
        shift = Tensor(shape: [width], scalars: checkpointDistinctValues(width, seed: seed + 2))
        head = CheckpointTinyLinear(inputs: width, outputs: outputs, seed: seed)
        runningMean = withBuffer ? Tensor(shape: [outputs], scalars: checkpointDistinctValues(outputs, seed: seed + 3)) : nil
    }

    var ownParameters: [(name: String, tensor: Tensor)] { [("scale", scale), ("shift", shift)] }
    var ownBuffers: [(name: String, tensor: Tensor)] { runningMean.map { [("running_mean", $0)] } ?? [] }
    var children: [(name: String, module: any Module)] { [("head", head)] }

    /// Every value, in state-dict order (to check that nothing changed).
    var snapshot: [String: [Float]] {
        Dictionary(uniqueKeysWithValues: stateDict.map { ($0.name, $0.tensor.scalars) })
    }
}

/// `count` distinct, non-zero values that depend on `seed` (none is exactly representable
/// as a short decimal, so a lossy round trip would show).
func checkpointDistinctValues(_ count: Int, seed: Float) -> [Float] {
    (0..<count).map { i in (seed * 10 + Float(i) + 1) * 0.318_309_886 * (i % 2 == 0 ? 1 : -1) }
}

/// A fresh, empty folder for one test; removed by `remove()`.
struct CheckpointScratch {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("kit-checkpoint-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { folder + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }

    /// The names of the files in the folder.
    func files() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }
}

func checkpointFileBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

func writeCheckpointFileBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// A safetensors file made by hand: the 8-byte length, `header` (unpadded) and `data`.
func handMadeSafetensors(header: String, data: [UInt8] = []) -> [UInt8] {
    let h = Array(header.utf8)
    return withUnsafeBytes(of: UInt64(h.count).littleEndian) { Array($0) } + h + data
}

/// Little-endian bytes of the given values.
func checkpointLittleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
}

/// The fixture file `name` (in Tests/NeuralNetsTests/Fixtures).
func checkpointFixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// Checks that `body` throws a `CheckpointError` whose description mentions every one
/// of `words`, and returns the error.
@discardableResult
func expectCheckpointError(mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation,
                           _ body: () throws -> Void) -> CheckpointError? {
    do {
        try body()
        Issue.record("expected a CheckpointError mentioning \(words), but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as CheckpointError {
        let text = error.description
        for word in words where !text.contains(word) {
            Issue.record("error \"\(text)\" does not mention \"\(word)\"", sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected a CheckpointError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// A faulty module whose two children share a name, so its state dict repeats names.
final class CheckpointTwinNet: Module {
    let first = CheckpointTinyLinear(inputs: 2, outputs: 1, seed: 1)
    let second = CheckpointTinyLinear(inputs: 2, outputs: 1, seed: 2)
    var training = true
    var ownParameters: [(name: String, tensor: Tensor)] { [] }
    var children: [(name: String, module: any Module)] { [("head", first), ("head", second)] }
}
