// AtomicFile.swift — write a file so that it is either the old one or the new one.
//
// A figure is written to a temporary file in the same folder, which is then renamed
// over the target. `rename` within one file system is atomic (POSIX), so a run that
// is interrupted midway never leaves a half-written PNG or script behind; at worst a
// hidden `.NAME.tmp-…` file. Missing parent folders are created first (like
// `mkdir -p`). Errors carry the system's reason (`strerror`) and the path.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `bytes` to the file at `path` atomically: into a temporary file in the same
/// folder, then renamed over `path`. Creates missing parent folders.
/// - Throws: `FigureError.cannotWrite` naming `path` and the system's reason.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
    guard !path.isEmpty else { throw FigureError.cannotWrite(path: "\"\"", reason: "the path is empty") }
    let folder = parentFolder(of: path)
    try createFolder(folder, neededFor: path)

    let name = (path as NSString).lastPathComponent
    let temporary = folder + "/." + name + ".tmp-" + UUID().uuidString
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { throw FigureError.cannotWrite(path: path, reason: systemError()) }

    // write(2) may write fewer bytes than asked (or be interrupted): loop until done.
    var written = 0
    var failure: String?
    bytes.withUnsafeBytes { buffer in
        while written < buffer.count {
            let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                failure = systemError()
                return
            }
            written += n
        }
    }
    if close(fd) != 0, failure == nil { failure = systemError() }
    if failure == nil, rename(temporary, path) != 0 { failure = systemError() }
    if let failure {
        unlink(temporary)
        throw FigureError.cannotWrite(path: path, reason: failure)
    }
}

/// Writes `text` as UTF-8 to the file at `path` atomically (see the `[UInt8]` overload).
public func writeFileAtomically(_ text: String, to path: String) throws {
    try writeFileAtomically(Array(text.utf8), to: path)
}

/// Creates `folder` and any missing parents (like `mkdir -p`). An existing folder is fine.
/// - Throws: `FigureError.cannotWrite` naming `path` (the file the folder is for) and
///   the part of the path that could not be made.
func createFolder(_ folder: String, neededFor path: String) throws {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
        if isFolder.boolValue { return }
        throw FigureError.cannotWrite(path: path, reason: "\(folder) is a file, not a folder")
    }
    let parent = parentFolder(of: folder)
    if parent != folder { try createFolder(parent, neededFor: path) }
    if mkdir(folder, 0o755) != 0 && errno != EEXIST {      // EEXIST: made meanwhile by another writer
        throw FigureError.cannotWrite(path: path, reason: "cannot create folder \(folder): \(systemError())")
    }
}

/// The folder part of `path`: `"out/a.png"` → `"out"`, `"a.png"` → `"."`, `"/a.png"` → `"/"`.
func parentFolder(of path: String) -> String {
    let parent = (path as NSString).deletingLastPathComponent
    return parent.isEmpty ? "." : parent
}

/// The system's explanation of the current `errno` ("Permission denied", …).
func systemError() -> String {
    String(cString: strerror(errno))
}
