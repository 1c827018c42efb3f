// Console.swift — what a chapter prints: headings, aligned tables, durations.

import Foundation

/// Formatting helpers for the terminal (and for the notebook's text blocks).
public enum Console {
    /// Whether standard output is a terminal (progress bars redraw in place there).
    public static let isTerminal: Bool = isatty(STDOUT_FILENO) != 0

    /// Writes `text` to standard output at once (flushed, so it interleaves correctly
    /// with progress bars and child processes even when output goes to a pipe).
    public static func write(_ text: String) {
        print(text, terminator: "")
        fflush(nil)
    }

    /// A heading: the text underlined with a rule of its own length.
    public static func heading(_ text: String, level: Int = 2) -> String {
        let rule = String(repeating: level <= 1 ? "=" : "-", count: max(3, text.count))
        return "\n\(text)\n\(rule)"
    }

    /// Rows of cells aligned in columns: numbers right-aligned, text left-aligned.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        let columns = max(header.count, rows.map(\.count).max() ?? 0)
        func cell(_ row: [String], _ c: Int) -> String { c < row.count ? row[c] : "" }
        let widths = (0..<columns).map { c in ([header] + rows).map { cell($0, c).count }.max() ?? 0 }
        let numeric = (0..<columns).map { c in rows.allSatisfy { Double(cell($0, c).replacingOccurrences(of: "%", with: "")) != nil || cell($0, c).isEmpty } }
        func line(_ row: [String]) -> String {
            (0..<columns).map { c in
                let s = cell(row, c), pad = String(repeating: " ", count: widths[c] - s.count)
                return numeric[c] ? pad + s : s + pad
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }

    /// The same table in Markdown (for notebook.md).
    public static func markdownTable(_ header: [String], _ rows: [[String]]) -> String {
        let columns = max(header.count, rows.map(\.count).max() ?? 0)
        func row(_ r: [String]) -> String {
            "| " + (0..<columns).map { $0 < r.count ? r[$0].replacingOccurrences(of: "|", with: "\\|") : "" }.joined(separator: " | ") + " |"
        }
        let rule = "|" + String(repeating: "---|", count: columns)
        return ([row(header), rule] + rows.map(row)).joined(separator: "\n")
    }

    /// A duration for people: "850 ms", "12.3 s", "4 min 05 s".
    public static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        return String(format: "%d min %02d s", s / 60, s % 60)
    }

    /// A clock reading "m:ss" (or "h:mm:ss") for ETAs.
    public static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?:??" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }

    /// A number with `digits` significant digits, without exponent for moderate values.
    public static func number(_ x: Double, digits: Int = 4) -> String {
        if x == 0 { return "0" }
        if !x.isFinite { return "\(x)" }
        let magnitude = abs(x)
        if magnitude >= 1e-3 && magnitude < 1e6 {
            let decimals = max(0, digits - 1 - Int(floor(log10(magnitude))))
            return String(format: "%.\(decimals)f", x)
        }
        return String(format: "%.\(max(0, digits - 1))e", x)
    }
}
