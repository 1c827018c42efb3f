// ToyTraining.swift — the settings that train the 2-D toy denoiser in seconds.

import Tensors

/// The course's recipe for the `mlp-toy2d` denoiser on a 2-D toy distribution.
public enum ToyTraining {
    /// The schedule of the toy models: linear, T = 1000 (the same as the digits').
    public static func schedule() -> NoiseSchedule { NoiseSchedule(.linear, timesteps: 1000) }

    /// A fresh `toy-mlp` trainer: AdamW at 3e-3 with 200 warm-up steps, clipping at 1,
    /// EMA 0.995 (the run is short); with `classes`, a class-conditional model (label
    /// dropout 0.1).
    public static func trainer(seed: UInt64, batchSize: Int = 1024, classes: Int? = nil,
                               labelDropout: Float = 0.1) -> DiffusionTrainer {
        var config = TrainingConfiguration()
        config.batchSize = batchSize
        config.learningRate = 3e-3
        config.emaBeta = 0.995
        config.seed = seed
        config.labelDropout = labelDropout
        var rng = SeededGenerator(seed: seed)
        return DiffusionTrainer(model: ModelPreset.toyMLP.make(classes: classes, using: &rng), schedule: schedule(), configuration: config)
    }
}
