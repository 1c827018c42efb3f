// LearnerCopy.swift — one learner's copy of the kit, as it will be graded.
//
// A copy is a folder (usually a git clone). With a deadline (`--before DATE`) it must be
// a git repository, and the last commit before the deadline is graded: its files are
// extracted into a snapshot folder with `git archive`, whatever the working tree holds.

import Foundation

/// A learner's copy, ready to grade (or the reason it cannot be).
public struct LearnerCopy: Sendable {
    /// A file-name-safe id: the folder's name.
    public var id: String
    /// The folder whose files are graded.
    public var root: URL
    /// What was graded, for the reports: the path, and the commit with its date.
    public var source: String
    /// Why the copy cannot be graded; nil when it can.
    public var problem: String?

    /// Resolves the copy at `path`. With `before`, extracts the last commit before it
    /// into a folder under `snapshots`.
    public static func resolve(path: String, before: String?, snapshots: URL) -> LearnerCopy {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let id = safeID(url.lastPathComponent.isEmpty ? "copy" : url.lastPathComponent)
        var copy = LearnerCopy(id: id, root: url, source: url.path, problem: nil)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else {
            copy.problem = "no such folder: \(url.path)"
            return copy
        }
        guard let before else { return copy }
        let git = ["git", "-c", "safe.directory=*", "-C", url.path]
        guard ProcessRunner.run(git + ["rev-parse", "--git-dir"]).status == 0 else {
            copy.problem = "--before needs a git repository, and \(url.path) is not one"
            return copy
        }
        let found = ProcessRunner.run(git + ["rev-list", "-1", "--before=\(before)", "HEAD"])
        let commit = found.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard found.status == 0, commit.count >= 7, commit.allSatisfy(\.isHexDigit) else {
            copy.problem = "no commit before \(before) in \(url.path)"
            return copy
        }
        let date = ProcessRunner.run(git + ["show", "-s", "--format=%ci", commit]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // One folder per copy's path: two copies with the same folder name (class1/alice,
        // class2/alice) get their own snapshots before `uniqueIDs` tells them apart.
        let snapshot = snapshots.appendingPathComponent("\(id)-\(pathHash(url.path))")
        try? FileManager.default.removeItem(at: snapshot)
        try? FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
        let archive = ProcessRunner.run(["sh", "-c", "git -c safe.directory='*' -C \"$0\" archive \"$1\" | tar -x -C \"$2\"",
                                         url.path, commit, snapshot.path])
        guard archive.status == 0 else {
            copy.problem = "cannot extract commit \(commit.prefix(10)) of \(url.path): \(archive.output.split(separator: "\n").first ?? "")"
            return copy
        }
        copy.root = snapshot
        copy.source = "\(url.path) @ \(commit.prefix(10)) (\(date))"
        return copy
    }

    /// Letters, digits, '.', '-' and '_' only.
    static func safeID(_ name: String) -> String {
        let cleaned = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        return cleaned.hasPrefix(".") ? "_" + cleaned.dropFirst() : cleaned
    }

    /// A stable 16-hex-digit hash of `path` (64-bit FNV-1a), the same from run to run.
    static func pathHash(_ path: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The learner's exercise files, `Exercises/*.swift` → bytes.
    public func exerciseFiles() -> [String: Data] {
        let folder = root.appendingPathComponent("Exercises")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var files: [String: Data] = [:]
        for name in names where name.hasSuffix(".swift") {
            if let data = try? Data(contentsOf: folder.appendingPathComponent(name)) { files["Exercises/\(name)"] = data }
        }
        return files
    }

    /// Gives each copy a different id ("alice", "alice-2", …) in the order given.
    public static func uniqueIDs(_ copies: [LearnerCopy]) -> [LearnerCopy] {
        var seen: [String: Int] = [:]
        return copies.map { copy in
            var copy = copy
            let n = (seen[copy.id] ?? 0) + 1
            seen[copy.id] = n
            if n > 1 { copy.id += "-\(n)" }
            return copy
        }
    }
}
