// SimpleUNet.swift — the seed course's first U-Net, repaired for 28 × 28 images.
//
// The popular "diffusion from scratch" notebook builds a small U-Net from blocks of
// convolution, BatchNorm and ReLU, down-sampling with 4×4 stride-2 convolutions and
// up-sampling with 4×4 stride-2 transposed convolutions. It was written for 64×64
// images, where every size halves exactly. On 28×28 digits three down-steps give
//
//     28 → 14 → 7 → 3          (⌊(7 + 2·1 − 4)/2⌋ + 1 = 3: the odd 7 loses a row)
//
// and the way back gives 3 → 6, which no longer matches the 7×7 skip connection it
// is concatenated with: the forward pass stops with a shape mismatch in `concat`.
// The repair (PyTorch's `output_size` argument of ConvTranspose2d does the same) is
// to give each transposed convolution an output padding of 1 exactly where the skip
// it will meet is odd, so 3 → 7. `SimpleUNet(imageSize:)` computes these paddings;
// `SimpleUNet.naiveSizes` shows the sizes of the unrepaired network.

import Tensors

/// One block of the simple U-Net: conv · ReLU · BatchNorm, + time, conv · ReLU ·
/// BatchNorm, then a stride-2 conv (down) or transposed conv (up).
public final class SimpleBlock: Module {
    /// Projects the time embedding to one shift per channel.
    public let timeMLP: Linear
    /// First 3×3 convolution (its input is the concatenation [x, skip] in an up block).
    public let conv1: Conv2d
    /// Second 3×3 convolution.
    public let conv2: Conv2d
    /// BatchNorms after each convolution.
    public let bnorm1: BatchNorm2d, bnorm2: BatchNorm2d
    /// The resolution change: a 4×4 stride-2 conv (down) or transposed conv (up).
    public let downsample: Conv2d?, upsample: ConvTranspose2d?
    /// Training or evaluation mode; `train(_:)` and `eval()` set it on every child too.
    public var training = true

    /// A down block (`up == false`) or an up block taking the concatenation of the
    /// previous output and a skip, both of `inChannels` (so 2·inChannels in).
    public init(_ inChannels: Int, _ outChannels: Int, timeDimension: Int, up: Bool, outputPadding: Int = 0,
                using rng: inout some RandomNumberGenerator) {
        timeMLP = Linear(timeDimension, outChannels, using: &rng)
        conv1 = Conv2d(up ? 2 * inChannels : inChannels, outChannels, kernelSize: 3, padding: 1, using: &rng)
        conv2 = Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1, using: &rng)
        bnorm1 = BatchNorm2d(outChannels)
        bnorm2 = BatchNorm2d(outChannels)
        downsample = up ? nil : Conv2d(outChannels, outChannels, kernelSize: 4, stride: 2, padding: 1, using: &rng)
        upsample = up ? ConvTranspose2d(outChannels, outChannels, kernelSize: 4, stride: 2, padding: 1,
                                        outputPadding: outputPadding, using: &rng) : nil
    }

    /// None of its own: all parameters live in the child modules.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    /// The child modules, under their PyTorch state_dict names.
    public var children: [(name: String, module: any Module)] {
        [("time_mlp", timeMLP), ("conv1", conv1), ("conv2", conv2), ("bnorm1", bnorm1), ("bnorm2", bnorm2),
         ("transform", (downsample as (any Module)?) ?? upsample!)]
    }

    /// x `[B, C, H, W]`, time embedding `[B, D]` → half (down) or double (up) the size.
    public func callAsFunction(_ x: Tensor, _ timeEmbedding: Tensor) -> Tensor {
        var h = bnorm1(conv1(x).relu())                                       // [B, Cout, H, W]
        let shift = timeMLP(timeEmbedding).relu()                             // [B, Cout]
        h = h + shift.reshaped([shift.shape[0], shift.shape[1], 1, 1])
        h = bnorm2(conv2(h).relu())
        if let downsample { return downsample(h) }                           // [B, Cout, H/2, W/2]
        return upsample!(h)                                                  // [B, Cout, 2H(+1), 2W(+1)]
    }
}

/// The seed course's simple U-Net (BatchNorm, ReLU, transposed-conv up-sampling),
/// repaired so that sizes that do not halve evenly (28 → 14 → 7 → 3) still work.
public final class SimpleUNet: Module {
    /// Channels after each down block, e.g. [32, 64, 128, 256].
    public let channels: [Int]
    /// The image side it was built for (the paddings of the up path depend on it).
    public let imageSize: Int
    /// The time embedding dimension.
    public let timeDimension: Int
    /// Sinusoidal embedding → Linear → ReLU.
    public let timeMLP: Linear
    /// First convolution, image channels → channels[0].
    public let conv0: Conv2d
    /// Down and up blocks.
    public let downs: [SimpleBlock], ups: [SimpleBlock]
    /// Final 1×1 convolution back to the image channels.
    public let output: Conv2d
    /// Training or evaluation mode; `train(_:)` and `eval()` set it on every child too.
    public var training = true

    /// The spatial sizes along the down path, 4×4 stride-2 pad-1 convs:
    /// s → ⌊(s + 2 − 4)/2⌋ + 1 = ⌊s/2⌋.
    public static func downSizes(imageSize: Int, levels: Int) -> [Int] {
        var sizes = [imageSize]
        for _ in 0..<levels { sizes.append((sizes.last! + 2 * 1 - 4) / 2 + 1) }
        return sizes
    }

    /// What the *unrepaired* network's up path produces: each transposed conv maps
    /// s → (s − 1)·2 − 2 + 4 = 2s, whatever size the skip has.
    public static func naiveUpSizes(imageSize: Int, levels: Int) -> [Int] {
        var s = downSizes(imageSize: imageSize, levels: levels).last!
        return (0..<levels).map { _ in s *= 2; return s }
    }

    /// A simple U-Net for `imageSize` × `imageSize` images with `imageChannels` channels.
    public init(imageChannels: Int = 1, channels: [Int] = [32, 64, 128, 256], timeDimension: Int = 32,
                imageSize: Int = 28, using rng: inout some RandomNumberGenerator) {
        precondition(channels.count >= 2, "SimpleUNet: need at least two channel counts, got \(channels)")
        self.channels = channels
        self.imageSize = imageSize
        self.timeDimension = timeDimension
        timeMLP = Linear(timeDimension, timeDimension, using: &rng)
        conv0 = Conv2d(imageChannels, channels[0], kernelSize: 3, padding: 1, using: &rng)
        let levels = channels.count - 1
        downs = (0..<levels).map { SimpleBlock(channels[$0], channels[$0 + 1], timeDimension: timeDimension, up: false, using: &rng) }
        // Up block k meets, after it, the skip of down block levels−2−k (or the image
        // size at the end): pad by 1 where that size is odd.
        let sizes = SimpleUNet.downSizes(imageSize: imageSize, levels: levels)    // [28, 14, 7, 3]
        let reversed = Array(channels.reversed())                                  // [256, 128, 64, 32]
        ups = (0..<levels).map { k in
            let target = sizes[levels - 1 - k]                                     // size after up block k
            let padding = target - 2 * sizes[levels - k]                           // 0, or 1 for an odd target
            return SimpleBlock(reversed[k], reversed[k + 1], timeDimension: timeDimension, up: true,
                               outputPadding: padding, using: &rng)
        }
        output = Conv2d(channels[0], imageChannels, kernelSize: 1, using: &rng)
    }

    /// None of its own: all parameters live in the child modules.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    /// The child modules, under their PyTorch state_dict names.
    public var children: [(name: String, module: any Module)] {
        [("time_mlp.1", timeMLP), ("conv0", conv0)]
            + downs.enumerated().map { ("downs.\($0.offset)", $0.element as any Module) }
            + ups.enumerated().map { ("ups.\($0.offset)", $0.element as any Module) }
            + [("output", output)]
    }

    /// x `[B, C, S, S]` with S = `imageSize`, t with B entries → `[B, C, S, S]`.
    public func callAsFunction(_ x: Tensor, _ t: [Float]) -> Tensor {
        guard x.rank == 4, x.shape[2] == imageSize, x.shape[3] == imageSize, t.count == x.shape[0] else {
            fatalError("SimpleUNet: built for \(imageSize)×\(imageSize) images, got \(x.shape) with \(t.count) timesteps")
        }
        let emb = timeMLP(sinusoidalEmbedding(t, dimension: timeDimension)).relu()   // [B, D]
        var h = conv0(x)                                                             // [B, c0, S, S]
        var residuals: [Tensor] = []
        for down in downs {
            h = down(h, emb)                                                         // halves the size
            residuals.append(h)
        }
        for up in ups {
            h = up(concat([h, residuals.removeLast()], axis: 1), emb)                 // doubles (+1 if odd)
        }
        return output(h)                                                             // [B, C, S, S]
    }
}
