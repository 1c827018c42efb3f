// DatasetClassifier.swift — the digit classifier that matches a dataset.
//
// A classifier trained on synthetic digits is measurably weaker on real handwriting, so
// scoring an MNIST model with it would report numbers that are not what they claim.
// Each dataset has its own classifier, with the same architecture:
//
//   synthetic digits   Pretrained/digit-classifier.safetensors (shipped)
//   MNIST              <cache>/diffusion-kit/classifier-mnist.safetensors
//   Fashion-MNIST      <cache>/diffusion-kit/classifier-fashion-mnist.safetensors
//
// where <cache> is $XDG_CACHE_HOME or ~/.cache (`MNIST.kitCacheDirectory`). The cached
// ones are made by `kit-pretrain classifier --dataset mnist --data-dir DIR`; when one
// is missing, `forDataset(_:)` throws an error whose one line says how to make it.

import Datasets
import Foundation
import NeuralNets

/// Why no classifier matches a dataset: none was trained yet, or its file is unusable.
public enum ClassifierLookupError: Error, CustomStringConvertible, Equatable {
    /// No classifier for `dataset` at `path`; `command` makes one.
    case missing(dataset: String, path: String, command: String)
    /// The file exists but cannot be loaded (corrupt, another architecture, …).
    case unusable(CheckpointError)

    /// One line: what is missing or wrong, and what to do.
    public var description: String {
        switch self {
        case let .missing(dataset, path, command):
            return "no classifier trained on \(dataset) (looked for \(path)); make one with: \(command)"
        case let .unusable(error):
            return "the classifier cannot be used: \(error)"
        }
    }
}

extension DigitClassifier {
    /// Where `kit-pretrain classifier --dataset <kind>` stores the classifier trained
    /// on `kind`: `<kit cache>/classifier-<kind>.safetensors`, next to the dataset's
    /// own folder (`MNIST.kitCacheDirectory`).
    public static func cacheFile(for kind: MNISTKind) -> String {
        let folder = MNIST.kitCacheDirectory
        return (folder.hasSuffix("/") ? folder : folder + "/") + "classifier-\(kind.rawValue).safetensors"
    }

    /// The command that trains the classifier for `reference`, as the README gives it.
    public static func trainingCommand(for reference: DigitReference) -> String {
        switch reference {
        case .synthetic:
            return "swift run -c release kit-pretrain classifier"
        case let .testSplit(kind, directory):
            return "swift run -c release kit-pretrain classifier --dataset \(kind.rawValue) --data-dir \(directory)"
        }
    }

    /// The classifier trained on the same data as `reference`: the shipped one for
    /// synthetic digits, the cached one (`cacheFile(for:)`, or `path` when given) for
    /// MNIST and Fashion-MNIST. In evaluation mode.
    /// - Throws: `ClassifierLookupError.missing` (its one line names the file and the
    ///   command that makes it) or `.unusable` (the file's `CheckpointError`).
    public static func forDataset(_ reference: DigitReference,
                                  path: String? = nil) throws(ClassifierLookupError) -> DigitClassifier {
        let file: String
        switch reference {
        case .synthetic:
            if let path {
                file = path
            } else {
                do { file = try PretrainedWeights.path(pretrainedFile) } catch { throw .unusable(error) }
            }
        case let .testSplit(kind, _):
            file = path ?? cacheFile(for: kind)
        }
        guard fileExists(file) else {
            throw .missing(dataset: reference.datasetName, path: file, command: trainingCommand(for: reference))
        }
        do { return try load(from: file) } catch { throw .unusable(error) }
    }

    /// Whether a file (not a folder) is at `path`.
    private static func fileExists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
