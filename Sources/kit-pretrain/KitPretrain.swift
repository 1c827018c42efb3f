// kit-pretrain — produces the weights in Pretrained/ (and the dataset classifiers in the user's cache).
import ArgumentParser
import DiffusionKit
import Foundation

@main
struct KitPretrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kit-pretrain",
        abstract: "Trains the models whose weights ship in Pretrained/.",
        subcommands: [TrainDDPM.self, TrainAutoencoder.self, TrainLatent.self, EvaluateLatent.self, TrainToy.self, TrainClassifier.self, ExportWeights.self, EvaluateDDPM.self, EvaluateGuidance.self])

    /// Like ArgumentParser's `main`, except that a bad option or value prints one line,
    /// "Error: … (see --help)", and exits with status 64 instead of the error followed
    /// by the usage. `--help`, errors of the work itself and `ExitCode` are unchanged.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as ExitCode {
            exit(withError: error)
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            let message = message(for: error).split(whereSeparator: \.isNewline).joined(separator: " ")
            FileHandle.standardError.write(Data("Error: \(message) (see --help)\n".utf8))
            Foundation.exit(64)
        }
    }
}
