// PretrainedWeights.swift — finding the files in the kit's Pretrained/ folder.
//
// Chapters run from the package root (`swift run chapter05`), tests from anywhere,
// so the folder is looked up in this order: $KIT_PRETRAINED_DIR, ./Pretrained, then
// the Pretrained/ folder of the package this source file was compiled from.

import Foundation

/// Locates the weights that ship in `Pretrained/` (see the README for the commands
/// that produced them).
public enum PretrainedWeights {
    /// The folders searched, in order.
    public static var searchDirectories: [String] {
        var dirs: [String] = []
        if let env = ProcessInfo.processInfo.environment["KIT_PRETRAINED_DIR"], !env.isEmpty { dirs.append(env) }
        dirs.append(FileManager.default.currentDirectoryPath + "/Pretrained")
        // #filePath is …/Sources/NeuralNets/Checkpoints/PretrainedWeights.swift.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        dirs.append(root.appendingPathComponent("Pretrained").path)
        return dirs
    }

    /// The path of `file` (say "unet-digits.safetensors") in the first folder that has it.
    /// - Throws: `CheckpointError.cannotRead` naming the file and the folders searched.
    public static func path(_ file: String) throws(CheckpointError) -> String {
        for dir in searchDirectories {
            let candidate = dir + "/" + file
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        throw .cannotRead(path: file, reason: "not found in \(searchDirectories.joined(separator: ", "))")
    }
}
