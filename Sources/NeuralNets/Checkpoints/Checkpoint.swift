// Checkpoint.swift — saving and loading a module's weights as a safetensors file.
//
// A checkpoint is a module's `stateDict` (parameters and buffers, under PyTorch's
// names) plus string metadata: the architecture's configuration, the noise schedule,
// the training step — whatever the caller needs to rebuild the model (encode
// structured values as JSON strings). Because the names and the format are
// PyTorch's, `safetensors.torch.load_file` reads the kit's checkpoints and the kit
// reads PyTorch's.
//
// Saving is atomic (see CheckpointFiles.swift). Loading is all or nothing: the whole
// file is read and validated, and every name and shape is checked against the
// module, before the first value is copied; a bad file leaves the module untouched.

import Tensors

/// Saves and loads modules as safetensors checkpoints.
///
/// ```swift
/// try Checkpoint.save(model, to: "out/chapter04/unet.safetensors",
///                     metadata: ["step": "20000", "schedule": "cosine"])
/// let metadata = try Checkpoint.load(into: model, from: "out/chapter04/unet.safetensors")
/// ```
public enum Checkpoint {
    /// Writes `module`'s parameters and buffers (its `stateDict`, as F32) and `metadata`
    /// to a safetensors file at `path`, atomically: the previous file at `path` stays
    /// intact until the new one is complete. Missing folders are created.
    /// - Parameter int64Names: tensors to store as I64 instead (values must be integers),
    ///   e.g. BatchNorm's `num_batches_tracked` when PyTorch must see its own dtype.
    /// - Throws: `CheckpointError` naming `path` (unwritable path, duplicate names, …).
    public static func save(_ module: some Module, to path: String, metadata: [String: String] = [:],
                            int64Names: Set<String> = []) throws(CheckpointError) {
        try save(module.stateDict, to: path, metadata: metadata, int64Names: int64Names)
    }

    /// Writes named tensors (say, EMA weights, or a fixture) and `metadata` to a
    /// safetensors file at `path`, atomically.
    /// - Throws: `CheckpointError` naming `path`.
    public static func save(_ tensors: [String: Tensor], to path: String, metadata: [String: String] = [:],
                            int64Names: Set<String> = []) throws(CheckpointError) {
        try save(tensors.map { (name: $0.key, tensor: $0.value) }, to: path, metadata: metadata, int64Names: int64Names)
    }

    /// The implementation of both `save`s; a test can make the write fail on purpose.
    static func save(_ tensors: [(name: String, tensor: Tensor)], to path: String, metadata: [String: String],
                     int64Names: Set<String>, simulating failure: SimulatedWriteFailure? = nil) throws(CheckpointError) {
        let bytes = try Safetensors.encode(tensors, metadata: metadata, int64Names: int64Names, path: path)
        try writeFileAtomically(bytes, to: path, simulating: failure)
    }

    /// Loads the checkpoint at `path` into `module`'s existing tensors and returns its metadata.
    ///
    /// The whole file is validated, and each name and shape checked against the module,
    /// before anything is copied: on any error the module is left exactly as it was.
    /// Values stored as F64, F16, BF16 or integers are converted to Float.
    /// - Parameter strict: `true` (the default) requires the file and the module to
    ///   have exactly the same names; `false` loads the names they share and ignores
    ///   the rest (like PyTorch's `strict=False`). Shapes must match either way.
    /// - Throws: `CheckpointError` naming `path` and the problem: unreadable or corrupt
    ///   file, or the first missing, unexpected or mismatched tensor (with both shapes).
    @discardableResult
    public static func load(into module: some Module, from path: String,
                            strict: Bool = true) throws(CheckpointError) -> [String: String] {
        let file = try Safetensors.read(path)
        let state = module.stateDict

        // 1. Match every name and shape before touching the module.
        var moduleNames = Set<String>()
        var plan: [(entry: Safetensors.TensorInfo, tensor: Tensor)] = []
        for (name, tensor) in state {
            guard moduleNames.insert(name).inserted else {
                throw .invalidModule(path: path, reason: "the module has two tensors named \"\(name)\"")
            }
            guard let entry = file.entry(named: name) else {
                if strict { throw .missingTensor(path: path, name: name, shape: tensor.shape) }
                continue
            }
            guard entry.shape == tensor.shape else {
                throw .shapeMismatch(path: path, name: name, fileShape: entry.shape, moduleShape: tensor.shape)
            }
            plan.append((entry, tensor))
        }
        if strict, let extra = file.entries.first(where: { !moduleNames.contains($0.name) }) {
            throw .unexpectedTensor(path: path, name: extra.name, shape: extra.shape)
        }

        // 2. Copy. Nothing below can fail.
        for (entry, tensor) in plan {
            tensor.updateScalars { file.copyValues(of: entry, into: $0) }
        }
        return file.metadata
    }

    /// Every tensor in the safetensors file at `path`, converted to Float, and its metadata.
    /// For fixtures and inspection; use `load(into:from:)` to fill a model.
    /// - Throws: `CheckpointError` naming `path` and the problem.
    public static func read(_ path: String) throws(CheckpointError) -> (tensors: [String: Tensor], metadata: [String: String]) {
        let file = try Safetensors.read(path)
        return (file.tensors(), file.metadata)
    }
}
