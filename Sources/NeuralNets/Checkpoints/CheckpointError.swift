// CheckpointError.swift — everything that can go wrong when saving or loading weights.
//
// A bad checkpoint never traps: a missing file, a truncated download, a corrupt
// header or weights for another architecture all become a `CheckpointError` whose
// description names the file, the problem and, where one is involved, the tensor.

/// An error from reading or writing a safetensors checkpoint. Its `description` is a
/// complete sentence that names the file (and the tensor, when one is involved).
public enum CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read; `reason` is the system's explanation.
    case cannotRead(path: String, reason: String)
    /// The file (or its folder) could not be written; `reason` is the system's explanation.
    case cannotWrite(path: String, reason: String)
    /// The file is not a valid safetensors file (truncated, bad header, trailing bytes, …).
    case malformed(path: String, reason: String)
    /// One tensor's header entry is invalid (unknown dtype, bad shape, bad offsets, …).
    case badTensor(path: String, name: String, reason: String)
    /// The module has a tensor that the file does not.
    case missingTensor(path: String, name: String, shape: [Int])
    /// The file has a tensor that the module does not.
    case unexpectedTensor(path: String, name: String, shape: [Int])
    /// The file and the module disagree on a tensor's shape.
    case shapeMismatch(path: String, name: String, fileShape: [Int], moduleShape: [Int])
    /// What was asked for cannot be stored (a duplicate name, a non-integer I64 value, …).
    case invalidContents(path: String, reason: String)
    /// The module itself cannot be loaded into (two of its tensors share a name).
    case invalidModule(path: String, reason: String)
    /// The file is a valid checkpoint, but not one that fits what was asked for (weights
    /// for another architecture or schedule, no training state to resume, …).
    case incompatible(path: String, reason: String)

    /// `true` when the file is a readable checkpoint whose tensors disagree with the
    /// module's (missing, extra or differently shaped): weights of another architecture
    /// or size, not a damaged file.
    public var isShapeDisagreement: Bool {
        switch self {
        case .missingTensor, .unexpectedTensor, .shapeMismatch: return true
        default: return false
        }
    }

    /// A one-line explanation naming the file (and the tensor, when relevant).
    public var description: String {
        switch self {
        case let .cannotRead(path, reason):
            return "cannot read checkpoint \(path): \(reason)"
        case let .cannotWrite(path, reason):
            return "cannot write checkpoint \(path): \(reason)"
        case let .malformed(path, reason):
            return "\(path) is not a valid safetensors file: \(reason)"
        case let .badTensor(path, name, reason):
            return "\(path) is not a valid safetensors file: tensor \"\(name)\": \(reason)"
        case let .missingTensor(path, name, shape):
            return "\(path) does not match the module: the module's tensor \"\(name)\" \(shape) is missing from the file"
        case let .unexpectedTensor(path, name, shape):
            return "\(path) does not match the module: the file has a tensor \"\(name)\" \(shape) that the module does not have"
        case let .shapeMismatch(path, name, fileShape, moduleShape):
            return "\(path) does not match the module: tensor \"\(name)\" has shape \(fileShape) in the file but \(moduleShape) in the module"
        case let .invalidContents(path, reason):
            return "cannot write checkpoint \(path): \(reason)"
        case let .invalidModule(path, reason):
            return "cannot load checkpoint \(path): \(reason)"
        case let .incompatible(path, reason):
            return "cannot use checkpoint \(path): \(reason)"
        }
    }
}
