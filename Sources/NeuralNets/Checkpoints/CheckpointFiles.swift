// CheckpointFiles.swift — reading a whole file, and writing one atomically.
//
// A checkpoint is written to `PATH.tmp-<pid>` in the same folder, flushed to disk
// with `fsync`, and then renamed over PATH. POSIX `rename` within one file system is
// atomic, so whatever happens — a crash, Ctrl-C, a full disk — PATH is either the
// previous checkpoint, untouched, or the complete new one; at worst a stray
// `.tmp-<pid>` file is left next to it. Missing parent folders are created first.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of the file at `path`.
/// - Throws: `CheckpointError.cannotRead` naming `path` and the system's reason.
func readWholeFile(_ path: String) throws(CheckpointError) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw .cannotRead(path: path, reason: systemReason()) }
    defer { close(fd) }
    var info = stat()
    var bytes: [UInt8] = []
    if fstat(fd, &info) == 0, info.st_size > 0 { bytes.reserveCapacity(Int(info.st_size)) }
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw .cannotRead(path: path, reason: systemReason())
        }
        if n == 0 { return bytes }
        bytes.append(contentsOf: chunk[0..<n])
    }
}

/// Where a test may make `writeFileAtomically` fail on purpose, to check that a save
/// interrupted at that point leaves the previous file untouched.
enum SimulatedWriteFailure: Sendable {
    /// After half of the bytes have reached the temporary file.
    case midway
    /// After the temporary file is complete and flushed, just before the rename.
    case beforeRename
}

/// Writes `bytes` to `path` atomically: into `path.tmp-<pid>`, flushed, then renamed
/// over `path`. On any failure the temporary file is removed and `path` is untouched.
/// - Throws: `CheckpointError.cannotWrite` naming `path` and the system's reason.
func writeFileAtomically(_ bytes: [UInt8], to path: String,
                         simulating failure: SimulatedWriteFailure? = nil) throws(CheckpointError) {
    guard !path.isEmpty else { throw .cannotWrite(path: "\"\"", reason: "the path is empty") }
    guard !path.hasSuffix("/") else { throw .cannotWrite(path: path, reason: "the path names a folder, not a file") }
    let folder = parentFolder(of: path)
    try createFolders(folder, for: path)

    let temporary = path + ".tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw .cannotWrite(path: path, reason: "cannot create \(temporary): \(systemReason())") }

    var problem: String?
    bytes.withUnsafeBytes { buffer in
        let stop = failure == .midway ? buffer.count / 2 : buffer.count
        var written = 0
        while written < stop {
            let n = write(fd, buffer.baseAddress! + written, stop - written)
            if n < 0 {
                if errno == EINTR { continue }
                problem = systemReason()
                return
            }
            written += n
        }
        if failure == .midway { problem = "simulated failure midway through writing" }
    }
    if problem == nil, fsync(fd) != 0 { problem = systemReason() }
    if close(fd) != 0, problem == nil { problem = systemReason() }
    if problem == nil, failure == .beforeRename { problem = "simulated failure before the rename" }
    if problem == nil, rename(temporary, path) != 0 { problem = systemReason() }
    if let problem {
        unlink(temporary)
        throw .cannotWrite(path: path, reason: problem)
    }
    // Make the rename itself durable (best effort: some file systems refuse to sync folders).
    let folderFD = open(folder, O_RDONLY)
    if folderFD >= 0 { _ = fsync(folderFD); close(folderFD) }
}

/// Creates `folder` and any missing parents (like `mkdir -p`).
private func createFolders(_ folder: String, for path: String) throws(CheckpointError) {
    var info = stat()
    if stat(folder, &info) == 0 {
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .cannotWrite(path: path, reason: "\(folder) is a file, not a folder")
        }
        return
    }
    let parent = parentFolder(of: folder)
    if parent != folder { try createFolders(parent, for: path) }
    if mkdir(folder, 0o755) != 0 && errno != EEXIST {
        throw .cannotWrite(path: path, reason: "cannot create folder \(folder): \(systemReason())")
    }
}

/// The folder part of a path: "out/a.st" → "out", "a.st" → ".", "/a.st" → "/".
private func parentFolder(of path: String) -> String {
    var trimmed = Substring(path)
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    guard let slash = trimmed.lastIndex(of: "/") else { return "." }
    if slash == trimmed.startIndex { return "/" }
    return String(trimmed[..<slash])
}

/// The system's explanation of the current `errno` ("Permission denied", …).
private func systemReason() -> String {
    String(cString: strerror(errno))
}
