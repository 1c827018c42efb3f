// Options.swift — kit-bench's command line.

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
]

/// Parsed command-line options of kit-bench.
struct BenchOptions: Sendable {
    /// The cases to run, in order (all of them by default).
    var cases: [String] = benchCases.keys.sorted()
    /// Timed repetitions per measurement; the median is reported.
    var repeats = 10
    /// Whether `--help` was given.
    var showHelp = false

    static let usage = """
        usage: kit-bench [--case NAME]... [--repeats R]
          --case NAME   run one case (repeatable); cases: \(benchCases.keys.sorted().joined(separator: ", "))
          --repeats R   timed repetitions per measurement, median reported (default 10)
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
            case "--help", "-h":
                o.showHelp = true
            default:
                throw UsageError(description: "unknown option '\(args[i])'")
            }
            i += 1
        }
        if !chosen.isEmpty { o.cases = chosen }
        return o
    }
}
