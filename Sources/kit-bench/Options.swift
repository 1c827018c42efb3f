// Options.swift — kit-bench's command line.

import Datasets
import Diffusion

/// The cases kit-bench knows, by name, each returning its JSON lines.
let benchCases: [String: @Sendable (BenchOptions) -> [JSONLine]] = [
    "digits": digitsCase,
    "unet-digits": unetCase,
    "mlp-toy2d": mlpCase,
    "mlp-gemm-floor": gemmFloorCase,
    "unet-profile": unetProfileCase,
    "conv-shapes": convShapesCase,
    "matmul": matmulCase,
    "silu": siluCase,
    "realism": realismCase,
    "realism-mnist": realismMNISTCase,
]

/// Cases that run only when named with `--case`: the realism cases need data files.
let casesRunOnlyWhenNamed: Set<String> = ["realism", "realism-mnist"]

/// The U-Nets of 28×28 digits that `--case unet-profile --model` can profile.
let profiledModels = ModelPreset.imageModels.filter { $0.unetConfig != nil }
/// Their names, for the usage text and messages.
let profiledModelNames = profiledModels.map(\.rawValue).joined(separator: ", ")

/// Parsed command-line options of kit-bench.
struct BenchOptions: Sendable {
    /// The cases to run, in order (by default all but `casesRunOnlyWhenNamed`).
    var cases: [String] = benchCases.keys.sorted().filter { !casesRunOnlyWhenNamed.contains($0) }
    /// Timed repetitions per measurement; the median is reported.
    var repeats = 10
    /// Whether `--help` was given.
    var showHelp = false
    /// realism: scikit-learn's `digits.csv` or `digits.csv.gz` (required by that case).
    var digitsCSV: String?
    /// realism: how many synthetic digits the classifier is trained on.
    var syntheticCount = 20_000
    /// realism: the seed of the synthetic digits and of the classifier's training.
    var seed: UInt64 = 0
    /// realism: the prefix of the CSV files the mapped synthetic digits are written to.
    var export: String?
    /// realism: the generator of the synthetic digits (default lifelike).
    var generation: DigitGeneration = .lifelike
    /// realism-mnist: the folder of MNIST's t10k files (required by that case).
    var mnistDir: String?
    /// realism-mnist: the classifiers to test, in order (`--classifier` may repeat).
    var classifiers: [String] = []
    /// unet-profile: the U-Net to profile.
    var profileModel: ModelPreset = .unetDigits

    static let usage = """
        usage: kit-bench [--case NAME]... [--repeats R]
                         [--digits-csv PATH] [--synthetic N] [--seed S] [--export PREFIX]
                         [--generation classic|lifelike] [--mnist-dir DIR] [--classifier PATH]...
                         [--model NAME]
          --case NAME   run one case (repeatable); cases: \(benchCases.keys.sorted().joined(separator: ", "))
                        (all but \(casesRunOnlyWhenNamed.sorted().joined(separator: ", ")) by default)
          --repeats R   timed repetitions per measurement, median reported (default 10)
        realism (synthetic digits against scikit-learn's real 8 × 8 digits):
          --digits-csv PATH   sklearn/datasets/data/digits.csv.gz, or digits.csv (required)
          --synthetic N       synthetic training digits (default 20000)
          --seed S            seed of the synthetic digits and the classifier (default 0)
          --export PREFIX     also write PREFIX-{fit,pad}-{train,heldout}.csv for realism_sklearn.py
          --generation G      the synthetic digits' generator: lifelike (default) or classic
        realism-mnist (the kit's digit classifier on real MNIST digits at 28 × 28):
          --mnist-dir DIR     a folder with MNIST's t10k-images/labels files, raw or .gz (required)
          --classifier PATH   a classifier checkpoint to test; repeat to compare several
                              (default Pretrained/digit-classifier.safetensors)
        unet-profile:
          --model NAME        the U-Net: \(profiledModelNames) (default unet-digits)
        """

    /// A bad command line, described for the user.
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ args: [String]) throws -> BenchOptions {
        var o = BenchOptions()
        var chosen: [String] = []
        var i = 0
        func value(_ flag: String) throws -> String {
            i += 1
            guard i < args.count else { throw UsageError(description: "\(flag) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--case":
                let name = try value("--case")
                guard benchCases[name] != nil else { throw UsageError(description: "unknown case '\(name)'") }
                chosen.append(name)
            case "--repeats":
                let v = try value("--repeats")
                guard let r = Int(v), r >= 1 else { throw UsageError(description: "--repeats must be a positive integer, got '\(v)'") }
                o.repeats = r
            case "--digits-csv":
                o.digitsCSV = try value("--digits-csv")
            case "--synthetic":
                let v = try value("--synthetic")
                guard let n = Int(v), n >= 10 else { throw UsageError(description: "--synthetic must be an integer ≥ 10, got '\(v)'") }
                o.syntheticCount = n
            case "--seed":
                let v = try value("--seed")
                guard let s = UInt64(v), s <= UInt64(Int.max) else { throw UsageError(description: "--seed must be an integer 0 … 2⁶³ − 1, got '\(v)'") }
                o.seed = s
            case "--generation":
                let v = try value("--generation")
                guard let g = DigitGeneration(rawValue: v) else {
                    throw UsageError(description: "--generation must be classic or lifelike, got '\(v)'")
                }
                o.generation = g
            case "--export":
                o.export = try value("--export")
            case "--mnist-dir":
                o.mnistDir = try value("--mnist-dir")
            case "--classifier":
                o.classifiers.append(try value("--classifier"))
            case "--model":
                let v = try value("--model")
                guard let m = ModelPreset(rawValue: v), profiledModels.contains(m) else {
                    throw UsageError(description: "--model must be one of \(profiledModelNames), got '\(v)'")
                }
                o.profileModel = m
            case "--help", "-h":
                o.showHelp = true
            default:
                throw UsageError(description: "unknown option '\(args[i])'")
            }
            i += 1
        }
        if !chosen.isEmpty { o.cases = chosen }
        if o.cases.contains("realism") && o.digitsCSV == nil {
            throw UsageError(description: "--case realism needs --digits-csv PATH (scikit-learn's sklearn/datasets/data/digits.csv.gz)")
        }
        if o.cases.contains("realism-mnist") && o.mnistDir == nil {
            throw UsageError(description: "--case realism-mnist needs --mnist-dir DIR (a folder with MNIST's t10k files)")
        }
        if o.classifiers.isEmpty { o.classifiers = ["Pretrained/digit-classifier.safetensors"] }
        return o
    }
}
