// ChapterModels.swift — the models the chapters load, or one line and an exit.
//
// Chapters 05–07 sample from the shipped weights in Pretrained/ (or a chapter 04
// checkpoint given with --checkpoint). A missing or damaged file is not a stack
// trace: the chapter stops with one line naming the file (status 66), and a model
// of the wrong kind with one line saying what was expected (status 64).
//
// These loaders live in the umbrella module, not in Diffusion, because exiting with
// a message is the notebook's business (`Notebook.exitWithError`): the library
// throws, the chapters stop.

import Diffusion
import NeuralNets
import Notebook

extension DiffusionCheckpoint {
    /// The digit model for chapter `chapter`: `checkpoint` if given, else
    /// Pretrained/unet-digits.safetensors. Exits with one line if it cannot be loaded
    /// or is not an image model.
    /// - Returns: the model and the path it came from.
    public static func digitModelForChapter(_ checkpoint: String?, chapter: Int) -> (loaded: Loaded, path: String) {
        let path = checkpoint ?? pretrainedPath("unet-digits.safetensors")
        let loaded: Loaded
        do {
            loaded = try load(path)
        } catch {
            Notebook.exitWithError("\(error)\(checkpoint == nil ? " (the kit ships it in Pretrained/; or pass --checkpoint FILE from chapter 04)" : "")", code: 66)
        }
        guard loaded.model.preset.isImageModel else {
            Notebook.exitWithError("\(path) holds a \(loaded.model.preset.rawValue) model; chapter \(chapter < 10 ? "0" : "")\(chapter) needs a digit model (\(ModelPreset.imageModelNames))", code: 64)
        }
        return (loaded, path)
    }

    /// The class-conditional digit model for chapter `chapter`: `checkpoint` if given,
    /// else Pretrained/`defaultFile`. Exits with one line if it cannot be loaded (66),
    /// or is not a class-conditional image model (64).
    /// - Returns: the model and the path it came from.
    public static func conditionalDigitModelForChapter(_ checkpoint: String?, defaultFile: String = "unet-digits-cfg.safetensors",
                                                       chapter: Int) -> (loaded: Loaded, path: String) {
        let path = checkpoint ?? pretrainedPath(defaultFile)
        let loaded: Loaded
        do { loaded = try load(path) } catch {
            Notebook.exitWithError("\(error)\(checkpoint == nil ? " (the kit ships it in Pretrained/)" : "")", code: 66)
        }
        guard loaded.model.preset.isImageModel, loaded.model.classes != nil else {
            Notebook.exitWithError("\(path) holds an unconditional \(loaded.model.preset.rawValue) model; chapter \(chapter < 10 ? "0" : "")\(chapter) needs a class-conditional digit model (kit-pretrain ddpm --classes 10)", code: 64)
        }
        return (loaded, path)
    }

    /// The shipped 2-D toy model in Pretrained/`file` (e.g. "toy-swiss-roll.safetensors").
    /// Exits with one line if it cannot be loaded.
    /// - Returns: the model and the path it came from.
    public static func toyModelForChapter(_ file: String) -> (loaded: Loaded, path: String) {
        let path = pretrainedPath(file)
        do { return (try load(path, expecting: .toyMLP), path) } catch { Notebook.exitWithError("\(error)", code: 66) }
    }

    /// Pretrained/`file`, found as `PretrainedWeights.path` finds it (or the relative path).
    private static func pretrainedPath(_ file: String) -> String {
        (try? PretrainedWeights.path(file)) ?? "Pretrained/\(file)"
    }
}
