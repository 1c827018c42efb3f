// LatentModels.swift — chapter 08's files (or one line and an exit), and its figure helpers.

import DiffusionKit
import Foundation

/// The autoencoder `file` (default Pretrained/autoencoder-digits.safetensors); exits 66
/// if it cannot be read, 64 if it holds something else.
func loadCodec(_ file: String?) -> (codec: LatentCodec, metadata: [String: String]) {
    let path = file ?? ((try? PretrainedWeights.path("autoencoder-digits.safetensors")) ?? "Pretrained/autoencoder-digits.safetensors")
    do {
        let codec = try LatentCodec.load(path)
        let metadata = try Checkpoint.read(path).metadata
        return (codec, metadata)
    } catch CheckpointError.incompatible(let path, let reason) {
        Notebook.exitWithError("\(path): \(reason)", code: 64)
    } catch {
        Notebook.exitWithError("\(error)\(file == nil ? " (the kit ships it in Pretrained/)" : "")", code: 66)
    }
}

/// The latent denoiser `file` (default Pretrained/latent-digits.safetensors); exits 66
/// if it cannot be read, 64 if it holds another architecture.
func loadLatentModel(_ file: String?) -> DiffusionCheckpoint.Loaded {
    let path = file ?? ((try? PretrainedWeights.path("latent-digits.safetensors")) ?? "Pretrained/latent-digits.safetensors")
    do {
        return try DiffusionCheckpoint.load(path, expecting: .latentDigits)
    } catch CheckpointError.incompatible(let path, let reason) {
        Notebook.exitWithError("\(path): \(reason); chapter 08 needs a latent-digits model (kit-pretrain latent)", code: 64)
    } catch where error.isShapeDisagreement {
        // A latent-digits file of another width: the kit's latent U-Net was widened from
        // 48 to 64 base channels on 2026-12-06, so files trained before then are refused.
        Notebook.exitWithError("\(error) — a latent-digits model of another size (before 2026-12-06 it had 48 base channels, now \(ModelPreset.latentDigits.unetConfig!.baseChannels)); retrain it with kit-pretrain latent", code: 64)
    } catch {
        Notebook.exitWithError("\(error)\(file == nil ? " (the kit ships it in Pretrained/)" : "")", code: 66)
    }
}

/// Nearest-neighbour enlargement of `[N, C, h, w]` by `factor`.
func enlarged(_ x: Tensor, by factor: Int) -> Tensor { upsampleNearest(x, scale: factor) }

/// An attention map `[8, 8]` (values ≥ 0) laid over a digit `[1, 28, 28]`: an RGB image
/// `[3, 28, 28]` in [0, 1] — the weight in the colormap (¾) over the digit in grey (¼).
/// `peak` is the weight drawn at the top of the colormap.
func overlay(_ map: Tensor, on digit: Tensor, peak: Float) throws -> Tensor {
    let big = LatentCodec.crop(enlarged(map.reshaped([1, 1, 8, 8]), by: 4))           // [1, 1, 28, 28]
    let heat = try colorize(big.reshaped([28, 28]), colormap: .viridis, range: 0...peak)   // [3, 28, 28]
    let grey = ((digit.clamped(min: -1, max: 1) + 1) / 2).reshaped([1, 28, 28])          // [1, 28, 28] in [0, 1]
    return 0.75 * heat + 0.25 * concat([grey, grey, grey], axis: 0)                      // [3, 28, 28]
}
