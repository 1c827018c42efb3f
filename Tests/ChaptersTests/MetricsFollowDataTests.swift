// MetricsFollowDataTests.swift — chapter 04 judges an MNIST model against MNIST's test
// split with a classifier trained on MNIST, or says in one line that the classifier is
// missing and how to make it, with no numbers against the wrong data. The "MNIST" is a
// few hundred synthetic digits written as IDX files; the user's cache folder is a
// temporary one (XDG_CACHE_HOME), so the real cache is never read or written.

import Datasets
import Foundation
import Metrics
import Testing

@Suite("Chapter 04 — metrics follow the training data", .serialized)
struct MetricsFollowDataTests {
    @Test("--dataset mnist without an MNIST classifier: one line saying how to make it, no FD")
    func missingClassifier() throws {
        let data = try IDXDigitsFixture(train: 300, test: 100)
        let cache = ChapterRunner.temporaryFolder()
        defer { data.remove(); try? FileManager.default.removeItem(at: cache) }
        let run = try ChapterRunner.run("chapter04", ["--quick", "--dataset", "mnist", "--data-dir", data.directory],
                                        environment: ["XDG_CACHE_HOME": cache.path])
        defer { try? FileManager.default.removeItem(at: run.folder) }
        #expect(run.status == 0, "exited with \(run.status): \(run.errors)")
        let lines = run.output.split(separator: "\n").filter { $0.contains("no metrics:") }
        #expect(lines.count == 1, "\(run.output.suffix(1500))")
        let line = String(lines.first ?? "")
        #expect(line.contains("no classifier trained on mnist"), "\(line)")
        #expect(line.contains(cache.path + "/diffusion-kit/classifier-mnist.safetensors"), "\(line)")
        #expect(line.contains("swift run -c release kit-pretrain classifier --dataset mnist --data-dir \(data.directory)"), "\(line)")
        #expect(!run.output.contains("FD-digits vs") && !run.output.contains("recognisable ("), "numbers were reported: \(run.output.suffix(1500))")
        let notebook = try String(contentsOf: run.folder.appendingPathComponent("notebook.md"), encoding: .utf8)
        #expect(notebook.contains("no classifier trained on mnist") && !notebook.contains("FD-digits vs"))   // the prose names FD-digits; the table row would say "FD-digits vs n real"
    }

    @Test("--dataset mnist with an MNIST classifier in the cache: metrics against MNIST's test split")
    func classifierInCache() throws {
        let data = try IDXDigitsFixture(train: 300, test: 100)
        let cache = ChapterRunner.temporaryFolder()
        defer { data.remove(); try? FileManager.default.removeItem(at: cache) }
        // A briefly trained classifier, where `kit-pretrain classifier --dataset mnist` puts it.
        var config = ClassifierTrainer.Configuration(steps: 5)
        config.batchSize = 16
        let file = cache.path + "/diffusion-kit/classifier-mnist.safetensors"
        _ = try ClassifierOnIDX(.mnist, directory: data.directory).run(config, seed: 2, saveTo: file)
        let run = try ChapterRunner.run("chapter04", ["--quick", "--dataset", "mnist", "--data-dir", data.directory],
                                        environment: ["XDG_CACHE_HOME": cache.path])
        defer { try? FileManager.default.removeItem(at: run.folder) }
        #expect(run.status == 0, "exited with \(run.status): \(run.errors)")
        #expect(!run.output.contains("no metrics:"), "\(run.output.suffix(1500))")
        #expect(run.output.contains("judged against mnist test split (\(data.directory)) with the classifier trained on mnist"),
                "\(run.output.suffix(1500))")
        #expect(run.output.contains("FD-digits vs 16 real") && run.output.contains("FD-digits floor"), "\(run.output.suffix(1500))")
    }
}
