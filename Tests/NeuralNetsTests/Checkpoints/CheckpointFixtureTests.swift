// CheckpointFixtureTests.swift — the PyTorch fixtures (shared/bench/make_fixtures.py)
// read with PyTorch's names and shapes, and re-encode to PyTorch's bytes.

import Foundation
import NeuralNets
import Tensors
import Testing

@Suite("Checkpoints: reading the PyTorch fixtures")
struct CheckpointFixtureTests {
    /// The model's parameters: every name that is not an input, output or gradient.
    private func parameterEntries(_ file: SafetensorsFile) -> [Safetensors.TensorInfo] {
        file.entries.filter { !$0.name.hasPrefix("input.") && !$0.name.hasPrefix("output.") && !$0.name.hasPrefix("grad.") }
    }

    private func printListing(_ file: SafetensorsFile) {
        print("\(file.path): \(file.entries.count) tensors, metadata \(file.metadata.sorted { $0.key < $1.key })")
        for entry in file.entries { print("  \(entry.name) \(entry.dtype.rawValue) \(entry.shape)") }
    }

    @Test("unet-digits lists the U-Net's PyTorch names and shapes")
    func unetDigits() throws {
        let file = try Safetensors.read(checkpointFixture("unet-digits.safetensors"))
        printListing(file)
        #expect(file.metadata["model"] == "unet-digits")
        #expect(file.entries.count == 189)
        #expect(file.entries.allSatisfy { $0.dtype == .f32 })
        let parameters = parameterEntries(file)
        #expect(parameters.count == 92)
        #expect(parameters.reduce(0) { $0 + $1.count } == 1_314_529)
        let expected: [String: [Int]] = [
            "time.0.weight": [256, 128], "time.0.bias": [256], "time.2.weight": [256, 256],
            "conv_in.weight": [32, 1, 3, 3], "down1.conv1.weight": [32, 32, 3, 3], "down1.temb.weight": [32, 256],
            "down2.skip.weight": [64, 32, 1, 1], "ds1.weight": [32, 32, 3, 3], "mid1.conv1.weight": [128, 64, 3, 3],
            "attn.qkv.weight": [384, 128, 1, 1], "attn.norm.weight": [128], "up2.conv1.weight": [64, 192, 3, 3],
            "us2.weight": [128, 128, 3, 3], "norm_out.weight": [32], "conv_out.weight": [1, 32, 3, 3],
            "input.x": [2, 1, 28, 28], "input.t": [2], "input.g": [2, 1, 28, 28], "output.y": [2, 1, 28, 28],
            "grad.input.x": [2, 1, 28, 28],
        ]
        for (name, shape) in expected {
            #expect(file.entry(named: name)?.shape == shape, "\(name)")
        }
        for p in parameters {   // every parameter has its gradient, of the same shape
            #expect(file.entry(named: "grad." + p.name)?.shape == p.shape, "grad.\(p.name)")
        }
        // Values as Python's struct module reads them.
        #expect(file.tensor(named: "input.t")?.scalars == [3, 917])
        #expect(Array(try #require(file.tensor(named: "time.0.bias")).scalars.prefix(2)) == [0.029_596_138_745_546_34, -0.045_942_034_572_362_9])
    }

    @Test("mlp-toy2d lists the MLP's PyTorch names and shapes")
    func mlpToy2d() throws {
        let (tensors, metadata) = try Checkpoint.read(checkpointFixture("mlp-toy2d.safetensors"))
        printListing(try Safetensors.read(checkpointFixture("mlp-toy2d.safetensors")))
        #expect(metadata["model"] == "mlp-toy2d")
        #expect(metadata["torch"] != nil)
        #expect(tensors.count == 21)
        let expected: [String: [Int]] = [
            "net.0.weight": [128, 34], "net.0.bias": [128], "net.2.weight": [128, 128], "net.2.bias": [128],
            "net.4.weight": [128, 128], "net.4.bias": [128], "net.6.weight": [2, 128], "net.6.bias": [2],
            "input.x": [16, 2], "input.t": [16], "input.g": [16, 2], "output.y": [16, 2], "grad.input.x": [16, 2],
        ]
        for (name, shape) in expected {
            #expect(tensors[name]?.shape == shape, "\(name)")
        }
        #expect(tensors.keys.filter { $0.hasPrefix("grad.net.") }.count == 8)
        #expect(Array(try #require(tensors["input.t"]).scalars.prefix(3)) == [772, 582, 488])
        #expect(Array(try #require(tensors["net.0.bias"]).scalars.prefix(3)) == [-0.086_602_590_978_145_6, 0.029_955_081_641_674_04, 0.157_824_605_703_353_88])
    }

    @Test("re-encoding a fixture reproduces the bytes PyTorch wrote", arguments: ["mlp-toy2d.safetensors", "unet-digits.safetensors"])
    func reencode(_ name: String) throws {
        let path = checkpointFixture(name)
        let original = try checkpointFileBytes(path)
        let file = try Safetensors.decode(original, path: path)
        let again = try Safetensors.encode(file.entries.map { ($0.name, file.tensor(named: $0.name)!) }, metadata: file.metadata)
        // The reference implementation keeps metadata in a hash map (random key order);
        // everything else must match byte for byte.
        #expect(again.count == original.count)
        let headerLength = Int(original[0]) | Int(original[1]) << 8 | Int(original[2]) << 16
        #expect(again[0..<8] == original[0..<8])
        #expect(again[(8 + headerLength)...] == original[(8 + headerLength)...])
        let tensorsPart = { (bytes: [UInt8]) -> String in
            let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
            return String(header[header.range(of: "},")!.upperBound...])   // after the metadata object
        }
        #expect(tensorsPart(again) == tensorsPart(original))
        #expect(try Safetensors.decode(again, path: path).metadata == file.metadata)
    }
}
