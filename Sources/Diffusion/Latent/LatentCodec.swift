// LatentCodec.swift — the bridge between images and the latent space diffusion runs in.
//
//   encode:  x [B, 1, 28, 28] → pad to 32 × 32 (background −1) → encoder → μ [B, 4, 8, 8] → · s
//   decode:  z [B, 4, 8, 8] → ÷ s → decoder → [B, 1, 32, 32] → crop the central 28 × 28
//
// Encoding uses the posterior MEAN μ, not a sample: the data the latent model learns is
// then a deterministic function of the image (a sample would add noise of σ ≈ 0.2
// against |μ| ≈ 0.7 — chapter 08 prints both). The scale factor s = 1/std(μ) is measured once on encoded
// training digits and stored with the weights (metadata "scale_factor"): it brings the
// latents to unit variance, the scale the noise schedule was designed for. Stable
// Diffusion's 0.18215 is the same measurement for its own autoencoder.

import NeuralNets
import Tensors

/// An autoencoder with its measured latent scale factor: images ↔ scaled latents.
public final class LatentCodec {
    /// The metadata keys of an autoencoder file.
    public enum Key {
        /// "autoencoder": marks the file and names the architecture.
        public static let architecture = "autoencoder"
        /// The measured s = 1/std(z).
        public static let scaleFactor = "scale_factor"
        /// β and its reduction.
        public static let klWeight = "kl_weight"
    }
    /// The architecture name stored under `Key.architecture`.
    public static let architectureName = "kl-f4-digits"
    /// The side of the padded image: 28 → 32, so that f = 4 gives an 8 × 8 latent.
    public static let paddedSize = 32
    /// Pixels of padding on each side (2).
    public static let padding = 2

    /// The autoencoder (eval mode).
    public let autoencoder: Autoencoder
    /// s = 1/std(z), measured on encoded training data.
    public let scaleFactor: Float

    /// A codec from a trained autoencoder and its measured scale factor.
    public init(autoencoder: Autoencoder, scaleFactor: Float) {
        precondition(scaleFactor.isFinite && scaleFactor > 0, "LatentCodec: the scale factor must be positive, got \(scaleFactor)")
        self.autoencoder = autoencoder
        self.scaleFactor = scaleFactor
        autoencoder.eval()
    }

    /// The shape `[z, 8, 8]` of one latent.
    public var latentShape: [Int] {
        let side = Self.paddedSize / autoencoder.config.downsamplingFactor
        return [autoencoder.config.latentChannels, side, side]
    }

    /// 28 × 28 digits `[B, 1, 28, 28]` → `[B, 1, 32, 32]`, padded with the background −1.
    public static func pad(_ images: Tensor) -> Tensor {
        precondition(images.rank == 4 && images.shape[2] == 28 && images.shape[3] == 28,
                     "LatentCodec.pad: need [B, C, 28, 28], got \(images.shape)")
        let p = padding
        return images.padded([(0, 0), (0, 0), (p, p), (p, p)], value: -1)          // [B, C, 32, 32]
    }

    /// `[B, C, 32, 32]` → the central `[B, C, 28, 28]`.
    public static func crop(_ images: Tensor) -> Tensor {
        let p = padding
        return images.slice(axis: 2, p..<(images.shape[2] - p)).slice(axis: 3, p..<(images.shape[3] - p))
    }

    /// The posterior means μ (unscaled) of digits `[B, 1, 28, 28]`: `[B, z, 8, 8]`.
    public func posteriorMeans(_ images: Tensor) -> Tensor {
        withNoGrad { autoencoder.encode(Self.pad(images)).mean }
    }

    /// Scaled latents z·s `[B, z, 8, 8]` of digits `[B, 1, 28, 28]` (the posterior mean).
    public func encode(_ images: Tensor) -> Tensor {
        scaleFactor * posteriorMeans(images)
    }

    /// Digits `[B, 1, 28, 28]` from scaled latents `[B, z, 8, 8]`: decoder(z/s), cropped.
    public func decode(_ latents: Tensor) -> Tensor {
        withNoGrad { Self.crop(autoencoder.decode(latents / scaleFactor)) }
    }

    /// decode(encode(x)): what the autoencoder makes of digits `[B, 1, 28, 28]`.
    public func reconstruct(_ images: Tensor) -> Tensor { decode(encode(images)) }

    /// s = 1/std(z) over every value of the latents `z` (std about their mean).
    public static func measureScaleFactor(_ latents: Tensor) -> Float {
        let std = latents.variance().item.squareRoot()
        precondition(std > 0 && std.isFinite, "LatentCodec.measureScaleFactor: the latents have no spread (std \(std))")
        return 1 / std
    }

    /// Writes the autoencoder and its scale factor (plus `extra` metadata) to `path`.
    public func save(to path: String, extra: [String: String] = [:]) throws(CheckpointError) {
        var metadata = extra
        metadata[Key.architecture] = Self.architectureName
        metadata[Key.scaleFactor] = "\(scaleFactor)"
        try Checkpoint.save(autoencoder, to: path, metadata: metadata)
    }

    /// Loads an autoencoder file written by `save(to:)`.
    /// - Throws: `CheckpointError` naming the file: unreadable, not an autoencoder of
    ///   this kit (e.g. a diffusion model), or without a valid scale factor.
    public static func load(_ path: String) throws(CheckpointError) -> LatentCodec {
        let (_, meta) = try Checkpoint.read(path)
        guard meta[Key.architecture] == architectureName else {
            let what = meta["model"].map { "a \($0) diffusion model" } ?? meta[Key.architecture].map { "autoencoder \"\($0)\"" } ?? "no autoencoder"
            throw .incompatible(path: path, reason: "it holds \(what), not the \(architectureName) autoencoder")
        }
        guard let text = meta[Key.scaleFactor], let s = Float(text), s.isFinite, s > 0 else {
            throw .incompatible(path: path, reason: "no valid \"\(Key.scaleFactor)\" in the metadata")
        }
        var rng = SeededGenerator(seed: 0)
        let autoencoder = Autoencoder(using: &rng)
        try Checkpoint.load(into: autoencoder, from: path)
        return LatentCodec(autoencoder: autoencoder, scaleFactor: s)
    }
}
