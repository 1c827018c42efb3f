// Classifier-free guidance: w = 0 and w = 1 are the two predictions bit for bit, the
// doubled batch equals two separate calls, the interval spends one evaluation outside
// its range, rescale pulls the x̂₀ spread to the conditional one's, bad settings are
// errors; label dropout and class-conditional training, saving and loading.

import Foundation
import Testing
@testable import Diffusion
import NeuralNets
import Tensors

@Suite("Classifier-free guidance")
struct GuidanceTests {
    /// A small class-conditional network: the 2-D toy MLP with 8 classes (+ null).
    static func conditionalToy(seed: UInt64 = 3) -> DiffusionModel {
        var rng = SeededGenerator(seed: seed)
        let model = ModelPreset.toyMLP.make(classes: 8, using: &rng)
        model.module.eval()
        return model
    }

    static var schedule: NoiseSchedule { NoiseSchedule(.linear, timesteps: 1000) }

    /// A batch of 2-D points and labels (no zeros: a mix of signs and sizes).
    static func batch() -> (x: Tensor, labels: [Int]) {
        var rng = SeededGenerator(seed: 11)
        return (Tensor.randn([6, 2], using: &rng) * 1.3 + 0.2, [0, 3, 7, 1, 5, 2])
    }

    @Test("w = 1 is the conditional prediction and w = 0 the unconditional one, bit for bit")
    func endpoints() throws {
        let model = Self.conditionalToy(), (x, labels) = Self.batch()
        let t = [Int](repeating: 400, count: 6)
        let conditional = withNoGrad { model(x, t, labels: labels) }
        let unconditional = withNoGrad { model(x, t, labels: [Int](repeating: 8, count: 6)) }
        for (w, expected) in [(Float(1), conditional), (0, unconditional)] {
            let guided = try ClassifierFreeGuidance(scale: w)
                .denoiser(model.conditionalDenoiser!, labels: labels, nullLabel: 8, schedule: Self.schedule, objective: .epsilon)
            let got = withNoGrad { guided(x, t) }
            #expect(got.scalars == expected.scalars, "w = \(w)")
        }
        #expect(conditional.scalars != unconditional.scalars)   // the labels matter
    }

    @Test("the doubled batch (one call of 2B items) equals two separate calls, guided by hand")
    func doubledBatch() throws {
        let model = Self.conditionalToy(), (x, labels) = Self.batch()
        var calls: [Int] = []
        let counting: ConditionalDenoiser = { xt, t, y in calls.append(xt.shape[0]); return model(xt, t, labels: y) }
        for w: Float in [3, 7.5, -0.5] {
            calls = []
            let t = [Int](repeating: 250, count: 6)
            let guided = withNoGrad {
                (try! ClassifierFreeGuidance(scale: w)).denoiser(counting, labels: labels, nullLabel: 8,
                                                                schedule: Self.schedule, objective: .epsilon)(x, t)
            }
            #expect(calls == [12], "one forward pass of the doubled batch")
            let c = withNoGrad { model(x, t, labels: labels) }.scalars
            let u = withNoGrad { model(x, t, labels: [Int](repeating: 8, count: 6)) }.scalars
            let byHand = zip(u, c).map { u, c in Double(u) + Double(w) * (Double(c) - Double(u)) }
            let worst = zip(guided.scalars, byHand).map { abs(Double($0) - $1) }.max()!
            // Rows of a doubled batch go through the same GEMMs in another blocking: a few ulps.
            #expect(worst < 1e-4 * Double(max(1, abs(w))), "w = \(w): worst difference \(worst)")
        }
    }

    @Test("outside the guidance interval a step evaluates B items (conditional), inside 2B")
    func intervalEvaluations() throws {
        let model = Self.conditionalToy(), (x, labels) = Self.batch()
        var calls: [Int] = []
        let counting: ConditionalDenoiser = { xt, t, y in calls.append(xt.shape[0]); return model(xt, t, labels: y) }
        let guidance = try ClassifierFreeGuidance(scale: 4, interval: 200...600)
        let guided = guidance.denoiser(counting, labels: labels, nullLabel: 8, schedule: Self.schedule, objective: .epsilon)
        let sampler = try DDIMSampler(schedule: Self.schedule)
        var rng = SeededGenerator(seed: 1)
        _ = try sampler.sample(from: x, model: guided, steps: 20, spacing: .trailing, using: &rng)
        let ts = TimestepSpacing.trailing.timesteps(steps: 20, of: 1000)
        #expect(calls == ts.map { (200...600).contains($0) ? 12 : 6 })
        #expect(calls.reduce(0, +) == ts.map { guidance.evaluations(at: $0, batch: 6) }.reduce(0, +))
        // Outside the interval the output is the conditional prediction bit for bit.
        let t = [Int](repeating: 900, count: 6)
        #expect(withNoGrad { guided(x, t) }.scalars == withNoGrad { model(x, t, labels: labels) }.scalars)
    }

    @Test("rescale φ = 1 gives the guided x̂₀ the conditional x̂₀'s per-item spread; φ = 0 changes nothing")
    func rescale() throws {
        var rng = SeededGenerator(seed: 21)
        let x = Tensor.randn([2, 1, 4, 4], using: &rng)
        // A stand-in conditional network: ε depends on the label, so guidance widens x̂₀.
        let model: ConditionalDenoiser = { xt, t, y in
            let scale = Tensor(shape: [y.count, 1, 1, 1], scalars: y.map { $0 == 10 ? 0.2 : 0.6 })
            return xt * scale + 0.1
        }
        let t = [Int](repeating: 300, count: 2), labels = [4, 9]
        let plain = try ClassifierFreeGuidance(scale: 5)
            .denoiser(model, labels: labels, nullLabel: 10, schedule: Self.schedule, objective: .epsilon)(x, t)
        let zero = try ClassifierFreeGuidance(scale: 5, rescale: 0)
            .denoiser(model, labels: labels, nullLabel: 10, schedule: Self.schedule, objective: .epsilon)(x, t)
        #expect(plain.scalars == zero.scalars)
        let full = try ClassifierFreeGuidance(scale: 5, rescale: 1)
            .denoiser(model, labels: labels, nullLabel: 10, schedule: Self.schedule, objective: .epsilon)(x, t)
        let x0 = { (out: Tensor) in Objective.epsilon.split(out, xt: x, t: t, schedule: Self.schedule).x0 }
        let std = { (v: Tensor, i: Int) -> Double in
            let s = v.slice(axis: 0, i..<(i + 1)).scalars.map(Double.init)
            let m = s.reduce(0, +) / Double(s.count)
            return (s.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(s.count)).squareRoot()
        }
        let conditional = model(x, t, labels)
        for i in 0..<2 {
            let want = std(x0(conditional), i), got = std(x0(full), i), before = std(x0(plain), i)
            #expect(abs(got - want) < 1e-3 * want, "item \(i): rescaled std \(got), conditional \(want)")
            #expect(before > 1.2 * want, "item \(i): guidance should have widened x̂₀ (\(before) vs \(want))")
        }
    }

    @Test("bad guidance settings are errors with one line: w not finite, φ outside [0, 1], an empty interval")
    func badSettings() {
        for w: Float in [.nan, .infinity, -.infinity] {
            #expect(throws: SamplerError.self) { _ = try ClassifierFreeGuidance(scale: w) }
        }
        for phi: Float in [-0.1, 1.5, .nan] {
            #expect(throws: SamplerError.self) { _ = try ClassifierFreeGuidance(scale: 3, rescale: phi) }
        }
        #expect(throws: SamplerError.self) { _ = try ClassifierFreeGuidance.parseInterval("800-200", timesteps: 1000) }
        #expect(throws: SamplerError.self) { _ = try ClassifierFreeGuidance.parseInterval("0-1000", timesteps: 1000) }
        #expect(throws: SamplerError.self) { _ = try ClassifierFreeGuidance.parseInterval("ten", timesteps: 1000) }
        #expect((try? ClassifierFreeGuidance.parseInterval("100-600", timesteps: 1000)) == 100...600)
        #expect(throws: SamplerError.self) {
            _ = try ClassifierFreeGuidance.interval(sigmaLow: 1000, sigmaHigh: 2000, schedule: Self.schedule)
        }
    }

    @Test("the σ interval (0.28, 5.42] in timesteps of the linear schedule: σ_t inside at both ends, outside just beyond")
    func sigmaInterval() throws {
        let range = try ClassifierFreeGuidance.interval(sigmaLow: 0.28, sigmaHigh: 5.42, schedule: Self.schedule)
        let sigma = { (t: Int) in
            let a = Self.schedule.alphasCumprodDouble[t]
            return ((1 - a) / a).squareRoot()
        }
        #expect(sigma(range.lowerBound) > 0.28 && sigma(range.lowerBound - 1) <= 0.28)
        #expect(sigma(range.upperBound) <= 5.42 && sigma(range.upperBound + 1) > 5.42)
    }

    @Test("label dropout: u < p becomes the null label (hand-made uniforms)")
    func labelDropout() {
        let labels = [3, 1, 4, 1, 5, 9]
        let uniforms: [Float] = [0.05, 0.1, 0.5, 0.0999, 0.99, 0.1001]
        #expect(dropLabels(labels, uniforms: uniforms, probability: 0.1, nullLabel: 10) == [10, 1, 4, 10, 5, 9])
        #expect(dropLabels(labels, uniforms: uniforms, probability: 0, nullLabel: 10) == labels)
        #expect(dropLabels(labels, uniforms: uniforms, probability: 1, nullLabel: 10) == [Int](repeating: 10, count: 6))
    }

    @Test("class-conditional training: steps run, labels reach the network, a checkpoint keeps the classes")
    func conditionalTraining() throws {
        var config = TrainingConfiguration()
        config.batchSize = 64
        config.labelDropout = 0.25
        var rng = SeededGenerator(seed: 4)
        let trainer = DiffusionTrainer(model: ModelPreset.toyMLP.make(classes: 8, using: &rng),
                                       schedule: Self.schedule, configuration: config)
        let before = (trainer.model.module as! ToyMLP).label!.weight.scalars
        _ = try trainer.run(budget: .steps(5)) { rng in
            // Points around one of eight centres on the unit circle, labelled by their centre.
            let modes = (0..<64).map { _ in Int.random(in: 0..<8, using: &rng) }
            let centres = modes.flatMap { k in [Float(cos(Double(k) * .pi / 4)), Float(sin(Double(k) * .pi / 4))] }
            return (Tensor(shape: [64, 2], scalars: centres) + 0.1 * Tensor.randn([64, 2], using: &rng), modes)
        }
        let after = (trainer.model.module as! ToyMLP).label!.weight.scalars
        // Every row of the label table was used (8 classes and the null one over 5 × 64 draws).
        for row in 0..<9 {
            let moved = (0..<32).contains { before[row * 32 + $0] != after[row * 32 + $0] }
            #expect(moved, "label row \(row) was never trained")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("guidance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let weights = dir.appendingPathComponent("cfg.safetensors").path
        try DiffusionCheckpoint.saveEMAWeights(trainer, to: weights)
        let loaded = try DiffusionCheckpoint.load(weights)
        #expect(loaded.model.classes == 8 && loaded.model.nullLabel == 8)
        let full = dir.appendingPathComponent("train.safetensors").path
        try DiffusionCheckpoint.save(trainer, to: full)
        // An unconditional trainer refuses the conditional checkpoint, naming both kinds.
        let plain = ToyTraining.trainer(seed: 1)
        do {
            try DiffusionCheckpoint.resume(plain, from: full)
            Issue.record("an unconditional trainer resumed a class-conditional checkpoint")
        } catch {
            #expect("\(error)".contains("class-conditional (8 classes)"))
        }
    }

    @Test("fine-tuning: initialise copies every weight of an unconditional file; the label table keeps its N(0, 0.3²) start")
    func initialiseFromUnconditional() throws {
        let source = ToyTraining.trainer(seed: 7)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("guidance-init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("plain.safetensors").path
        try DiffusionCheckpoint.saveEMAWeights(source, to: path)
        var rng = SeededGenerator(seed: 8)
        // The toy's first layer is wider when conditional, so use the U-Net (same shapes).
        let unconditional = ModelPreset.unetSmall.make(using: &rng)
        let upath = dir.appendingPathComponent("unet.safetensors").path
        try Checkpoint.save(Dictionary(uniqueKeysWithValues: unconditional.module.stateDict.map { ($0.name, $0.tensor) }),
                            to: upath, metadata: DiffusionCheckpoint.metadata(model: .unetSmall, schedule: Self.schedule, objective: .epsilon))
        let conditional = ModelPreset.unetSmall.make(classes: 10, using: &rng)
        let start = conditional.module.stateDict.first { $0.name == "label.weight" }!.tensor.scalars
        let copied = try DiffusionCheckpoint.initialise(conditional, from: upath)
        let target = Dictionary(uniqueKeysWithValues: conditional.module.stateDict.map { ($0.name, $0.tensor.scalars) })
        #expect(copied == unconditional.module.stateDict.count)
        for (name, tensor) in unconditional.module.stateDict { #expect(target[name] == tensor.scalars, "\(name)") }
        #expect(target["label.weight"]! == start && start.count == 11 * 128)
        let rms = (start.map { Double($0) * Double($0) }.reduce(0, +) / Double(start.count)).squareRoot()
        #expect(abs(rms - 0.3) < 0.02, "label table rms \(rms), expected ≈ 0.3 (1,408 draws: ±2 %)")
        // A file of another architecture is refused.
        #expect(throws: CheckpointError.self) { _ = try DiffusionCheckpoint.initialise(conditional, from: path) }
    }
}
