// TrainingCheckpoint.swift — saving a run so it can be resumed, and loading a model
// for sampling.
//
// A training checkpoint is one safetensors file holding
//   <name>            the live weights (PyTorch state_dict names),
//   ema.<name>        the EMA weights,
//   optimizer.<name>  AdamW's moments and step counts,
// and metadata: the preset, U-Net configuration, schedule, T, objective, step and
// seed. The files in Pretrained/ hold only the EMA weights, under the plain names.
// Either loads for sampling with `DiffusionCheckpoint.load(_:)`.

import Foundation
import NeuralNets
import Tensors

/// Reading and writing diffusion checkpoints.
public enum DiffusionCheckpoint {
    /// The metadata keys every diffusion checkpoint has.
    public enum Key {
        /// The `ModelPreset` name.
        public static let model = "model"
        /// The schedule kind ("linear", "cosine", "sigmoid").
        public static let schedule = "schedule"
        /// T.
        public static let timesteps = "timesteps"
        /// The `Objective` ("eps", "x0", "v").
        public static let objective = "objective"
        /// Completed training steps.
        public static let step = "step"
        /// The training seed.
        public static let seed = "seed"
        /// The step at which the learning rate reaches 0 (absent: constant after warm-up).
        public static let decaySteps = "decay_steps"
        /// The dataset trained on.
        public static let dataset = "dataset"
        /// The number of classes of a class-conditional model (absent: unconditional).
        public static let classes = "classes"
        /// The label-dropout probability a class-conditional model was trained with.
        public static let labelDropout = "label_dropout"
    }

    /// A model ready to sample, with what it was trained with.
    public struct Loaded {
        /// The network (in eval mode), holding the EMA weights when the file has them.
        public let model: DiffusionModel
        /// The schedule it was trained with.
        public let schedule: NoiseSchedule
        /// What it predicts.
        public let objective: Objective
        /// All the metadata of the file.
        public let metadata: [String: String]
        /// `true` if the EMA weights were loaded.
        public let usedEMA: Bool
    }

    /// The metadata describing `model` (with its `classes`, if class-conditional),
    /// `schedule` and `objective`.
    public static func metadata(model: ModelPreset, classes: Int? = nil, schedule: NoiseSchedule,
                                objective: Objective) -> [String: String] {
        var meta = [Key.model: model.rawValue, Key.schedule: schedule.kind.rawValue,
                    Key.timesteps: String(schedule.timesteps), Key.objective: objective.rawValue,
                    "format": "diffusion-kit"]
        if let classes { meta[Key.classes] = String(classes) }
        return meta
    }

    /// The metadata of `trainer`'s model, schedule, objective, step and seed.
    static func trainerMetadata(_ trainer: DiffusionTrainer) -> [String: String] {
        var meta = metadata(model: trainer.model.preset, classes: trainer.model.classes, schedule: trainer.schedule,
                            objective: trainer.configuration.objective)
        meta[Key.step] = String(trainer.step)
        meta[Key.seed] = String(trainer.configuration.seed)
        if trainer.model.classes != nil { meta[Key.labelDropout] = String(trainer.configuration.labelDropout) }
        return meta
    }

    /// Writes the trainer's full state (weights, EMA, optimizer) to `path`, atomically.
    public static func save(_ trainer: DiffusionTrainer, to path: String, extra: [String: String] = [:]) throws(CheckpointError) {
        var tensors: [String: Tensor] = [:]
        for (name, t) in trainer.model.module.stateDict { tensors[name] = t }
        for (name, t) in trainer.ema.stateDict { tensors["ema." + name] = t }
        for (name, t) in trainer.optimizer.stateDict { tensors["optimizer." + name] = t }
        var meta = trainerMetadata(trainer)
        meta["batch_size"] = String(trainer.configuration.batchSize)
        meta["learning_rate"] = String(trainer.configuration.learningRate)
        meta["ema_beta"] = String(trainer.configuration.emaBeta)
        if let decaySteps = trainer.configuration.decaySteps { meta[Key.decaySteps] = String(decaySteps) }
        for (k, v) in extra { meta[k] = v }
        try Checkpoint.save(tensors, to: path, metadata: meta)
    }

    /// Writes only the EMA weights, under the model's own names (the Pretrained/ format).
    public static func saveEMAWeights(_ trainer: DiffusionTrainer, to path: String, extra: [String: String] = [:]) throws(CheckpointError) {
        // Buffers (if any) as they are, then the parameters from the EMA.
        var tensors = Dictionary(uniqueKeysWithValues: trainer.model.module.stateDict.map { ($0.name, $0.tensor) })
        for (name, t) in trainer.ema.stateDict { tensors[name] = t }    // parameters from the EMA
        var meta = trainerMetadata(trainer)
        meta["weights"] = "ema"
        for (k, v) in extra { meta[k] = v }
        try Checkpoint.save(tensors, to: path, metadata: meta)
    }

    /// Restores a trainer from a checkpoint written by `save(_:to:)`: weights, EMA,
    /// optimizer and step. The file must be for the trainer's preset and schedule.
    /// - Throws: `CheckpointError` naming the file and the first mismatch.
    public static func resume(_ trainer: DiffusionTrainer, from path: String) throws(CheckpointError) {
        let (tensors, meta) = try Checkpoint.read(path)
        try checkCompatible(meta, path: path, model: trainer.model.preset, classes: trainer.model.classes,
                            schedule: trainer.schedule, objective: trainer.configuration.objective)
        guard let stepText = meta[Key.step], let step = Int(stepText), step >= 0 else {
            throw .incompatible(path: path, reason: "no training step in the metadata (is it a Pretrained/ file? those cannot be resumed)")
        }
        let state = trainer.model.module.stateDict
        try copy(tensors, prefix: "", into: state, path: path)
        try copy(tensors, prefix: "ema.", into: zip(trainer.ema.names, trainer.ema.shadow).map { ($0, $1) }, path: path)
        let optimizerEntries = tensors.compactMap { key, value -> (name: String, tensor: Tensor)? in
            key.hasPrefix("optimizer.") ? (String(key.dropFirst("optimizer.".count)), value) : nil
        }
        do { try trainer.optimizer.loadStateDict(optimizerEntries) } catch {
            throw .incompatible(path: path, reason: "optimizer state: \(error)")
        }
        trainer.step = step
        if let text = meta[Key.decaySteps], let decaySteps = Int(text), decaySteps > 0 {
            trainer.decayLearningRate(toStep: decaySteps)
        }
    }

    /// Loads a model for sampling from a training checkpoint (its EMA weights) or a
    /// Pretrained/ file. The architecture and schedule come from the metadata.
    /// - Parameter expecting: if set, a file for another preset is refused.
    /// - Throws: `CheckpointError` naming the file and the problem.
    public static func load(_ path: String, expecting preset: ModelPreset? = nil) throws(CheckpointError) -> Loaded {
        let (tensors, meta) = try Checkpoint.read(path)
        guard let name = meta[Key.model] else {
            throw .incompatible(path: path, reason: "no \"model\" in the metadata: not a diffusion checkpoint of this kit")
        }
        guard let filePreset = ModelPreset(rawValue: name) else {
            throw .incompatible(path: path, reason: "unknown model \"\(name)\" (known: \(ModelPreset.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if let preset, preset != filePreset {
            throw .incompatible(path: path, reason: "it holds a \(filePreset.rawValue) model, not \(preset.rawValue)")
        }
        let schedule = try schedule(from: meta, path: path)
        let objective = Objective(rawValue: meta[Key.objective] ?? "eps") ?? .epsilon
        let classes = try classes(from: meta, path: path, preset: filePreset)
        var rng = SeededGenerator(seed: 0)
        let model = filePreset.make(classes: classes, using: &rng)
        let hasEMA = tensors.keys.contains { $0.hasPrefix("ema.") }
        try copy(tensors, prefix: "", into: model.module.stateDict, path: path)
        if hasEMA {                      // buffers stay from the live section; parameters from the EMA
            try copy(tensors, prefix: "ema.", into: model.module.namedParameters, path: path)
        }
        model.module.eval()
        return Loaded(model: model, schedule: schedule, objective: objective, metadata: meta,
                      usedEMA: hasEMA || meta["weights"] == "ema")
    }

    /// Copies the weights of `path` (a Pretrained/ file, or a training checkpoint's EMA
    /// weights) into `model`, to fine-tune from them: every tensor of the model must be
    /// in the file with its shape, except a class-conditional model's label embedding,
    /// which an unconditional file does not have (it keeps its initial values).
    /// - Returns: the number of tensors copied.
    /// - Throws: `CheckpointError` naming the file and the first missing or mismatched tensor.
    @discardableResult
    public static func initialise(_ model: DiffusionModel, from path: String) throws(CheckpointError) -> Int {
        let (tensors, meta) = try Checkpoint.read(path)
        let name = meta[Key.model] ?? "(none)"
        guard name == model.preset.rawValue else {
            throw .incompatible(path: path, reason: "it holds a \(name) model, not \(model.preset.rawValue)")
        }
        let hasEMA = tensors.keys.contains { $0.hasPrefix("ema.") }
        let isLabel = { (n: String) in n == "label.weight" && model.classes != nil && meta[Key.classes] == nil }
        let targets = model.module.stateDict.filter { !isLabel($0.name) }
        try copy(tensors, prefix: "", into: targets, path: path)
        if hasEMA {
            try copy(tensors, prefix: "ema.", into: model.module.namedParameters.filter { !isLabel($0.name) }, path: path)
        }
        return targets.count
    }

    /// The number of classes recorded in `meta` (`nil`: unconditional).
    static func classes(from meta: [String: String], path: String, preset: ModelPreset) throws(CheckpointError) -> Int? {
        guard let text = meta[Key.classes] else { return nil }
        guard let classes = Int(text), classes >= 1, classes <= 100_000 else {
            throw .incompatible(path: path, reason: "invalid \"classes\" in the metadata: \(text)")
        }
        guard preset.canBeConditional else {
            throw .incompatible(path: path, reason: "a \(preset.rawValue) model cannot be class-conditional")
        }
        return classes
    }

    /// The schedule recorded in `meta`.
    static func schedule(from meta: [String: String], path: String) throws(CheckpointError) -> NoiseSchedule {
        guard let kindName = meta[Key.schedule], let kind = ScheduleKind(rawValue: kindName),
              let tText = meta[Key.timesteps], let T = Int(tText), T > 0 else {
            throw .incompatible(path: path, reason: "no valid schedule/timesteps in the metadata")
        }
        return NoiseSchedule(kind, timesteps: T)
    }

    /// Refuses a file made for another architecture, schedule or objective.
    static func checkCompatible(_ meta: [String: String], path: String, model: ModelPreset, classes: Int? = nil,
                                schedule: NoiseSchedule, objective: Objective) throws(CheckpointError) {
        let name = meta[Key.model] ?? "(none)"
        guard name == model.rawValue else {
            throw .incompatible(path: path, reason: "it holds a \(name) model, not \(model.rawValue)")
        }
        let describe = { (c: Int?) in c.map { "class-conditional (\($0) classes)" } ?? "unconditional" }
        let fileClasses = meta[Key.classes].flatMap(Int.init)
        guard fileClasses == classes else {
            throw .incompatible(path: path, reason: "it holds a \(describe(fileClasses)) model, not \(describe(classes))")
        }
        let fileSchedule = "\(meta[Key.schedule] ?? "?") T=\(meta[Key.timesteps] ?? "?")"
        guard fileSchedule == "\(schedule.kind.rawValue) T=\(schedule.timesteps)" else {
            throw .incompatible(path: path, reason: "it was trained with the \(fileSchedule) schedule, not \(schedule.kind.rawValue) T=\(schedule.timesteps)")
        }
        let fileObjective = meta[Key.objective] ?? "eps"
        guard fileObjective == objective.rawValue else {
            throw .incompatible(path: path, reason: "it predicts \(fileObjective), not \(objective.rawValue)")
        }
    }

    /// Copies `tensors[prefix + name]` into each target, after checking every name
    /// and shape (all or nothing).
    static func copy(_ tensors: [String: Tensor], prefix: String, into targets: [(name: String, tensor: Tensor)],
                     path: String) throws(CheckpointError) {
        var sources: [Tensor] = []
        for (name, target) in targets {
            guard let source = tensors[prefix + name] else {
                throw .missingTensor(path: path, name: prefix + name, shape: target.shape)
            }
            guard source.shape == target.shape else {
                throw .shapeMismatch(path: path, name: prefix + name, fileShape: source.shape, moduleShape: target.shape)
            }
            sources.append(source)
        }
        for (source, (_, target)) in zip(sources, targets) {
            let values = source.scalars
            target.updateScalars { dst in for i in 0..<dst.count { dst[i] = values[i] } }
        }
    }
}
