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
    /// A half-width U-Net (16-32-32 channels, 176,785 parameters): 3.4 training steps
    /// for each of `unet-digits`', and chapter 04's default (BENCHMARKS.md, "The 10-minute run").
    case unetSmall = "unet-small"
    /// A U-Net on 2×2 patches (`UNetConfig.patchSize` 2: 4 × 14 × 14 in, 32 channels at
    /// 14 × 14 and 7 × 7, 152,388 parameters): no full-size level, so 2.2× `unet-small`'s
    /// training steps per minute — yet 3–5 points behind it at chapter 04's budgets, as
    /// each step teaches less (BENCHMARKS.md, "The 10-minute run").
    case unetPatch = "unet-patch"
    /// The seed course's plain U-Net (BatchNorm, ConvTranspose, ReLU), repaired for 28×28.
    case simpleUNet = "simple-unet"
    /// The reference MLP for 2-D toy data (`mlp-toy2d`).
    case toyMLP = "toy-mlp"
    /// The latent denoiser of chapter 08: a U-Net on 4 × 8 × 8 autoencoder latents with
    /// cross-attention to a digit prompt (PromptedUNet); 64 and 128 channels, 1,298,564
    /// parameters (48 and 96 channels, 800,884, left the null prompt 5 points short of
    /// its target: BENCHMARKS.md, "Latent diffusion").
    case latentDigits = "latent-digits"

    /// The U-Net configuration of the U-Net presets (`nil` for the others).
    public var unetConfig: UNetConfig? {
        switch self {
        case .unetDigits: return .digits
        case .unetSmall: return UNetConfig(baseChannels: 16, channelMultipliers: [1, 2, 2], heads: 2, timeDimension: 64)
        case .unetPatch: return UNetConfig(baseChannels: 32, channelMultipliers: [1, 1], heads: 2, timeDimension: 64, patchSize: 2)
        case .latentDigits:
            return UNetConfig(inChannels: 4, baseChannels: 64, channelMultipliers: [1, 2], heads: 4, timeDimension: 128,
                              contextDimension: Self.promptDimension, crossAttentionLevels: [1])
        case .simpleUNet, .toyMLP: return nil
        }
    }

    /// `true` for the models of 28×28 single-channel images.
    public var isImageModel: Bool { self != .toyMLP && self != .latentDigits }

    /// The models of 28×28 digits, in declaration order.
    public static var imageModels: [ModelPreset] { allCases.filter(\.isImageModel) }
    /// The same, as a list for messages: "unet-digits, unet-small, …".
    public static var imageModelNames: String { imageModels.map(\.rawValue).joined(separator: ", ") }

    /// `true` for the prompt-conditioned latent denoiser.
    public var isPrompted: Bool { self == .latentDigits }
    /// Words in the latent denoiser's vocabulary: `DigitPrompt.vocabulary.count` of
    /// Datasets (a test checks that they agree).
    public static let promptVocabularySize = 20
    /// Slots L of every prompt: `DigitPrompt.length` of Datasets.
    public static let promptLength = 5
    /// Size D of each prompt token's embedding (the context dimension).
    public static let promptDimension = 64
    /// The null prompt ("<pad>" in every slot): no condition.
    public static let nullPrompt = [Int](repeating: 0, count: promptLength)

    /// The standard deviation of a conditional U-Net's initial label embedding.
    public static let labelInitialScale: Float = 0.3

    /// `true` for the architectures that can take a class label (`make(classes:)`).
    public var canBeConditional: Bool { self != .simpleUNet && self != .latentDigits }

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
        case .unetDigits, .unetSmall, .unetPatch:
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
        case .latentDigits:
            let net = PromptedUNet(unetConfig!, vocabularySize: Self.promptVocabularySize, promptLength: Self.promptLength, using: &rng)
            let model = DiffusionModel(preset: self, module: net) { x, t in
                net(x, t.map(Float.init), prompts: [[Int]](repeating: Self.nullPrompt, count: t.count))
            }
            model.promptedForward = { x, t, prompts in net(x, t.map(Float.init), prompts: prompts) }
            return model
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

/// A prompt-conditioned denoising network: noisy latents [B, …], one integer timestep and
/// one prompt (L token ids; the null prompt for "no condition") per item in, a prediction out.
public typealias PromptedDenoiser = (_ xt: Tensor, _ t: [Int], _ prompts: [[Int]]) -> Tensor

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
    /// The forward pass with prompts, for the prompt-conditioned latent denoiser (`nil`
    /// for the others). The plain forward pass uses the null prompt.
    public internal(set) var promptedForward: PromptedDenoiser?

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
