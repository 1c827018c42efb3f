// ExportWeights.swift — `kit-pretrain export`: the EMA weights of a training
// checkpoint as a Pretrained/ file (what `ddpm` writes at its end).

import ArgumentParser
import DiffusionKit

struct ExportWeights: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Writes the EMA weights of a training checkpoint in the Pretrained/ format.")

    @Option(help: "A training checkpoint (from `ddpm` or chapter 04).") var checkpoint: String
    @Option(help: "Where the weights go.") var out: String

    func run() throws {
        let loaded: DiffusionCheckpoint.Loaded
        do { loaded = try DiffusionCheckpoint.load(checkpoint) } catch {
            Notebook.exitWithError("\(error)", code: 66)
        }
        var metadata = loaded.metadata
        metadata["weights"] = "ema"
        metadata["exported_from"] = String(checkpoint.split(separator: "/").last ?? Substring(checkpoint))
        try Checkpoint.save(loaded.model.module, to: out, metadata: metadata)
        print("wrote the \(loaded.usedEMA ? "EMA" : "live") weights of \(checkpoint) (step \(metadata["step"] ?? "?")) to \(out)")
    }
}
