// ModelPreset.swift — the denoisers a chapter can train or load, by name.
//
// A checkpoint records its preset's name in the metadata ("model"), so a file made
// for one architecture is refused, with both names, when loaded into another.

import NeuralNets
import Tensors

/// The named denoiser architectures of the course.
public enum ModelPreset: String, CaseIterable, Sendable {
    /// The reference U-Net for 28×28 digits (1,314,529 parameters; the benchmark's).
    case unetDigits = "unet-digits"
    /// A quarter-width U-Net (16-32-32 channels) that trains about 4× faster.
    case unetSmall = "unet-small"
    /// The seed course's plain U-Net (BatchNorm, ConvTranspose, ReLU), repaired for 28×28.
    case simpleUNet = "simple-unet"
    /// The reference MLP for 2-D toy data (`mlp-toy2d`).
    case toyMLP = "toy-mlp"

    /// The U-Net configuration of the U-Net presets (`nil` for the others).
    public var unetConfig: UNetConfig? {
        switch self {
        case .unetDigits: return .digits
        case .unetSmall: return UNetConfig(baseChannels: 16, channelMultipliers: [1, 2, 2], heads: 2, timeDimension: 64)
        case .simpleUNet, .toyMLP: return nil
        }
    }

    /// `true` for the models of 28×28 single-channel images.
    public var isImageModel: Bool { self != .toyMLP }

    /// A freshly initialised model of this architecture.
    public func make(using rng: inout some RandomNumberGenerator) -> DiffusionModel {
        switch self {
        case .unetDigits, .unetSmall:
            let unet = UNet(unetConfig!, using: &rng)
            return DiffusionModel(preset: self, module: unet) { x, t in unet(x, t.map(Float.init)) }
        case .simpleUNet:
            let net = SimpleUNet(using: &rng)
            return DiffusionModel(preset: self, module: net) { x, t in net(x, t.map(Float.init)) }
        case .toyMLP:
            let mlp = ToyMLP(using: &rng)
            return DiffusionModel(preset: self, module: mlp) { x, t in mlp(x, t.map(Float.init)) }
        }
    }
}

/// A denoiser network together with its preset: call it with x_t and integer timesteps.
public final class DiffusionModel {
    /// The architecture's name.
    public let preset: ModelPreset
    /// The network (parameters, buffers, train/eval mode).
    public let module: any Module
    private let forward: Denoiser

    /// Wraps `module`, whose forward pass is `forward`.
    public init(preset: ModelPreset, module: any Module, forward: @escaping Denoiser) {
        self.preset = preset
        self.module = module
        self.forward = forward
    }

    /// The prediction for x_t [B, …] at timesteps `t` (B entries).
    public func callAsFunction(_ xt: Tensor, _ t: [Int]) -> Tensor { forward(xt, t) }

    /// The model as a plain `Denoiser` closure.
    public var denoiser: Denoiser { forward }
}
