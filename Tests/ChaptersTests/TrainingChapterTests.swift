// Chapter 04's command line: bad input ends with one line and status 64; Ctrl-C
// leaves a checkpoint that --resume continues from; SIGKILL never leaves a damaged
// one; a checkpoint of another architecture is refused.

import Diffusion
import Foundation
import NeuralNets
import Tensors
import Testing

@Suite("Chapter 04 — options, interruption and resume", .serialized)
struct TrainingChapterTests {
    @Test("bad options print one line and exit with status 64")
    func badOptions() throws {
        let cases: [[String]] = [
            ["--steps", "0"], ["--steps", "-5"], ["--minutes", "0"], ["--dataset", "imagenet"],
            ["--dataset", "mnist"], ["--dataset", "mnist", "--data-dir", "/nonexistent/mnist"],
            ["--model", "resnet"], ["--objective", "score"], ["--timesteps", "1"],
            ["--classes", "7"], ["--classes", "10", "--drop-label", "1.5"], ["--classes", "10", "--model", "simple-unet"],
            ["--learning-rate", "0"], ["--learning-rate", "nan"], ["--warmup-steps", "-1"], ["--ema-beta", "1"],
            ["--init-from", "/nonexistent/weights.safetensors"],
        ]
        for arguments in cases {
            let run = try ChapterRunner.run("chapter04", arguments + ["--quick"])
            defer { try? FileManager.default.removeItem(at: run.folder) }
            #expect(run.status == 64, "\(arguments) exited with \(run.status): \(run.errors)")
            #expect(run.errors.contains("rror"), "\(arguments) printed no error")
            #expect(!run.errors.contains("Thread 0") && !run.errors.contains("Fatal error"), "\(arguments) crashed: \(run.errors)")
        }
    }

    @Test("a corrupt IDX file gives one line naming the file")
    func corruptIDX() throws {
        let dir = ChapterRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A valid header for 10 images of 28×28, then far too few pixels.
        var bytes: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28]
        bytes += (0..<100).map { UInt8($0 % 251) }
        try Data(bytes).write(to: dir.appendingPathComponent("train-images-idx3-ubyte"))
        try Data([0, 0, 8, 1, 0, 0, 0, 10] + (0..<10).map { UInt8($0) }).write(to: dir.appendingPathComponent("train-labels-idx1-ubyte"))
        let run = try ChapterRunner.run("chapter04", ["--quick", "--dataset", "mnist", "--data-dir", dir.path])
        defer { try? FileManager.default.removeItem(at: run.folder) }
        #expect(run.status == 64, "exited with \(run.status): \(run.errors)")
        let lines = run.errors.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(run.errors)")
        #expect(run.errors.contains("train-images-idx3-ubyte"), "the error does not name the file: \(run.errors)")
        #expect(!run.output.contains("toy model:"), "the data should be checked before the 2-D model trains: \(run.output.prefix(500))")
    }

    @Test("--resume without a checkpoint fails at once, before any training")
    func resumeWithoutCheckpoint() throws {
        let folder = ChapterRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try ChapterRunner.run("chapter04", ["--quick", "--resume"], out: folder)
        #expect(run.status == 64, "exited with \(run.status): \(run.errors)")
        #expect(run.errors.split(separator: "\n").count == 1 && run.errors.contains("no checkpoint at"), "\(run.errors)")
        #expect(!run.output.contains("toy model:"), "\(run.output.prefix(500))")
    }

    @Test("--init-from weights of another architecture: one line naming both models, before the 2-D model trains")
    func initFromOtherArchitecture() throws {
        let folder = ChapterRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var rng = SeededGenerator(seed: 2)
        let other = ModelPreset.simpleUNet.make(using: &rng)
        let path = folder.appendingPathComponent("simple.safetensors").path
        try Checkpoint.save(Dictionary(uniqueKeysWithValues: other.module.stateDict.map { ($0.name, $0.tensor) }), to: path,
                            metadata: DiffusionCheckpoint.metadata(model: .simpleUNet, schedule: NoiseSchedule(.linear, timesteps: 1000), objective: .epsilon))
        let run = try ChapterRunner.run("chapter04", ["--quick", "--init-from", path], out: folder)
        #expect(run.status == 64, "exited with \(run.status): \(run.errors)")
        #expect(run.errors.split(separator: "\n").count == 1 && run.errors.contains("simple-unet") && run.errors.contains("unet-small"), "\(run.errors)")
        #expect(!run.output.contains("toy model:"), "\(run.output.prefix(500))")
    }

    @Test("a time budget prints the steps it became; --steps N repeats that run bit for bit")
    func timeBudgetRepeats() throws {
        let timedFolder = ChapterRunner.temporaryFolder(), repeatFolder = ChapterRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: timedFolder); try? FileManager.default.removeItem(at: repeatFolder) }
        let timed = try ChapterRunner.run("chapter04", ["--quick", "--minutes", "0.1", "--warmup-steps", "10", "--batch-size", "16"], out: timedFolder)
        #expect(timed.status == 0, "\(timed.errors)")
        let marker = "the time budget became "
        let steps = try #require(timed.output.components(separatedBy: marker).dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) },
                                 "no \"\(marker)N steps\" line: \(timed.output.suffix(1500))")
        #expect(timed.output.contains("--steps \(steps) repeats this run exactly"))
        let repeated = try ChapterRunner.run("chapter04", ["--quick", "--steps", String(steps), "--warmup-steps", "10", "--batch-size", "16"], out: repeatFolder)
        #expect(repeated.status == 0, "\(repeated.errors)")
        let a = try Checkpoint.read(timedFolder.appendingPathComponent("checkpoint.safetensors").path)
        let b = try Checkpoint.read(repeatFolder.appendingPathComponent("checkpoint.safetensors").path)
        #expect(a.metadata[DiffusionCheckpoint.Key.step] == String(steps) && b.metadata[DiffusionCheckpoint.Key.step] == String(steps))
        #expect(a.metadata[DiffusionCheckpoint.Key.decaySteps] == String(steps))
        #expect(Set(a.tensors.keys) == Set(b.tensors.keys) && !a.tensors.isEmpty)
        let identical = a.tensors.allSatisfy { name, t in b.tensors[name].map { $0.scalars.map(\.bitPattern) == t.scalars.map(\.bitPattern) } ?? false }
        #expect(identical, "--steps \(steps) did not repeat the timed run")
    }

    @Test("Ctrl-C writes a checkpoint that --resume continues from; another architecture is refused")
    func interruptAndResume() throws {
        let folder = ChapterRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stdout = Pipe()
        let (process, _) = try startLongTraining(in: folder, stdout: stdout)
        defer { stopIfRunning(process) }
        // The digit training has written its first checkpoint: interrupt a little later.
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, SIGINT)
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "status \(process.terminationStatus)")
        #expect(output.contains("interrupted at step"), "no interruption message: \(output.suffix(400))")
        let step = output.components(separatedBy: "interrupted at step ").last.flatMap { Int($0.prefix { $0.isNumber }) } ?? -1
        #expect(step > 0)

        // Resume for two more steps.
        let resumed = try ChapterRunner.run("chapter04", ["--quick", "--model", "unet-small", "--resume", "--steps", String(step + 2)], out: folder)
        #expect(resumed.status == 0, "resume exited with \(resumed.status): \(resumed.errors)")
        #expect(resumed.output.contains("resumed from") && resumed.output.contains("at step \(step)"), "\(resumed.output.prefix(2000))")
        #expect(resumed.output.contains("trained to step \(step + 2)"))

        // The same checkpoint into another architecture: one line, status 64.
        let wrong = try ChapterRunner.run("chapter04", ["--quick", "--model", "simple-unet", "--resume", "--steps", String(step + 4)], out: folder)
        #expect(wrong.status == 64, "exited with \(wrong.status): \(wrong.errors)")
        #expect(wrong.errors.contains("unet-small") && wrong.errors.contains("simple-unet"), "\(wrong.errors)")
    }

    @Test("after SIGKILL in mid-training the checkpoint loads; reads while training rewrites it always load")
    func killNeverDamagesCheckpoint() throws {
        let folder = ChapterRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (process, checkpointURL) = try startLongTraining(in: folder)
        defer { stopIfRunning(process) }
        let checkpoint = checkpointURL.path

        // While training rewrites the checkpoint every 10 steps, every read sees a whole
        // file, the old one or the new one. Reads go on until the file has been replaced
        // twice (training's pace depends on the machine's load: wait for steps, not
        // seconds). The write itself — temporary file, flush, rename — is checked with
        // simulated failures in CheckpointTests; here the real chapter is killed.
        var steps: [Int] = []
        let readDeadline = Date().addingTimeInterval(180)
        while Set(steps).count < 3 && Date() < readDeadline && process.isRunning {
            do {
                let loaded = try DiffusionCheckpoint.load(checkpoint, expecting: .unetSmall)
                steps.append(Int(loaded.metadata["step"] ?? "") ?? -1)
            } catch {
                Issue.record("reading the checkpoint during training failed: \(error)")
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(steps.allSatisfy { $0 > 0 && $0 % 10 == 0 }, "steps read during training: \(Set(steps).sorted())")
        #expect(Set(steps).count >= 3, "the checkpoint was not rewritten while it was read: \(steps.count) reads, steps \(Set(steps).sorted())")

        // Kill without warning: no handler runs, no cleanup happens.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
        do {
            let loaded = try DiffusionCheckpoint.load(checkpoint, expecting: .unetSmall)
            let step = Int(loaded.metadata["step"] ?? "") ?? -1
            #expect(step >= steps.last ?? 1 && step % 10 == 0, "step after the kill: \(step)")
        } catch {
            Issue.record("the checkpoint left by SIGKILL does not load: \(error)")
        }
    }

    /// Starts chapter04 training `unet-small` for "ever" (`--quick`, checkpoints every
    /// 10 steps) with its output in `folder`, and returns once the first checkpoint
    /// exists (or stops the test if none appears within 4 minutes).
    private func startLongTraining(in folder: URL, stdout: Pipe? = nil) throws -> (Process, URL) {
        let process = Process()
        process.executableURL = ChapterRunner.productsFolder.appendingPathComponent("chapter04")
        process.arguments = ["--quick", "--model", "unet-small", "--steps", "100000", "--out", folder.path]
        process.standardOutput = stdout ?? FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let checkpoint = folder.appendingPathComponent("checkpoint.safetensors")
        let deadline = Date().addingTimeInterval(240)
        while !FileManager.default.fileExists(atPath: checkpoint.path) && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
        }
        if !FileManager.default.fileExists(atPath: checkpoint.path) { stopIfRunning(process) }
        try #require(FileManager.default.fileExists(atPath: checkpoint.path), "no checkpoint appeared")
        return (process, checkpoint)
    }

    /// Kills `process` if a failed expectation left it running.
    private func stopIfRunning(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }
}
