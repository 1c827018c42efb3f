// DigitClassifier.swift — a small CNN that recognises 28 × 28 digits.
//
// It plays the part Inception-v3 plays for FID: its class probabilities say whether a
// generated digit is recognisable, and its 128 penultimate features are what the
// Fréchet distance compares. Architecture (PyTorch names in brackets):
//
//   x                                   [B, 1, 28, 28]   values in [−1, 1]
//   conv1 3×3, 1 → 32, pad 1 · SiLU     [B, 32, 28, 28]  (conv1)
//   conv2 3×3, 32 → 64, stride 2 · SiLU [B, 64, 14, 14]  (conv2)
//   conv3 3×3, 64 → 64, stride 2 · SiLU [B, 64, 7, 7]    (conv3)
//   flatten · Linear 3136 → 128 · SiLU  [B, 128]         (fc)    ← features
//   Linear 128 → 10                     [B, 10]          (head)  ← logits
//
// 458,570 parameters: 1.83 MB as float32.
//
// Reference: Y. LeCun et al., "Gradient-Based Learning Applied to Document
// Recognition" (1998); M. Heusel et al., "GANs Trained by a Two Time-Scale Update
// Rule Converge to a Local Nash Equilibrium" (2017) for the features-for-FD idea.

import NeuralNets
import Tensors

/// A small convolutional classifier for 28 × 28 grey digits, with 128 penultimate
/// features for Fréchet distances. Load the shipped weights with `pretrained()`.
public final class DigitClassifier: Module {
    /// The name stored as `architecture` in checkpoint metadata and checked on load.
    public static let architecture = "digit-classifier-cnn-v1"
    /// The size of the penultimate feature vector.
    public static let featureCount = 128
    /// The number of classes (the digits 0 … 9).
    public static let classCount = 10

    /// 3×3 convolution 1 → 32, size kept (28 × 28).
    public let conv1: Conv2d
    /// 3×3 convolution 32 → 64, stride 2 (28 → 14).
    public let conv2: Conv2d
    /// 3×3 convolution 64 → 64, stride 2 (14 → 7).
    public let conv3: Conv2d
    /// Linear 64·7·7 → 128: the penultimate layer.
    public let fc: Linear
    /// Linear 128 → 10: the class logits.
    public let head: Linear
    /// Training or evaluation mode (no layer here behaves differently; kept for `Module`).
    public var training = true

    /// Makes a classifier with PyTorch's default initialisation drawn from `rng`.
    public init(using rng: inout some RandomNumberGenerator) {
        conv1 = Conv2d(1, 32, kernelSize: 3, padding: 1, using: &rng)
        conv2 = Conv2d(32, 64, kernelSize: 3, stride: 2, padding: 1, using: &rng)
        conv3 = Conv2d(64, 64, kernelSize: 3, stride: 2, padding: 1, using: &rng)
        fc = Linear(64 * 7 * 7, Self.featureCount, using: &rng)
        head = Linear(Self.featureCount, Self.classCount, using: &rng)
    }

    /// No parameters of its own: they live in the layers.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    /// The layers, under the names the checkpoint uses.
    public var children: [(name: String, module: any Module)] {
        [("conv1", conv1), ("conv2", conv2), ("conv3", conv3), ("fc", fc), ("head", head)]
    }

    /// The 128 penultimate features of images `x` `[B, 1, 28, 28]` → `[B, 128]`.
    /// Differentiable (with respect to `x` too).
    public func features(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && Array(x.shape[1...]) == [1, 28, 28],
                     "DigitClassifier: input must be [B, 1, 28, 28], got \(x.shape)")
        let b = x.shape[0]
        var h = conv1(x).silu()               // [B, 32, 28, 28]
        h = conv2(h).silu()                   // [B, 64, 14, 14]
        h = conv3(h).silu()                   // [B, 64, 7, 7]
        h = h.reshaped([b, 64 * 7 * 7])       // [B, 3136]
        return fc(h).silu()                   // [B, 128]
    }

    /// The class logits of features from `features(_:)`: `[B, 128]` → `[B, 10]`.
    public func logits(features: Tensor) -> Tensor {
        head(features)                        // [B, 10]
    }

    /// The class logits of images `x` `[B, 1, 28, 28]` → `[B, 10]` (unnormalised
    /// log-probabilities). Differentiable.
    public func logits(_ x: Tensor) -> Tensor {
        logits(features: features(x))         // [B, 10]
    }

    /// Class probabilities (softmax of the logits) of images `x` `[B, 1, 28, 28]` →
    /// `[B, 10]`, each row summing to 1.
    public func probabilities(_ x: Tensor) -> Tensor {
        logits(x).softmax(axis: 1)            // [B, 10]
    }

    /// `logits(x)`.
    public func callAsFunction(_ x: Tensor) -> Tensor { logits(x) }
}
