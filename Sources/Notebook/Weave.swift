// Weave.swift — turning a chapter's main.swift and what it produced into notebook.md.
//
// A chapter's source is the notebook. Prose is written in Playground markup:
//
//     /*:
//      # A heading
//      Markdown with $math$ …
//      */
//     //: a single line of prose
//
// and everything else is code. Consecutive code lines between two pieces of prose
// form one *cell*. While the chapter runs, every output it makes through the
// `Notebook` (text, tables, figures) is tagged with the source line that made it;
// the weave places each output after the cell containing that line.

import Foundation

/// One piece of a chapter's source: prose, or a cell of code spanning some lines.
public enum SourceSegment: Equatable, Sendable {
    /// Markdown prose.
    case prose(String)
    /// Code from `firstLine` through `lastLine` (1-based, as `#line` counts).
    case code(firstLine: Int, lastLine: Int, text: String)
}

/// Something a chapter produced, tagged with the source line that produced it.
public enum NotebookOutput: Equatable, Sendable {
    /// Printed text.
    case text(String)
    /// A table (header and rows).
    case table(header: [String], rows: [[String]])
    /// A figure file (relative to notebook.md) with its caption.
    case figure(file: String, caption: String)
    /// A note about a figure that could not be rendered (e.g. no gnuplot).
    case note(String)
}

/// Splitting Playground-markup source and weaving it with outputs into Markdown.
public enum Weave {
    /// Splits source text into prose and code segments. Blank lines at the edges of
    /// a code cell are trimmed; cells that hold only blank lines are dropped.
    public static func segments(of source: String) -> [SourceSegment] {
        let lines = source.components(separatedBy: "\n")
        var result: [SourceSegment] = []
        var prose: [String] = []
        var code: [(Int, String)] = []
        var inBlock = false

        func flushCode() {
            var cell = code
            while let first = cell.first, first.1.trimmingCharacters(in: .whitespaces).isEmpty { cell.removeFirst() }
            while let last = cell.last, last.1.trimmingCharacters(in: .whitespaces).isEmpty { cell.removeLast() }
            if let first = cell.first, let last = cell.last {
                result.append(.code(firstLine: first.0, lastLine: last.0, text: cell.map(\.1).joined(separator: "\n")))
            }
            code = []
        }
        func flushProse() {
            let text = dedent(prose).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { result.append(.prose(text)) }
            prose = []
        }

        for (index, line) in lines.enumerated() {
            let number = index + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if inBlock {
                if let end = line.range(of: "*/") {
                    prose.append(String(line[..<end.lowerBound]))
                    inBlock = false
                } else {
                    prose.append(line)
                }
            } else if trimmed.hasPrefix("/*:") {
                flushCode()
                var rest = String(trimmed.dropFirst(3))
                if let end = rest.range(of: "*/") {
                    rest = String(rest[..<end.lowerBound])
                } else {
                    inBlock = true
                }
                if !rest.trimmingCharacters(in: .whitespaces).isEmpty { prose.append(rest) }
            } else if trimmed.hasPrefix("//:") {
                flushCode()
                var rest = String(trimmed.dropFirst(3))
                if rest.hasPrefix(" ") { rest.removeFirst() }
                prose.append(rest)
            } else {
                if !prose.isEmpty { flushProse() }
                code.append((number, line))
            }
        }
        flushProse()
        flushCode()
        return merged(result)
    }

    /// Joins neighbouring prose segments (a `/*: */` block followed by `//:` lines).
    static func merged(_ segments: [SourceSegment]) -> [SourceSegment] {
        var out: [SourceSegment] = []
        for s in segments {
            if case .prose(let b) = s, case .prose(let a)? = out.last {
                out[out.count - 1] = .prose(a + "\n\n" + b)
            } else {
                out.append(s)
            }
        }
        return out
    }

    /// Removes the indentation common to all non-blank lines.
    static func dedent(_ lines: [String]) -> String {
        let indents = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix(while: { $0 == " " }).count }
        let common = indents.min() ?? 0
        return lines.map { $0.count >= common ? String($0.dropFirst(common)) : $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "\n")
    }

    /// The Markdown notebook: prose as is, each code cell as a `swift` block followed
    /// by the outputs made by its lines, in the order they happened. Outputs from a
    /// line outside every cell go after the nearest cell above it.
    public static func markdown(segments: [SourceSegment], outputs: [(line: Int, output: NotebookOutput)]) -> String {
        let cellRanges: [(Int, ClosedRange<Int>)] = segments.enumerated().compactMap { i, s in
            if case .code(let a, let b, _) = s { return (i, a...b) }
            return nil
        }
        func cellIndex(for line: Int) -> Int? {
            cellRanges.last(where: { $0.1.lowerBound <= line })?.0 ?? cellRanges.first?.0
        }
        var byCell: [Int: [NotebookOutput]] = [:]
        var orphans: [NotebookOutput] = []
        for (line, output) in outputs {
            if let i = cellIndex(for: line) { byCell[i, default: []].append(output) } else { orphans.append(output) }
        }

        var parts: [String] = []
        for (i, segment) in segments.enumerated() {
            switch segment {
            case .prose(let text):
                parts.append(text)
            case .code(_, _, let text):
                parts.append("```swift\n\(text)\n```")
                if let outs = byCell[i] { parts.append(contentsOf: render(outs)) }
            }
        }
        parts.append(contentsOf: render(orphans))
        return parts.joined(separator: "\n\n") + "\n"
    }

    /// Outputs as Markdown: consecutive text joined in one `text` block.
    static func render(_ outputs: [NotebookOutput]) -> [String] {
        var parts: [String] = []
        var text: [String] = []
        func flushText() {
            if !text.isEmpty { parts.append("```text\n" + text.joined(separator: "\n") + "\n```") }
            text = []
        }
        for o in outputs {
            switch o {
            case .text(let s): text.append(s)
            case .table(let header, let rows): flushText(); parts.append(Console.markdownTable(header, rows))
            case .figure(let file, let caption): flushText(); parts.append("![\(caption)](\(file))")
            case .note(let s): flushText(); parts.append("> \(s)")
            }
        }
        flushText()
        return parts
    }
}
