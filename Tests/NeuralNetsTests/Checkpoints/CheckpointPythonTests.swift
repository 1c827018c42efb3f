// CheckpointPythonTests.swift — the kit's files as Python reads them: with nothing but
// `struct` and `json` (always, when python3 is installed), with the reference
// `safetensors` package (byte-identical files), and with PyTorch when it is installed.

import Foundation
import NeuralNets
import Tensors
import Testing

/// Runs `python3 -c script arguments…`; `nil` when python3 cannot be started.
private func runPython(_ script: String, _ arguments: [String] = []) -> (status: Int32, output: String, errors: String)? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    do { try process.run() } catch { return nil }
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
}

/// Whether `python3 -c "import …"` works.
private func pythonCanImport(_ modules: String) -> Bool {
    runPython("import \(modules)")?.status == 0
}

/// What the Python scripts below print: metadata and every tensor, values as float64.
private struct PythonDump: Decodable {
    struct Entry: Decodable { let dtype: String; let shape: [Int]; let values: [Double] }
    let metadata: [String: String]
    let tensors: [String: Entry]
}

/// Runs `script` with `arguments` and decodes the JSON it prints.
private func pythonDump(_ script: String, _ arguments: [String]) throws -> PythonDump {
    let result = try #require(runPython(script, arguments))
    try #require(result.status == 0, "python3 failed: \(result.errors)")
    return try JSONDecoder().decode(PythonDump.self, from: Data(result.output.utf8))
}

/// A file with every feature: a module's state dict, an I64 tensor, a scalar and metadata.
private func writeSample(to path: String, metadata: [String: String]) throws -> [String: Tensor] {
    var tensors = Dictionary(uniqueKeysWithValues: CheckpointTinyNet(seed: 5).stateDict.map { ($0.name, $0.tensor) })
    tensors["bn.num_batches_tracked"] = Tensor(shape: [], scalars: [4321])
    tensors["temperature"] = Tensor(shape: [], scalars: [0.1])
    try Checkpoint.save(tensors, to: path, metadata: metadata, int64Names: ["bn.num_batches_tracked"])
    return tensors
}

private func expectSameValues(_ dump: PythonDump, _ tensors: [String: Tensor], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(Set(dump.tensors.keys) == Set(tensors.keys), sourceLocation: sourceLocation)
    for (name, tensor) in tensors {
        guard let entry = dump.tensors[name] else { continue }
        #expect(entry.shape == tensor.shape, "\(name)", sourceLocation: sourceLocation)
        #expect(entry.values.map { Float($0) } == tensor.scalars, "\(name)", sourceLocation: sourceLocation)
    }
    #expect(dump.tensors["bn.num_batches_tracked"]?.dtype.lowercased().contains("int64") == true
            || dump.tensors["bn.num_batches_tracked"]?.dtype == "I64", sourceLocation: sourceLocation)
}

@Suite("Checkpoints: the kit's files in Python")
struct CheckpointPythonTests {
    @Test("python3 with only struct and json parses the kit's file",
          .enabled(if: pythonCanImport("json, struct"), "python3 is not installed"))
    func pureStructAndJSON() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("kit.safetensors")
        let metadata = ["config": #"{"width":3}"#, "step": "7", "note": "é \"quoted\"\n"]
        let tensors = try writeSample(to: path, metadata: metadata)
        let script = """
        import json, struct, sys
        b = open(sys.argv[1], 'rb').read()
        (n,) = struct.unpack('<Q', b[:8])
        assert n % 8 == 0, 'header not padded to 8'
        raw = b[8:8 + n]
        assert raw.rstrip(b' ').endswith(b'}'), 'header not padded with spaces'
        h = json.loads(raw)
        meta = h.pop('__metadata__', {})
        assert list(h)[0] == 'bn.num_batches_tracked', list(h)   # 8-byte dtypes first
        data = b[8 + n:]
        end = 0
        out = {}
        for name, e in h.items():   # header order is data order
            s, t = e['data_offsets']
            assert s == end, (name, s, end)
            end = t
            count = 1
            for d in e['shape']: count *= d
            fmt = {'F32': 'f', 'I64': 'q'}[e['dtype']]
            vals = struct.unpack('<%d%s' % (count, fmt), data[s:t])
            out[name] = {'dtype': e['dtype'], 'shape': e['shape'], 'values': [float(v) for v in vals]}
        assert end == len(data), 'trailing bytes'
        print(json.dumps({'metadata': meta, 'tensors': out}))
        """
        let dump = try pythonDump(script, [path])
        #expect(dump.metadata == metadata)
        expectSameValues(dump, tensors)
    }

    @Test("the reference safetensors package reads the kit's file and writes the same bytes",
          .enabled(if: pythonCanImport("numpy, safetensors.numpy"), "numpy or safetensors is not installed"))
    func referenceImplementation() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("kit.safetensors"), again = scratch.path("python.safetensors")
        let metadata = ["config": #"{"channels":[32,64],"note":"tab\t\u{01}é"}"#]   // one key: Rust's map order is random
        let tensors = try writeSample(to: path, metadata: metadata)
        let script = """
        import json, sys
        from safetensors import safe_open
        from safetensors.numpy import load_file, save_file
        t = load_file(sys.argv[1])
        with safe_open(sys.argv[1], 'np') as f:
            meta = f.metadata()
        save_file(t, sys.argv[2], metadata=meta)
        out = {k: {'dtype': str(v.dtype), 'shape': list(v.shape), 'values': [float(x) for x in v.ravel()]} for k, v in t.items()}
        print(json.dumps({'metadata': meta, 'tensors': out}))
        """
        let dump = try pythonDump(script, [path, again])
        #expect(dump.metadata == metadata)
        expectSameValues(dump, tensors)
        #expect(try checkpointFileBytes(again) == (try checkpointFileBytes(path)), "the reference implementation writes different bytes")
    }

    @Test("the kit reads what the reference package writes: F64, F32, F16, I64, I32",
          .enabled(if: pythonCanImport("numpy, safetensors.numpy"), "numpy or safetensors is not installed"))
    func readsReferenceFiles() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("numpy.safetensors")
        let script = """
        import numpy as np, sys
        from safetensors.numpy import save_file
        save_file({
            'f64': np.array([[1.5, -2.25], [1e-3, 7.0]], dtype=np.float64),
            'f32': np.arange(6, dtype=np.float32).reshape(1, 2, 3) / 7,
            'f16': np.array([0.5, -65504, 6e-8], dtype=np.float16),
            'i64': np.array(12345678, dtype=np.int64),
            'i32': np.array([-5, 5], dtype=np.int32),
        }, sys.argv[1], metadata={'made_by': 'numpy'})
        """
        let result = try #require(runPython(script, [path]))
        try #require(result.status == 0, "python3 failed: \(result.errors)")
        let (tensors, metadata) = try Checkpoint.read(path)
        #expect(metadata == ["made_by": "numpy"])
        #expect(tensors["f64"]?.shape == [2, 2])
        #expect(tensors["f64"]?.scalars == [1.5, -2.25, Float(1e-3), 7])
        #expect(tensors["f32"]?.shape == [1, 2, 3])
        #expect(tensors["f32"]?.scalars == (0..<6).map { Float($0) / 7 })
        #expect(tensors["f16"]?.scalars == [0.5, -65504, 0x1p-24])   // 6e-8 rounds to the smallest subnormal
        #expect(tensors["i64"]?.shape == [])
        #expect(tensors["i64"]?.scalars == [12_345_678])
        #expect(tensors["i32"]?.scalars == [-5, 5])
    }

    @Test("PyTorch loads the kit's file with safetensors.torch.load_file, same values",
          .enabled(if: pythonCanImport("safetensors.torch, torch"), "torch is not installed"))
    func torchLoadsKitFiles() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("kit.safetensors")
        let metadata = ["step": "7"]
        let tensors = try writeSample(to: path, metadata: metadata)
        let script = """
        import json, sys, torch
        from safetensors import safe_open
        from safetensors.torch import load_file
        t = load_file(sys.argv[1])
        with safe_open(sys.argv[1], 'pt') as f:
            meta = f.metadata()
        # The names are a state_dict: a matching torch module accepts it strictly.
        class Head(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.weight = torch.nn.Parameter(torch.zeros(2, 3)); self.bias = torch.nn.Parameter(torch.zeros(2))
        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.scale = torch.nn.Parameter(torch.zeros(3)); self.shift = torch.nn.Parameter(torch.zeros(3))
                self.head = Head(); self.register_buffer('running_mean', torch.zeros(2))
        net = Net()
        sd = {k: v for k, v in t.items() if k not in ('bn.num_batches_tracked', 'temperature')}
        net.load_state_dict(sd, strict=True)
        assert torch.equal(net.head.weight.detach(), t['head.weight'])
        out = {k: {'dtype': str(v.dtype), 'shape': list(v.shape), 'values': [float(x) for x in v.reshape(-1).tolist()]} for k, v in t.items()}
        print(json.dumps({'metadata': meta, 'tensors': out}))
        """
        let dump = try pythonDump(script, [path])
        #expect(dump.metadata == metadata)
        expectSameValues(dump, tensors)
    }

    @Test("the kit reads BF16 written by PyTorch",
          .enabled(if: pythonCanImport("safetensors.torch, torch"), "torch is not installed"))
    func readsTorchBFloat16() throws {
        let scratch = try CheckpointScratch()
        defer { scratch.remove() }
        let path = scratch.path("bf16.safetensors")
        let script = """
        import sys, torch
        from safetensors.torch import save_file
        save_file({'w': torch.tensor([[1.0, -5.0], [0.15625, 3e38]], dtype=torch.bfloat16),
                   'n': torch.tensor(17, dtype=torch.int64)}, sys.argv[1])
        """
        let result = try #require(runPython(script, [path]))
        try #require(result.status == 0, "python3 failed: \(result.errors)")
        let (tensors, _) = try Checkpoint.read(path)
        #expect(tensors["w"]?.shape == [2, 2])
        #expect(Array(try #require(tensors["w"]).scalars.prefix(3)) == [1, -5, 0.15625])
        #expect(tensors["n"]?.scalars == [17])
    }
}
