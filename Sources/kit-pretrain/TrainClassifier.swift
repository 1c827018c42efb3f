// Placeholder: the `classifier` subcommand (being written).
import ArgumentParser

struct TrainClassifier: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "classifier", abstract: "Trains the digit classifier.")
    func run() throws {}
}
