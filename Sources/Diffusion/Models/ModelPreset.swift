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

    /// The standard deviation of a conditional U-Net's initial label embedding.
    public static let labelInitialScale: Float = 0.3

    /// `true` for the architectures that can take a class label (`make(classes:)`).
    public var canBeConditional: Bool { self != .simpleUNet }

    /// A freshly initialised model of this architecture; with `classes`, a
    /// class-conditional one (labels `0..<classes`, and `classes` as the null label of
    /// classifier-free guidance). A U-Net's label embedding is drawn from N(0, 0.3²):
    /// about the size of the time embedding at small t (rms 0.27–1.2 in the pretrained
    /// `unet-digits`), so a model fine-tuned from unconditional weights is disturbed
    /// little, yet every class is distinct from the first step. (Starting the table at
    /// zero was tried: after 250 steps of AdamW at 1e-3 its rms was 0.012 and the
    /// classes were still ignored, 8 % requested-class accuracy.)
    public func make(classes: Int? = nil, using rng: inout some RandomNumberGenerator) -> DiffusionModel {
        precondition(classes == nil || canBeConditional, "\(rawValue) cannot be class-conditional")
        precondition(classes.map { $0 >= 1 } ?? true, "ModelPreset.make: classes must be at least 1")
        switch self {
        case .unetDigits, .unetSmall:
            var config = unetConfig!
            config.classes = classes
            let unet = UNet(config, using: &rng)
            unet.label?.weight.updateScalars { w in for i in 0..<w.count { w[i] *= Self.labelInitialScale } }
            return DiffusionModel(preset: self, module: unet, classes: classes,
                                  forward: { x, t in unet(x, t.map(Float.init)) },
                                  conditional: { x, t, y in unet(x, t.map(Float.init), labels: y) })
        case .simpleUNet:
            let net = SimpleUNet(using: &rng)
            return DiffusionModel(preset: self, module: net) { x, t in net(x, t.map(Float.init)) }
        case .toyMLP:
            let mlp = ToyMLP(classes: classes, using: &rng)
            return DiffusionModel(preset: self, module: mlp, classes: classes,
                                  forward: { x, t in mlp(x, t.map(Float.init)) },
                                  conditional: { x, t, y in mlp(x, t.map(Float.init), labels: y) })
        }
    }
}

/// A class-conditional denoising network: noisy images [B, …], one integer timestep
/// and one label per item (the null label for "no condition") in, a prediction out.
public typealias ConditionalDenoiser = (_ xt: Tensor, _ t: [Int], _ labels: [Int]) -> Tensor

/// A denoiser network together with its preset: call it with x_t and integer timesteps
/// (and labels, if it is class-conditional).
public final class DiffusionModel {
    /// The architecture's name.
    public let preset: ModelPreset
    /// The network (parameters, buffers, train/eval mode).
    public let module: any Module
    /// The number of classes of a class-conditional model (the null label is index
    /// `classes`), or `nil`.
    public let classes: Int?
    private let forward: Denoiser
    private let conditionalForward: ConditionalDenoiser?

    /// Wraps `module`, whose forward pass is `forward` (and, for a class-conditional
    /// model with `classes` classes, `conditional`).
    public init(preset: ModelPreset, module: any Module, classes: Int? = nil,
                forward: @escaping Denoiser, conditional: ConditionalDenoiser? = nil) {
        precondition(classes == nil || conditional != nil,
                     "DiffusionModel: a class-conditional model needs its conditional forward pass")
        self.preset = preset
        self.module = module
        self.classes = classes
        self.forward = forward
        self.conditionalForward = classes == nil ? nil : conditional
    }

    /// The null label ("no condition") of a class-conditional model: `classes`.
    public var nullLabel: Int? { classes }

    /// The prediction for x_t [B, …] at timesteps `t` (B entries). A class-conditional
    /// model is called with the null label (its unconditional prediction).
    public func callAsFunction(_ xt: Tensor, _ t: [Int]) -> Tensor {
        if let conditionalForward, let classes {
            return conditionalForward(xt, t, [Int](repeating: classes, count: t.count))
        }
        return forward(xt, t)
    }

    /// The prediction for x_t [B, …] at timesteps `t` with `labels` (B entries, each in
    /// `0...classes`). Stops with a message for a model that is not class-conditional.
    public func callAsFunction(_ xt: Tensor, _ t: [Int], labels: [Int]) -> Tensor {
        guard let conditionalForward, let classes else {
            fatalError("DiffusionModel: \(preset.rawValue) is not class-conditional; it takes no labels")
        }
        precondition(labels.allSatisfy { (0...classes).contains($0) },
                     "DiffusionModel: labels must be in 0...\(classes) (\(classes) is the null label), got \(labels.filter { !(0...classes).contains($0) }.prefix(3))")
        return conditionalForward(xt, t, labels)
    }

    /// The model as a class-conditional denoiser, or `nil` if it takes no labels.
    public var conditionalDenoiser: ConditionalDenoiser? {
        guard conditionalForward != nil else { return nil }
        return { [self] x, t, y in self(x, t, labels: y) }
    }

    /// The model as a plain `Denoiser` closure (unconditional: the null label for a
    /// class-conditional model).
    public var denoiser: Denoiser { classes == nil ? forward : { [self] x, t in self(x, t) } }
}
