// DigitData.swift — where chapter 04's training images come from.

import DiffusionKit
import Foundation

/// A source of training batches: endless synthetic digits, or MNIST-format files.
struct DigitData {
    /// The dataset's name (recorded in the checkpoint).
    let name: String
    /// `batch(n, &rng)` → images `[n, 1, 28, 28]` in [−1, 1] and their n labels, drawn
    /// with the step's generator.
    let batch: (Int, inout SeededGenerator) -> (images: Tensor, labels: [Int])

    /// Opens the dataset chosen by `flags`; a missing or damaged file ends the chapter
    /// with one line naming it (exit status 64: it is the command line that is wrong).
    static func load(_ flags: TrainingFlags, nb: Notebook) -> DigitData {
        guard flags.dataset != .synthetic else {
            return DigitData(name: "synthetic-digits") { n, rng in SyntheticDigits.batch(n, using: &rng) }
        }
        let kind: MNISTKind = flags.dataset == .mnist ? .mnist : .fashionMNIST
        let directory = flags.dataDir ?? MNIST.defaultCacheDirectory(kind)
        do {
            if flags.download {
                try MNIST.download(kind, into: directory) { Console.write("  \($0)\n") }
            }
            let (images, labels) = try nb.timed("loading \(kind.rawValue) from \(directory)") {
                try MNIST.load(kind, split: .train, directory: directory, limit: nb.quick ? 2000 : nil)
            }
            nb.print("\(kind.rawValue): \(images.shape[0]) training images from \(directory)")
            let count = images.shape[0]
            return DigitData(name: kind.rawValue) { n, rng in
                let rows = randomInts(n, in: 0..<count, using: &rng)
                return (images.gather(rows), rows.map { labels[$0] })                   // [n, 1, 28, 28], n labels
            }
        } catch {
            Notebook.exitWithError("\(error)", code: 64)
        }
    }
}
