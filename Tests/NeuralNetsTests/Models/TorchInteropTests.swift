// A checkpoint the kit writes loads into the PyTorch reference model
// (shared/bench/reference_pytorch.TinyUNet) with load_state_dict(strict=True), and
// gives the same output there. Runs only where python3 can import torch and
// safetensors and the shared benchmark folder sits beside the package.

import Foundation
import Testing
@testable import NeuralNets
import Tensors

enum TorchInterop {
    /// shared/bench, beside the package folder (as CI and the developers have it).
    static let benchFolder: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/bench")

    static let available: Bool = {
        guard FileManager.default.fileExists(atPath: benchFolder.appendingPathComponent("reference_pytorch.py").path) else { return false }
        return (try? run(["-c", "import torch, safetensors"]).status) == 0
    }()

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + arguments
        p.currentDirectoryURL = benchFolder
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

@Suite("Checkpoints load into PyTorch")
struct TorchInteropTests {
    @Test("a kit UNet checkpoint loads into reference_pytorch.TinyUNet (strict) and gives the same output",
          .enabled(if: TorchInterop.available, "needs python3 with torch and safetensors, and shared/bench"))
    func unetIntoTorch() throws {
        var rng = SeededGenerator(seed: 5)
        let model = UNet(.digits, using: &rng)
        let x = Tensor.randn([2, 1, 28, 28], using: &rng)
        let t: [Float] = [17, 640]
        let y = withNoGrad { model(x, t) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kit-torch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let checkpoint = folder.appendingPathComponent("unet.safetensors").path
        try Checkpoint.save(model, to: checkpoint, metadata: ["model": "unet-digits"])
        let io = folder.appendingPathComponent("io.safetensors").path
        try Checkpoint.save(["x": x, "t": Tensor(t), "y": y], to: io)
        let script = """
            import torch, sys
            from safetensors.torch import load_file
            from reference_pytorch import TinyUNet
            m = TinyUNet()
            m.load_state_dict(load_file(sys.argv[1]), strict=True)
            io = load_file(sys.argv[2])
            with torch.no_grad():
                y = m(io["x"], io["t"])
            err = ((y - io["y"]).norm() / io["y"].norm()).item()
            print("relative error", err)
            sys.exit(0 if err < 1e-4 else 1)
            """
        let result = try TorchInterop.run(["-c", script, checkpoint, io])
        #expect(result.status == 0, "python: \(result.output)")
    }
}
