// DiffusionTrainer, the training loop and checkpoints, on the 2-D toy model.
//
// The test target does not depend on Datasets, so the eight-Gaussians data is drawn
// here, with the same definition as `Toy2D.eightGaussians`: means on a circle of
// radius √2 at angles kπ/4, isotropic std √2/8.

import Foundation
import Testing
@testable import Diffusion
import NeuralNets
import Tensors

fileprivate func eightGaussians(_ count: Int, using rng: inout SeededGenerator) -> Tensor {
    let r = 2.0.squareRoot(), std = Float(2.0.squareRoot() / 8)
    var v = [Float](repeating: 0, count: 2 * count)
    for i in 0..<count {
        let angle = Double(rng.nextInt(in: 0..<8)) * Double.pi / 4
        let (zx, zy) = rng.nextNormalPair()
        v[2 * i] = Float(r * cos(angle)) + std * zx
        v[2 * i + 1] = Float(r * sin(angle)) + std * zy
    }
    return Tensor(shape: [count, 2], scalars: v)                             // [count, 2]
}

/// A fresh temporary directory, removed by `body`'s caller through the returned path.
fileprivate func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("diffusion-tests-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try body(dir)
}

/// The bit patterns of every value. Comparisons of these are stored in a Bool before
/// `#expect`, so that a failure prints one line rather than tens of thousands of numbers.
fileprivate func bits(_ tensors: [Tensor]) -> [[UInt32]] { tensors.map { $0.scalars.map(\.bitPattern) } }

@Suite("Diffusion trainer")
struct TrainerTests {
    /// Trains `trainer` up to step `until`, each step's batch drawn from that step's generator.
    static func train(_ trainer: DiffusionTrainer, until: Int) {
        while trainer.step < until {
            var rng = trainer.generator(forStep: trainer.step)
            let x0 = eightGaussians(trainer.configuration.batchSize, using: &rng)
            trainer.trainStep(x0, using: &rng)
        }
    }

    @Test("20 steps straight = 10 steps, save, resume in a fresh trainer, 10 more (bytes)")
    func resumeEquivalence() throws {
        try withTemporaryDirectory { dir in
            let straight = ToyTraining.trainer(seed: 5, batchSize: 64)
            Self.train(straight, until: 20)

            let first = ToyTraining.trainer(seed: 5, batchSize: 64)
            Self.train(first, until: 10)
            let path = dir.appendingPathComponent("ckpt.safetensors").path
            try DiffusionCheckpoint.save(first, to: path)

            let resumed = ToyTraining.trainer(seed: 5, batchSize: 64)
            let freshDiffers = bits(resumed.model.module.parameters) != bits(first.model.module.parameters)
            #expect(freshDiffers, "a fresh trainer starts from other weights")
            try DiffusionCheckpoint.resume(resumed, from: path)
            #expect(resumed.step == 10)
            let resumedLive = bits(resumed.model.module.parameters) == bits(first.model.module.parameters)
            #expect(resumedLive, "resume restores the live weights")
            let resumedEMA = bits(resumed.ema.shadow) == bits(first.ema.shadow)
            #expect(resumedEMA, "resume restores the EMA weights")
            Self.train(resumed, until: 20)

            #expect(resumed.step == 20 && straight.step == 20)
            // Compared as one Bool each, so a failure prints one line, not 37,762 numbers.
            let sameLive = bits(resumed.model.module.parameters) == bits(straight.model.module.parameters)
            let sameEMA = bits(resumed.ema.shadow) == bits(straight.ema.shadow)
            #expect(sameLive, "live weights differ after resuming")
            #expect(sameEMA, "EMA weights differ after resuming")
            // The weights moved and the EMA differs from them (the check is not vacuous).
            let weightsMoved = bits(straight.model.module.parameters) != bits(ToyTraining.trainer(seed: 5, batchSize: 64).model.module.parameters)
            #expect(weightsMoved, "training moved the weights")
            let emaDiffers = bits(straight.ema.shadow) != bits(straight.model.module.parameters)
            #expect(emaDiffers, "the EMA differs from the live weights")
            // The last step's loss agrees too.
            #expect(resumed.log.records.last!.loss.bitPattern == straight.log.records.last!.loss.bitPattern)
        }
    }

    @Test("run(budget: .steps(5)) stops at step 5, writes the CSV (header + 5 rows) and the checkpoint")
    func runWritesFiles() throws {
        try withTemporaryDirectory { dir in
            let trainer = ToyTraining.trainer(seed: 1, batchSize: 32)
            var options = TrainingLoopOptions()
            options.csvPath = dir.appendingPathComponent("loss.csv").path
            options.checkpointPath = dir.appendingPathComponent("model.safetensors").path
            options.metadata = ["dataset": "eight-gaussians"]
            var draws = 0
            let outcome = try trainer.run(budget: .steps(5), options: options) { rng in
                draws += 1
                return eightGaussians(32, using: &rng)
            }
            #expect(outcome == .finished)
            #expect(trainer.step == 5 && draws == 5)
            #expect(trainer.log.records.map(\.step) == [1, 2, 3, 4, 5])

            let text = try String(contentsOfFile: options.csvPath!, encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            #expect(lines.count == 6)
            #expect(lines.first == TrainingLog.csvHeader)
            #expect(lines.dropFirst().map { $0.split(separator: ",").first.map(String.init) } == ["1", "2", "3", "4", "5"])
            #expect(lines.dropFirst().allSatisfy { $0.split(separator: ",").count == 6 })
            let records = TrainingLog.readCSV(options.csvPath!)
            #expect(records.count == 5)
            if let last = records.last {
                #expect(abs(last.loss - trainer.log.records[4].loss) <= 1e-5 * abs(trainer.log.records[4].loss))
            }

            #expect(FileManager.default.fileExists(atPath: options.checkpointPath!))
            let (tensors, meta) = try Checkpoint.read(options.checkpointPath!)
            #expect(meta[DiffusionCheckpoint.Key.step] == "5")
            #expect(meta[DiffusionCheckpoint.Key.model] == "toy-mlp")
            #expect(meta["dataset"] == "eight-gaussians")
            #expect(tensors.keys.contains { $0.hasPrefix("ema.") } && tensors.keys.contains { $0.hasPrefix("optimizer.") })

            // A second run with the same budget does nothing more: the budget counts
            // the steps already taken.
            _ = try trainer.run(budget: .steps(5), options: TrainingLoopOptions()) { eightGaussians(32, using: &$0) }
            #expect(trainer.step == 5)
        }
    }

    @Test("run reports started, one step event per step, paused before each preview, then finished")
    func runReportsProgress() throws {
        let trainer = ToyTraining.trainer(seed: 1, batchSize: 16)
        var events: [TrainingProgress] = []
        var previews: [Int] = []
        var options = TrainingLoopOptions()
        options.label = "toy"
        options.previewEverySteps = 2
        options.preview = { previews.append($0.step) }
        options.progress = { events.append($0) }
        let outcome = try trainer.run(budget: .steps(5), options: options) { eightGaussians(16, using: &$0) }
        #expect(outcome == .finished)
        #expect(previews == [2, 4])
        #expect(events.first == .started(label: "toy", total: 5, firstStep: 0))
        #expect(events.last == .finished)
        let shape = events.map { event -> String in
            switch event {
            case .started: return "s"
            case let .step(step, total, loss, rate):
                return total == 5 && loss.isFinite && rate > 0 ? "\(step)" : "bad"
            case .paused: return "p"
            case .finished: return "f"
            }
        }
        #expect(shape == ["s", "1", "2", "p", "3", "4", "p", "5", "f"])
    }

    @Test("resume refuses a checkpoint of another preset, naming both presets and the file")
    func resumeRefusesOtherPreset() throws {
        try withTemporaryDirectory { dir in
            let toy = ToyTraining.trainer(seed: 2, batchSize: 8)
            let path = dir.appendingPathComponent("toy.safetensors").path
            try DiffusionCheckpoint.save(toy, to: path)

            var rng = SeededGenerator(seed: 0)
            let unet = DiffusionTrainer(model: ModelPreset.unetSmall.make(using: &rng), schedule: ToyTraining.schedule())
            let before = bits(unet.model.module.parameters)
            do {
                try DiffusionCheckpoint.resume(unet, from: path)
                Issue.record("resume accepted a toy-mlp checkpoint into a unet-small trainer")
            } catch let error as CheckpointError {
                let message = error.description
                #expect(message.contains("toy-mlp"), "\(message)")
                #expect(message.contains("unet-small"), "\(message)")
                #expect(message.contains(path), "\(message)")
            }
            #expect(unet.step == 0)
            let untouched = bits(unet.model.module.parameters) == before         // nothing was copied
            #expect(untouched, "a refused resume copies nothing")
        }
    }

    // The message of a refused *read* should not call it a write. CheckpointError's
    // `.invalidContents` prints "cannot write checkpoint <path>: …", and resume/load use
    // that case for files they refuse.
    @Test("the refusal's message does not call reading a checkpoint a write")
    func refusalMessageWording() throws {
        try withTemporaryDirectory { dir in
            let toy = ToyTraining.trainer(seed: 2, batchSize: 8)
            let path = dir.appendingPathComponent("toy.safetensors").path
            try DiffusionCheckpoint.save(toy, to: path)
            var rng = SeededGenerator(seed: 0)
            let unet = DiffusionTrainer(model: ModelPreset.unetSmall.make(using: &rng), schedule: ToyTraining.schedule())
            do {
                try DiffusionCheckpoint.resume(unet, from: path)
                Issue.record("resume accepted a toy-mlp checkpoint into a unet-small trainer")
            } catch let error as CheckpointError {
                #expect(!error.description.contains("cannot write"), "\(error.description)")
            }
            do {
                _ = try DiffusionCheckpoint.load(path, expecting: .unetSmall)
                Issue.record("load accepted a toy-mlp checkpoint when expecting unet-small")
            } catch let error as CheckpointError {
                #expect(!error.description.contains("cannot write"), "\(error.description)")
            }
        }
    }

    @Test("load of a saveEMAWeights file (and of a full checkpoint) gives the EMA weights")
    func loadEMAWeights() throws {
        try withTemporaryDirectory { dir in
            let trainer = ToyTraining.trainer(seed: 3, batchSize: 32)
            Self.train(trainer, until: 15)
            let live = bits(trainer.model.module.parameters)
            let shadow = bits(trainer.ema.shadow)
            #expect(live != shadow)

            let emaPath = dir.appendingPathComponent("ema.safetensors").path
            try DiffusionCheckpoint.saveEMAWeights(trainer, to: emaPath)
            let loaded = try DiffusionCheckpoint.load(emaPath)
            #expect(loaded.model.preset == .toyMLP)
            #expect(loaded.usedEMA)
            #expect(loaded.objective == .epsilon)
            #expect(loaded.schedule.kind == .linear && loaded.schedule.timesteps == 1000)
            #expect(loaded.metadata[DiffusionCheckpoint.Key.step] == "15")
            // Same names, same order, same bytes as the shadow.
            #expect(loaded.model.module.namedParameters.map(\.name) == trainer.ema.names)
            let loadedIsEMA = bits(loaded.model.module.parameters) == shadow
            #expect(loadedIsEMA, "the loaded weights are the EMA shadow")
            #expect(loaded.model.module.training == false)

            // A full training checkpoint loads its EMA section too.
            let fullPath = dir.appendingPathComponent("full.safetensors").path
            try DiffusionCheckpoint.save(trainer, to: fullPath)
            let full = try DiffusionCheckpoint.load(fullPath, expecting: .toyMLP)
            #expect(full.usedEMA)
            let fullIsEMA = bits(full.model.module.parameters) == shadow
            #expect(fullIsEMA, "a full checkpoint loads its EMA section")

            // And the loaded model predicts what the trainer does with its EMA weights.
            var rng = SeededGenerator(seed: 99)
            let x = Tensor.randn([4, 2], using: &rng)
            let a = withNoGrad { loaded.model(x, [0, 10, 500, 999]) }
            let b = trainer.withEMAWeights { withNoGrad { trainer.model(x, [0, 10, 500, 999]) } }
            #expect(a.scalars == b.scalars)
            let livePutBack = bits(trainer.model.module.parameters) == live       // live weights put back
            #expect(livePutBack, "withEMAWeights puts the live weights back")
        }
    }

    @Test("the toy model learns: the smoothed loss after 300 steps is well below the first 10 steps'")
    func lossFalls() {
        let trainer = ToyTraining.trainer(seed: 0, batchSize: 256)
        Self.train(trainer, until: 300)
        let first = trainer.log.records.prefix(10).map { Double($0.loss) }.reduce(0, +) / 10
        let end = Double(trainer.log.smoothedLoss!)
        #expect(trainer.log.records.count == 300)
        #expect(trainer.log.records.allSatisfy { $0.loss.isFinite && $0.gradientNorm.isFinite })
        // Measured (seed 0): first ≈ 1.01 (an untrained ε-predictor: ≈ E[ε²] = 1), end ≈ 0.29.
        // Require the loss to halve: a clear margin, yet robust to other seeds' noise
        // (the smoothed loss of batch 256 jitters by a few hundredths).
        #expect(end < 0.5 * first, "first 10 steps \(first), smoothed at 300: \(end)")
    }
}
