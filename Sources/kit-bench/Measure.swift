// Measure.swift — timing, memory and JSON output shared by the cases.

import Foundation

/// The median wall-clock time of `fn` over `repeats` runs, after two warm-up runs
/// (the method of reference_pytorch.py's `median_time`).
func medianTime(repeats: Int, _ fn: () -> Void) -> Double {
    fn(); fn()
    var times: [Double] = []
    for _ in 0..<repeats {
        let t0 = DispatchTime.now().uptimeNanoseconds
        fn()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    times.sort()
    return times[times.count / 2]
}

/// Peak resident memory of this process so far, in MB (VmHWM from /proc/self/status).
func peakResidentMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return (kb / 1024 * 10).rounded() / 10
    }
    return 0
}

/// "debug" or "release": the build configuration this binary was compiled in.
let buildConfiguration: String = {
    #if DEBUG
    return "debug"
    #else
    return "release"
    #endif
}()

/// One JSON object printed on one line, with keys in insertion order.
struct JSONLine {
    private var fields: [(String, String)] = []

    subscript(key: String) -> String? {
        get { nil }
        set { fields.append((key, "\"\(newValue!)\"")) }
    }
    subscript(number key: String) -> Double? {
        get { nil }
        set { fields.append((key, formatNumber(newValue!))) }
    }
    subscript(int key: String) -> Int? {
        get { nil }
        set { fields.append((key, String(newValue!))) }
    }

    var json: String { "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}" }
}

/// Rounds to 5 significant decimals the way reference_pytorch.py's `round(x, 5)` prints.
func formatNumber(_ x: Double) -> String {
    if x == 0 { return "0.0" }
    let digits = max(1, 5 - Int(floor(log10(abs(x)))))
    return String(format: "%.\(min(digits, 8))f", x)
}
