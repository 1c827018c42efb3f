// kit-pretrain — produces the weights in Pretrained/.
import ArgumentParser
import DiffusionKit

@main
struct KitPretrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kit-pretrain",
        abstract: "Trains the models whose weights ship in Pretrained/.",
        subcommands: [TrainDDPM.self, TrainAutoencoder.self, TrainLatent.self, EvaluateLatent.self, TrainToy.self, TrainClassifier.self, ExportWeights.self, EvaluateDDPM.self, EvaluateGuidance.self])
}
