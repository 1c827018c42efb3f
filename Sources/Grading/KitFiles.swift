// KitFiles.swift — the files of a copy of the kit, and how two copies differ.
//
// Build products, outputs and version-control data are not part of a copy: `.git`,
// `.build*`, `.swiftpm`, `out/`, `grading/` and `Package.resolved` are skipped.

import Foundation

/// Listing and comparing the files of a kit copy.
public enum KitFiles {
    /// Whether a top-level or nested name is skipped when listing a copy.
    static func isSkipped(_ name: String) -> Bool {
        name == ".git" || name.hasPrefix(".build") || name == ".swiftpm" || name == "out" || name == "grading"
            || name == "Package.resolved" || name == ".DS_Store"
    }

    /// The relative paths of the regular files under `root`, sorted.
    public static func list(_ root: URL) -> [String] {
        let fm = FileManager.default
        var result: [String] = []
        func walk(_ relative: String) {
            let folder = relative.isEmpty ? root : root.appendingPathComponent(relative)
            guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { return }
            for name in names where !isSkipped(name) {
                let path = relative.isEmpty ? name : relative + "/" + name
                var isFolder: ObjCBool = false
                let full = root.appendingPathComponent(path).path
                guard let attributes = try? fm.attributesOfItem(atPath: full),
                      attributes[.type] as? FileAttributeType != .typeSymbolicLink,
                      fm.fileExists(atPath: full, isDirectory: &isFolder) else { continue }
                if isFolder.boolValue { walk(path) } else { result.append(path) }
            }
        }
        walk("")
        return result.sorted()
    }

    /// Whether `path` is a learner's exercise file (`Exercises/*.swift`), the only files graded.
    public static func isExerciseFile(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        return parts.count == 2 && parts[0] == "Exercises" && parts[1].hasSuffix(".swift")
    }

    /// The files of `copy` outside `Exercises/*.swift` that differ from `kit`:
    /// "Tests/ExerciseChecks/Chapter01.swift (changed)", "(added)" or "(deleted)".
    public static func changedOutsideExercises(copy: URL, kit: URL) -> [String] {
        let copyFiles = Set(list(copy).filter { !isExerciseFile($0) })
        let kitFiles = Set(list(kit).filter { !isExerciseFile($0) })
        var changed: [String] = []
        for path in copyFiles.union(kitFiles).sorted() {
            switch (copyFiles.contains(path), kitFiles.contains(path)) {
            case (true, false): changed.append("\(path) (added)")
            case (false, true): changed.append("\(path) (deleted)")
            default:
                if !sameContents(copy.appendingPathComponent(path), kit.appendingPathComponent(path)) {
                    changed.append("\(path) (changed)")
                }
            }
        }
        return changed
    }

    /// Whether two files hold the same bytes (sizes first, so large files are cheap to tell apart).
    static func sameContents(_ a: URL, _ b: URL) -> Bool {
        let fm = FileManager.default
        let sizeA = (try? fm.attributesOfItem(atPath: a.path))?[.size] as? Int
        let sizeB = (try? fm.attributesOfItem(atPath: b.path))?[.size] as? Int
        guard sizeA == sizeB else { return false }
        return (try? Data(contentsOf: a)) == (try? Data(contentsOf: b))
    }

    /// Makes the folder `destination` hold exactly `files` (relative path → bytes): files
    /// whose bytes are unchanged keep their modification time, so an incremental build
    /// recompiles only what changed.
    public static func mirror(_ files: [String: Data], into destination: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: destination, withIntermediateDirectories: true)
        for path in list(destination) where files[path] == nil {
            try fm.removeItem(at: destination.appendingPathComponent(path))
        }
        for (path, data) in files {
            let target = destination.appendingPathComponent(path)
            if let existing = try? Data(contentsOf: target), existing == data { continue }
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target)
        }
    }

    /// Reads every file under `root/relative` as relative path → bytes (paths keep the `relative` prefix).
    public static func read(_ root: URL, under relative: String) throws -> [String: Data] {
        let base = root.appendingPathComponent(relative)
        var files: [String: Data] = [:]
        for path in list(base) {
            files[relative + "/" + path] = try Data(contentsOf: base.appendingPathComponent(path))
        }
        return files
    }
}
