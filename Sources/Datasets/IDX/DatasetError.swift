// DatasetError.swift — what can go wrong with a dataset on disk, in one line each.
//
// Every message names the file (or directory, or URL) and the problem, so that a
// learner who mistyped a folder or has a half-finished download knows what to do
// without reading a stack trace:
//
//     /data/mnist/train-images-idx3-ubyte.gz: truncated: expected 47040016 bytes of IDX data, got 1048576

/// A dataset file that is missing, unreadable, damaged or inconsistent, or a download
/// that failed. `description` is one line naming the file and the problem.
public enum DatasetError: Error, CustomStringConvertible {
    /// The directory to load from does not exist; `lookedFor` are the file names wanted there.
    case missingDirectory(directory: String, lookedFor: [String])
    /// None of the accepted names of a file exists in `directory`.
    case missingFile(directory: String, lookedFor: [String])
    /// The file exists but could not be read (permissions, a directory, an I/O error).
    case unreadable(path: String, reason: String)
    /// The (decompressed) IDX data is shorter than its header says: `expected` bytes in
    /// all, `actual` present.
    case truncated(path: String, expected: Int, actual: Int)
    /// The (decompressed) IDX data is longer than its header says.
    case trailingData(path: String, expected: Int, actual: Int)
    /// The file starts like gzip (1f 8b) but does not decompress.
    case corruptGzip(path: String, reason: String)
    /// The file does not start with an IDX magic number (two zero bytes, a type, a rank).
    case badMagic(path: String, bytes: [UInt8])
    /// The IDX data type byte is not 0x08 (unsigned byte), the only type supported.
    case unsupportedDataType(path: String, code: UInt8)
    /// The IDX file has `actual` dimensions where `expected` were needed (3 for images, 1 for labels).
    case wrongRank(path: String, expected: Int, actual: Int)
    /// An images file and its labels file disagree on the number of items.
    case countMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)
    /// A label lies outside the classes of the dataset.
    case labelOutOfRange(path: String, index: Int, value: Int, range: ClosedRange<Int>)
    /// The header describes a different number of items than the dataset has.
    case wrongCount(path: String, expected: Int, actual: Int)
    /// Every mirror failed for `file`; `attempts` are "URL: reason" lines, and `needed`
    /// the files to place in `directory` by hand instead.
    case downloadFailed(file: String, directory: String, attempts: [String], needed: [String])
    /// A file or directory could not be created or written.
    case cannotWrite(path: String, reason: String)

    /// One line: the file (or directory or URL) and what is wrong with it.
    public var description: String {
        switch self {
        case let .missingDirectory(directory, lookedFor):
            return "\(directory): directory does not exist (looked there for \(lookedFor.joined(separator: ", ")))"
        case let .missingFile(directory, lookedFor):
            return "\(directory): missing file: none of \(lookedFor.joined(separator: ", ")) is there"
        case let .unreadable(path, reason):
            return "\(path): cannot read: \(oneLine(reason))"
        case let .truncated(path, expected, actual):
            return "\(path): truncated: expected \(expected) bytes of IDX data, got \(actual)"
        case let .trailingData(path, expected, actual):
            return "\(path): \(actual - expected) unexpected bytes after the IDX data (expected \(expected) bytes, got \(actual))"
        case let .corruptGzip(path, reason):
            return "\(path): corrupt gzip data: \(oneLine(reason))"
        case let .badMagic(path, bytes):
            let hex = bytes.map { hexByte($0) }.joined(separator: " ")
            let hint = bytes.first == UInt8(ascii: "<") ? " — it looks like an HTML page, not a dataset file" : ""
            return "\(path): bad magic number \(hex.isEmpty ? "(empty file)" : hex): not an IDX file (expected 00 00 <type> <rank>)\(hint)"
        case let .unsupportedDataType(path, code):
            return "\(path): unsupported IDX data type 0x\(hexByte(code)) (\(idxTypeName(code))): only 0x08 (unsigned byte) is supported"
        case let .wrongRank(path, expected, actual):
            return "\(path): wrong rank: expected \(expected) dimension\(expected == 1 ? "" : "s"), got \(actual)"
        case let .countMismatch(imagesPath, images, labelsPath, labels):
            return "\(imagesPath) has \(images) images but \(labelsPath) has \(labels) labels: the counts must match"
        case let .labelOutOfRange(path, index, value, range):
            return "\(path): label \(value) at index \(index) is out of range \(range.lowerBound)...\(range.upperBound)"
        case let .wrongCount(path, expected, actual):
            return "\(path): expected \(expected) items, the header says \(actual)"
        case let .downloadFailed(file, directory, attempts, needed):
            return "could not download \(file) (tried \(attempts.map(oneLine).joined(separator: "; "))); "
                + "download \(needed.joined(separator: ", ")) by hand and place \(needed.count == 1 ? "it" : "them") in \(directory)"
        case let .cannotWrite(path, reason):
            return "\(path): cannot write: \(oneLine(reason))"
        }
    }
}

/// `text` with its line breaks folded into spaces and surrounding blanks trimmed.
func oneLine(_ text: String) -> String {
    let parts = text.split(whereSeparator: { $0.isNewline })
    return parts.map { $0.trimmingBlanks() }.filter { !$0.isEmpty }.joined(separator: " ")
}

/// Two lower-case hex digits.
func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
}

/// The name of an IDX data type code, as the format's description lists them.
func idxTypeName(_ code: UInt8) -> String {
    switch code {
    case 0x08: return "unsigned byte"
    case 0x09: return "signed byte"
    case 0x0B: return "short"
    case 0x0C: return "int"
    case 0x0D: return "float"
    case 0x0E: return "double"
    default: return "unknown type"
    }
}

extension Substring {
    /// This text without leading and trailing spaces and tabs.
    func trimmingBlanks() -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[first...last])
    }
}
