// A throw-away folder for the file-system tests (KitFiles, ExerciseCatalog, LearnerCopy,
// Workspace, LearnerGrader): made under the system's temporary folder, removed by the test.

import Foundation

/// A fresh, empty folder under `FileManager.default.temporaryDirectory`.
struct TemporaryFolder {
    /// The folder.
    let url: URL

    /// Makes the folder.
    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("grading-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// `relative` inside the folder.
    func callAsFunction(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    /// Writes `text` to `relative` (under `base`, a sub-folder, when given), making the folders on the way.
    func write(_ text: String, to relative: String, under base: String = "") throws {
        let file = url.appendingPathComponent(base.isEmpty ? relative : base + "/" + relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    /// The text of `relative`.
    func read(_ relative: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(relative), encoding: .utf8)
    }

    /// Whether `relative` exists.
    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(relative).path)
    }

    /// Removes the folder and everything in it.
    func remove() { try? FileManager.default.removeItem(at: url) }
}
