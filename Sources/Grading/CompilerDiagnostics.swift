// CompilerDiagnostics.swift — which learner files a failed build blames.

import Foundation

/// The errors of a failed `swift build`, grouped by the learner file they point at.
public enum CompilerDiagnostics {
    /// Learner file (`Exercises/Chapter03.swift`) → its error lines ("Chapter03.swift:12:5: error: …"),
    /// in the order the compiler printed them. Errors elsewhere are under the key "".
    public static func errorsByExerciseFile(_ output: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        var seen = Set<String>()
        for line in output.split(separator: "\n") where line.contains(": error: ") {
            let text = String(line).trimmingCharacters(in: .whitespaces)
            guard seen.insert(text).inserted else { continue }
            var key = ""
            // The last "/Exercises/" of the location before ": error: " (the kit itself may lie
            // under a folder named Exercises, and the message may quote other paths).
            let location = text[..<(text.range(of: ": error: ")?.lowerBound ?? text.endIndex)]
            if let range = location.range(of: "/Exercises/", options: .backwards) {
                let file = text[range.upperBound...].prefix { $0 != ":" }
                if file.hasSuffix(".swift") && !file.contains("/") {
                    key = "Exercises/\(file)"
                    result[key, default: []].append("\(file)\(text[text.index(range.upperBound, offsetBy: file.count)...])")
                    continue
                }
            }
            result[key, default: []].append(text)
        }
        return result
    }
}
