// kit-bench — the kit's benchmark. Run it as
//
//     swift run -c release kit-bench [--case NAME]... [--repeats R]
//
// It prints one JSON line per measurement, with the field names of
// `shared/bench/reference_pytorch.py` where a case has a PyTorch counterpart, so
// the two can be compared as ratios on one machine in one session (BENCHMARKS.md).

import Foundation

let options: BenchOptions
do {
    options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("kit-bench: \(error)\n\(BenchOptions.usage)\n".utf8))
    exit(64)
}
if options.showHelp {
    print(BenchOptions.usage)
    exit(0)
}
for name in options.cases {
    for line in benchCases[name]!(options) {
        FileHandle.standardOutput.write(Data((line.json + "\n").utf8))
    }
}
