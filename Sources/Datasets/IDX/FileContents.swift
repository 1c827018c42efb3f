// FileContents.swift — a data file's bytes, gunzipped when it is gzip.
//
// For tools that read a dataset in a format of their own (kit-bench's `realism` case
// reads scikit-learn's `digits.csv.gz`): the same reading and gzip detection as
// `IDXFile(contentsOf:)`, so `name.csv` and `name.csv.gz` read alike.

/// Every byte of the file at `path`, gunzipped first when it starts with the gzip
/// magic bytes 1f 8b (whatever the file is called).
/// - Throws: `DatasetError.unreadable` or `.corruptGzip`, naming `path`.
public func readFileContents(_ path: String) throws(DatasetError) -> [UInt8] {
    let bytes = try readFileBytes(path)
    return isGzip(bytes) ? try gunzip(bytes, path: path) : bytes
}
