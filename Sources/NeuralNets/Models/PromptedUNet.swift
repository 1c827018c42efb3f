// PromptedUNet.swift — the latent denoiser of chapter 08: a prompt encoder and a U-Net
// that attends to the prompt through cross-attention.
//
// A prompt is a fixed-length sequence of L word tokens (ids into a small vocabulary,
// one slot per attribute plus the digit; id 0 is "<pad>"). It becomes the context by
//
//     context[b, j] = tokens(id_bj) + slots(j)      [B, L, D]      (learned embeddings)
//
// the "text encoder" of Stable Diffusion shrunk to a lookup table: the slot embedding
// tells the model which attribute a word fills, so "<pad>" in the thickness slot and
// "<pad>" in the digit slot are different keys. The U-Net (UNet.swift with a
// `contextDimension`) attends to this sequence at the levels its config names. The
// null prompt — every slot "<pad>" — is the "no condition" of classifier-free guidance.

import Tensors

/// A prompt encoder (token + slot embeddings) and a U-Net with cross-attention to it.
public final class PromptedUNet: Module {
    /// The token embedding: `vocabularySize` rows of size D.
    public let tokens: Embedding
    /// The slot (position) embedding: `promptLength` rows of size D.
    public let slots: Embedding
    /// The denoiser; its `contextDimension` is D.
    public let unet: UNet
    /// The number of words L in every prompt.
    public let promptLength: Int
    /// Training or evaluation mode.
    public var training = true

    /// A fresh model for prompts of `promptLength` tokens from a vocabulary of
    /// `vocabularySize` words; `config.contextDimension` must be set (it is D).
    public init(_ config: UNetConfig, vocabularySize: Int, promptLength: Int,
                using rng: inout some RandomNumberGenerator) {
        guard let d = config.contextDimension else {
            fatalError("PromptedUNet: the U-Net configuration needs a contextDimension")
        }
        precondition(vocabularySize >= 1 && promptLength >= 1, "PromptedUNet: need a vocabulary and a prompt length ≥ 1")
        tokens = Embedding(vocabularySize, d, using: &rng)
        slots = Embedding(promptLength, d, using: &rng)
        unet = UNet(config, using: &rng)
        self.promptLength = promptLength
    }

    /// None of its own.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    /// `tokens`, `slots`, `unet`.
    public var children: [(name: String, module: any Module)] { [("tokens", tokens), ("slots", slots), ("unet", unet)] }

    /// The context `[B, L, D]` of B prompts (each L token ids).
    public func context(_ prompts: [[Int]]) -> Tensor {
        precondition(prompts.allSatisfy { $0.count == promptLength },
                     "PromptedUNet: every prompt must have \(promptLength) tokens")
        precondition(prompts.allSatisfy { $0.allSatisfy { (0..<tokens.count).contains($0) } },
                     "PromptedUNet: token ids must be in 0..<\(tokens.count)")
        let b = prompts.count, l = promptLength, d = tokens.dim
        let words = tokens(prompts.flatMap { $0 }).reshaped([b, l, d])                 // [B, L, D]
        let positions = slots(Array(0..<l)).reshaped([1, l, d])                         // [1, L, D]
        return words + positions                                                         // [B, L, D]
    }

    /// ε_θ(x_t, t, prompt): latents `[B, C, h, w]`, B timesteps, B prompts → `[B, C, h, w]`.
    public func callAsFunction(_ x: Tensor, _ t: [Float], prompts: [[Int]]) -> Tensor {
        precondition(prompts.count == x.shape[0], "PromptedUNet: \(prompts.count) prompts for a batch of \(x.shape[0])")
        return unet(x, t, context: context(prompts))
    }
}
