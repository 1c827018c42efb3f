// TrainClassifier.swift — `kit-pretrain classifier`: trains the digit classifier whose
// weights ship as Pretrained/digit-classifier.safetensors.
//
//     swift run -c release kit-pretrain classifier --steps 1000 --seed 0 \
//         --out Pretrained/digit-classifier.safetensors
//
// Every step draws a fresh batch of SyntheticDigits from the training seed (see
// Metrics/ClassifierTrainer.swift). Afterwards the classifier is scored on held-out
// digits from `DigitClassifier.heldOutSeed`, a stream training never draws from, and
// the accuracy goes into the checkpoint's metadata with the settings.
//
// With `--dataset mnist|fashion-mnist --data-dir DIR` the same architecture trains on
// that dataset's training split instead, is measured on its test split (t10k files),
// and is stored in the user's cache (`DigitClassifier.cacheFile(for:)`), where the
// chapters' metrics look for it (Metrics/ClassifierOnIDX.swift):
//
//     swift run -c release kit-pretrain classifier --dataset mnist --data-dir ~/data/mnist

import ArgumentParser
import DiffusionKit
import Foundation

/// The data the classifier learns from.
enum ClassifierDataset: String, CaseIterable, ExpressibleByArgument {
    case synthetic, mnist, fashionMNIST = "fashion-mnist"

    /// The MNIST-format dataset, or nil for synthetic digits.
    var kind: MNISTKind? { MNISTKind(rawValue: rawValue) }
}

struct TrainClassifier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "Trains the digit classifier used by the metrics (FD-digits, recognisability).")

    @Option(help: "Training data: synthetic (the shipped classifier), mnist or fashion-mnist.")
    var dataset: ClassifierDataset = .synthetic

    @Option(help: ArgumentHelp("With --dataset mnist|fashion-mnist: the folder with the four MNIST-format files (default: the cache folder --download fills).", valueName: "dir"))
    var dataDir: String?

    @Option(help: "Training steps, one fresh batch each.")
    var steps = 1000

    @Option(help: "Seed of the training stream (model initialisation, digits, noise).")
    var seed: UInt64 = 0

    @Option(help: "Digits per batch.")
    var batchSize = 128

    @Option(help: "Peak learning rate of AdamW (warm-up, then cosine decay).")
    var learningRate: Float = 2e-3

    @Option(help: "Held-out digits to measure the accuracy on (default 5000; with --dataset mnist|fashion-mnist the whole test split).")
    var heldOut: Int?

    @Option(help: "Print a progress line every this many steps.")
    var logEvery = 100

    @Option(help: "Where to write the weights (safetensors; default Pretrained/digit-classifier.safetensors, or the cache file for --dataset mnist|fashion-mnist).")
    var out: String?

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw ValidationError("--learning-rate must be positive and finite, got \(learningRate)")
        }
        if let heldOut, heldOut <= 0 { throw ValidationError("--held-out must be positive, got \(heldOut)") }
        guard logEvery > 0 else { throw ValidationError("--log-every must be positive, got \(logEvery)") }
        guard seed != DigitClassifier.heldOutSeed else {
            throw ValidationError("--seed \(seed) is the held-out seed; pick another")
        }
        if let out, out.isEmpty { throw ValidationError("--out needs a file name, got an empty string") }
        if dataset == .synthetic && dataDir != nil {
            throw ValidationError("--data-dir is for --dataset mnist or fashion-mnist (synthetic digits need no files)")
        }
    }

    func run() throws {
        if let kind = dataset.kind { return try runOnIDX(kind) }
        let heldOut = self.heldOut ?? 5000
        let out = self.out ?? "Pretrained/" + DigitClassifier.pretrainedFile
        try checkWritable(out)
        var rng = SeededGenerator(seed: seed)
        let model = DigitClassifier(using: &rng)
        var config = ClassifierTrainer.Configuration(steps: steps)
        config.batchSize = batchSize
        config.learningRate = learningRate
        let trainer = ClassifierTrainer(config)
        Console.write("Training DigitClassifier (\(model.parameterCount) parameters) for \(steps) steps "
                      + "of \(batchSize) digits, seed \(seed)\n")

        let start = Date()
        var windowLoss = 0.0, windowAccuracy = 0.0, windowSteps = 0
        trainer.train(model, using: &rng) { p in
            windowLoss += Double(p.loss); windowAccuracy += Double(p.accuracy); windowSteps += 1
            guard p.step % logEvery == 0 || p.step == p.steps else { return }
            let line = String(format: "step %5d/%d  loss %.4f  accuracy %5.1f%%  lr %.2e  %@\n",
                              p.step, p.steps, windowLoss / Double(windowSteps),
                              100 * windowAccuracy / Double(windowSteps), Double(p.learningRate),
                              Console.duration(Date().timeIntervalSince(start)))
            Console.write(line)
            windowLoss = 0; windowAccuracy = 0; windowSteps = 0
        }
        let trainingTime = Date().timeIntervalSince(start)

        var heldOutDigits = SyntheticDigits(seed: DigitClassifier.heldOutSeed)
        let (images, labels) = heldOutDigits.batch(heldOut)                       // [n, 1, 28, 28]
        let accuracy = model.accuracy(images: images, labels: labels)
        Console.write(String(format: "held-out accuracy %.2f%% on %d digits (seed %llu); trained in %@\n",
                             100 * Double(accuracy), heldOut, DigitClassifier.heldOutSeed,
                             Console.duration(trainingTime)))

        let metadata = DigitClassifier.trainingMetadata(
            steps: steps, seed: seed, batchSize: batchSize, learningRate: learningRate,
            heldOutAccuracy: accuracy, heldOutCount: heldOut, extra: [
                "held_out_seed": "\(DigitClassifier.heldOutSeed)",
                "command": "kit-pretrain classifier --steps \(steps) --seed \(seed) --batch-size \(batchSize) --learning-rate \(learningRate)",
            ])
        try Checkpoint.save(model, to: out, metadata: metadata)
        Console.write("wrote \(out)\n")
    }

    /// Trains on `kind`'s training split from `--data-dir`, reports the accuracy on its
    /// test split, and writes the cache file (or `--out`). A missing or damaged file
    /// ends the command with one line before any training.
    private func runOnIDX(_ kind: MNISTKind) throws {
        let directory = dataDir ?? MNIST.defaultCacheDirectory(kind)
        let out = self.out ?? DigitClassifier.cacheFile(for: kind)
        let data: ClassifierOnIDX
        do { data = try ClassifierOnIDX(kind, directory: directory, testLimit: heldOut) } catch {
            try refuse("\(error)")
        }
        try checkWritable(out)
        var config = ClassifierTrainer.Configuration(steps: steps)
        config.batchSize = batchSize
        config.learningRate = learningRate
        Console.write("Training DigitClassifier on \(kind.rawValue) (\(data.train.labels.count) training images from \(directory)) "
                      + "for \(steps) steps of \(batchSize), seed \(seed)\n")
        let start = Date()
        var windowLoss = 0.0, windowAccuracy = 0.0, windowSteps = 0
        let result = try data.run(config, seed: seed, saveTo: out) { p in
            windowLoss += Double(p.loss); windowAccuracy += Double(p.accuracy); windowSteps += 1
            guard p.step % logEvery == 0 || p.step == p.steps else { return }
            Console.write(String(format: "step %5d/%d  loss %.4f  accuracy %5.1f%%  lr %.2e  %@\n",
                                 p.step, p.steps, windowLoss / Double(windowSteps),
                                 100 * windowAccuracy / Double(windowSteps), Double(p.learningRate),
                                 Console.duration(Date().timeIntervalSince(start))))
            windowLoss = 0; windowAccuracy = 0; windowSteps = 0
        }
        Console.write(String(format: "held-out accuracy %.2f%% on %d %@ test images (t10k files); trained in %@\n",
                             100 * Double(result.testAccuracy), result.testCount, kind.rawValue,
                             Console.duration(Date().timeIntervalSince(start))))
        Console.write("wrote \(result.path) (the \(kind.rawValue) classifier the chapters' metrics use)\n")
    }

    /// Ends the command with one line, `error: message`, and status 64 (a bad command line).
    private func refuse(_ message: String) throws -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        throw ExitCode(64)
    }

    /// Fails before training, naming `path`, when its folder cannot be made or written.
    private func checkWritable(_ path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CheckpointError.cannotWrite(path: path, reason: "cannot create folder \(folder)")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw CheckpointError.cannotWrite(path: path, reason: "folder \(folder) is not writable")
        }
    }
}
