// The learning rate that knows the budget: warm-up, then a cosine decay to 0 at the
// budget's last step, and a budget in minutes turned into steps early enough that
// `--steps N` repeats the run bit for bit. Closed forms for the rates; the 2-D toy
// model for the loop.

import Foundation
import Testing
@testable import Diffusion
import NeuralNets
import Tensors

@Suite("Learning rate decayed to the budget")
struct BudgetScheduleTests {
    /// A `toy-mlp` trainer with `warmup` warm-up steps at 3e-3 and batch 32.
    static func toyTrainer(warmup: Int, seed: UInt64 = 3) -> DiffusionTrainer {
        var config = TrainingConfiguration()
        config.batchSize = 32
        config.learningRate = 3e-3
        config.warmupSteps = warmup
        config.emaBeta = 0.99
        config.seed = seed
        var rng = SeededGenerator(seed: seed)
        return DiffusionTrainer(model: ModelPreset.toyMLP.make(using: &rng), schedule: ToyTraining.schedule(), configuration: config)
    }

    /// Eight Gaussians on a circle of radius √2 (std 0.18): data that is not all zeros.
    static func batch(_ count: Int, using rng: inout SeededGenerator) -> Tensor {
        var v = [Float](repeating: 0, count: 2 * count)
        for i in 0..<count {
            let angle = Double(rng.nextInt(in: 0..<8)) * Double.pi / 4
            let (zx, zy) = rng.nextNormalPair()
            v[2 * i] = Float(2.0.squareRoot() * cos(angle)) + 0.18 * zx
            v[2 * i + 1] = Float(2.0.squareRoot() * sin(angle)) + 0.18 * zy
        }
        return Tensor(shape: [count, 2], scalars: v)                                   // [count, 2]
    }

    static func bits(_ tensors: [Tensor]) -> [[UInt32]] { tensors.map { $0.scalars.map(\.bitPattern) } }

    @Test("warm-up (n+1)/W, then ½(1 + cos πq) to 0 at decaySteps, 0 after; without decaySteps constant")
    func closedForm() {
        var c = TrainingConfiguration()
        c.learningRate = 2e-3
        c.warmupSteps = 10
        c.decaySteps = 110
        func close(_ a: Float, _ b: Double) -> Bool { abs(Double(a) - b) <= 1e-9 + 1e-6 * abs(b) }
        #expect(close(c.learningRate(at: 0), 2e-4))                      // 2e-3 · 1/10
        #expect(close(c.learningRate(at: 9), 2e-3))                      // the last warm-up step: 10/10
        #expect(close(c.learningRate(at: 10), 2e-3))                     // q = 0: the peak
        #expect(close(c.learningRate(at: 35), 2e-3 * 0.5 * (1 + cos(Double.pi / 4))))  // q = 1/4: 0.854 of the peak
        #expect(close(c.learningRate(at: 60), 1e-3))                     // q = 1/2: half
        #expect(close(c.learningRate(at: 110), 0))                       // q = 1
        #expect(close(c.learningRate(at: 500), 0))                       // after the budget
        c.decaySteps = nil
        #expect(close(c.learningRate(at: 60), 2e-3) && close(c.learningRate(at: 5), 1.2e-3))
    }

    @Test("a budget in steps fixes the decay at once: the last step's rate is near 0, the rates never rise after the warm-up")
    func stepsBudget() throws {
        let trainer = Self.toyTrainer(warmup: 10)
        var options = TrainingLoopOptions()
        options.decayToBudget = true
        _ = try trainer.run(budget: .steps(60), options: options) { Self.batch(32, using: &$0) }
        #expect(trainer.configuration.decaySteps == 60 && trainer.step == 60)
        let rates = trainer.log.records.map(\.learningRate)
        #expect(rates[9] == 3e-3)
        #expect(zip(rates.dropFirst(10), rates.dropFirst(11)).allSatisfy { $0 >= $1 })
        #expect(rates.last! < 3e-3 * 0.01)                               // ½(1 + cos(π·49/50)) ≈ 0.001
    }

    @Test("a budget in minutes becomes steps within the warm-up (its first 20 steps here); `.steps(N)` repeats the run bit for bit; a checkpoint keeps N")
    func minutesBecomeSteps() throws {
        let timed = Self.toyTrainer(warmup: 20)
        #expect(DiffusionTrainer.calibrationSteps(for: timed.configuration) == 20)
        var options = TrainingLoopOptions()
        options.decayToBudget = true
        _ = try timed.run(budget: .minutes(0.005), options: options) { Self.batch(32, using: &$0) }
        let n = try #require(timed.configuration.decaySteps, "the budget was never turned into steps")
        #expect(n >= 20 && timed.step == n)

        let repeated = Self.toyTrainer(warmup: 20)
        _ = try repeated.run(budget: .steps(n), options: options) { Self.batch(32, using: &$0) }
        let sameWeights = Self.bits(repeated.model.module.parameters) == Self.bits(timed.model.module.parameters)
        let sameEMA = Self.bits(repeated.ema.shadow) == Self.bits(timed.ema.shadow)
        #expect(sameWeights && sameEMA, "--steps \(n) must repeat the timed run exactly")
        let moved = Self.bits(repeated.model.module.parameters) != Self.bits(Self.toyTrainer(warmup: 20).model.module.parameters)
        #expect(moved, "training moved the weights (the comparison is not vacuous)")

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("budget-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try DiffusionCheckpoint.save(timed, to: path)
        let resumed = Self.toyTrainer(warmup: 20)
        try DiffusionCheckpoint.resume(resumed, from: path)
        #expect(resumed.configuration.decaySteps == n)
        // A resumed run with a budget in minutes keeps the recorded total: nothing more to do.
        _ = try resumed.run(budget: .minutes(10), options: options) { Self.batch(32, using: &$0) }
        #expect(resumed.step == n)
    }

    @Test("a budget spent before the calibration ends (6 µs: one step) still becomes steps, and `.steps(N)` repeats it")
    func budgetSpentDuringCalibration() throws {
        let timed = Self.toyTrainer(warmup: 20)
        var options = TrainingLoopOptions()
        options.decayToBudget = true
        _ = try timed.run(budget: .minutes(1e-7), options: options) { Self.batch(32, using: &$0) }
        let n = try #require(timed.configuration.decaySteps, "the budget was never turned into steps")
        #expect(n == timed.step && n >= 1 && n < 20)
        let repeated = Self.toyTrainer(warmup: 20)
        _ = try repeated.run(budget: .steps(n), options: options) { Self.batch(32, using: &$0) }
        #expect(Self.bits(repeated.model.module.parameters) == Self.bits(timed.model.module.parameters))
        #expect(Self.bits(repeated.ema.shadow) == Self.bits(timed.ema.shadow))
    }

    @Test("calibration never outlasts the warm-up: 30 steps, fewer with a shorter warm-up, 1 without one")
    func calibrationSteps() {
        var c = TrainingConfiguration()
        c.warmupSteps = 200; #expect(DiffusionTrainer.calibrationSteps(for: c) == 30)
        c.warmupSteps = 4; #expect(DiffusionTrainer.calibrationSteps(for: c) == 4)
        c.warmupSteps = 0; #expect(DiffusionTrainer.calibrationSteps(for: c) == 1)
    }
}
