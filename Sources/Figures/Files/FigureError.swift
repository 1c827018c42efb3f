// FigureError.swift — everything that can go wrong when making a figure.
//
// Bad input never traps in this module: a wrong shape, an empty range, a path that
// cannot be written or a gnuplot error all become a `FigureError`, whose
// description says what was wrong and names the file involved.

/// An error from writing or reading a figure. Its `description` is a complete,
/// human-readable sentence that names the path or the function involved.
public enum FigureError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A file or folder could not be written; `reason` is the system's explanation.
    case cannotWrite(path: String, reason: String)
    /// A file could not be read or decoded; `reason` says why.
    case cannotRead(path: String, reason: String)
    /// A tensor had a shape the function cannot use; `expected` describes the shapes it accepts.
    case badImageShape(function: String, shape: [Int], expected: String)
    /// An argument was out of its valid range (an empty value range, a scale below 1, …).
    case badArgument(function: String, reason: String)
    /// Plot data that gnuplot could not draw (mismatched lengths, no points, a bad name).
    case badPlotData(figure: String, reason: String)
    /// gnuplot ran the script and reported an error.
    case gnuplotFailed(script: String, message: String)

    /// A one-line explanation naming the file or function involved.
    public var description: String {
        switch self {
        case let .cannotWrite(path, reason):
            return "cannot write \(path): \(reason)"
        case let .cannotRead(path, reason):
            return "cannot read \(path): \(reason)"
        case let .badImageShape(function, shape, expected):
            return "\(function): expected \(expected), got a tensor of shape \(shape)"
        case let .badArgument(function, reason):
            return "\(function): \(reason)"
        case let .badPlotData(figure, reason):
            return "figure \(figure): \(reason)"
        case let .gnuplotFailed(script, message):
            return "gnuplot failed on \(script): \(message)"
        }
    }
}
