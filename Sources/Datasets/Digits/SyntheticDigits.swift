// SyntheticDigits.swift — an endless, seeded stream of hand-written digits.
//
// A stand-in for MNIST that needs no download: each image is a digit 0 … 9 drawn
// from a stroke description (LifelikeGlyphs.swift) by a randomly varied hand
// (LifelikeHandwriting.swift) and rasterised with anti-aliasing (StrokeRasterizer.swift).
// Like MNIST the images are 28 × 28 and grey, with the digit in the central ~20 × 20
// box and its centre of mass near the centre; unlike MNIST the values follow the
// kit's image convention: background −1, full ink +1.
//
//     var digits = SyntheticDigits(seed: 0)
//     let (x, y) = digits.batch(64)            // x: [64, 1, 28, 28], y: 64 labels
//
// `batchWithStyles` (DigitStyle.swift) gives the same images and labels together with
// each digit's true drawn attributes: height, pen radius, slant and width.
//
// The default generation, `.lifelike` (DigitGeneration.swift), is what the kit's
// pretrained models are trained on; `generation: .classic` draws the kit's first,
// plainer digits, byte for byte as before.
//
// The same seed (and generation) gives the same images, byte for byte. Rendering runs on the calling
// thread at tens of thousands of digits per second (`kit-bench --case digits`).

import Tensors

/// Procedurally hand-written 28 × 28 grey digits with labels: an endless seeded dataset.
public struct SyntheticDigits: Sendable {
    /// The side of each image in pixels: 28, as in MNIST.
    public static let imageSize = 28
    /// The number of classes: the digits 0 … 9.
    public static let classCount = 10

    /// The generator every batch draws from, in turn (internal: `batchWithStyles`
    /// in DigitStyle.swift draws from it too).
    var rng: SeededGenerator
    /// The generator the digits are drawn with.
    public let generation: DigitGeneration

    /// A stream of digits determined by `seed`, drawn by `generation` (`.lifelike` by default).
    public init(seed: UInt64, generation: DigitGeneration = .lifelike) {
        rng = SeededGenerator(seed: seed)
        self.generation = generation
    }

    /// The next `n` digits of the stream.
    ///
    /// - Parameters:
    ///   - n: the batch size, n ≥ 0.
    ///   - classes: the label of each image (n values in 0 … 9), e.g. `[7, 7, 7]` for
    ///     three sevens; by default the labels are drawn uniformly from 0 … 9.
    /// - Returns: `images` of shape `[n, 1, 28, 28]` with values in [−1, 1], and `labels`.
    public mutating func batch(_ n: Int, classes: [Int]? = nil) -> (images: Tensor, labels: [Int]) {
        Self.batch(n, classes: classes, generation: generation, using: &rng)
    }

    /// `n` digits drawn with a generator of your own, by `generation` (`.lifelike` by
    /// default); see `batch(_:classes:)`.
    public static func batch(_ n: Int, classes: [Int]? = nil, generation: DigitGeneration = .lifelike,
                             using rng: inout some RandomNumberGenerator) -> (images: Tensor, labels: [Int]) {
        let drawn = draw(n, classes: classes, generation: generation, keepingStyles: false, using: &rng)
        return (drawn.images, drawn.labels)
    }

    /// The shared path of `batch` and `batchWithStyles`: `n` digits and, when
    /// `keepingStyles`, the true attributes of each (otherwise `styles` is empty). The
    /// styles are read from the hands already drawn, so both paths consume the
    /// generator identically and give the same images and labels.
    static func draw(_ n: Int, classes: [Int]?, generation: DigitGeneration, keepingStyles: Bool,
                     using rng: inout some RandomNumberGenerator) -> (images: Tensor, labels: [Int], styles: [DigitStyle]) {
        precondition(n >= 0, "SyntheticDigits.batch: negative batch size \(n)")
        if let classes {
            precondition(classes.count == n,
                         "SyntheticDigits.batch: \(classes.count) classes given for a batch of \(n)")
            precondition(classes.allSatisfy { (0..<classCount).contains($0) },
                         "SyntheticDigits.batch: classes must be in 0..<\(classCount), got \(classes)")
        }
        let pixelsPerImage = imageSize * imageSize
        var images = [Float](repeating: -1, count: n * pixelsPerImage)    // [n, 1, 28, 28]
        var labels: [Int] = []
        labels.reserveCapacity(n)
        var styles: [DigitStyle] = []
        if keepingStyles { styles.reserveCapacity(n) }
        var renderer = DigitRenderer()
        images.withUnsafeMutableBufferPointer { all in
            for i in 0..<n {
                let label = classes?[i] ?? rng.nextInt(in: 0..<classCount)
                labels.append(label)
                let image = UnsafeMutableBufferPointer(rebasing: all[(i * pixelsPerImage)..<((i + 1) * pixelsPerImage)])
                let hand = draw(digit: label, generation: generation, into: image, renderer: &renderer, using: &rng)
                if keepingStyles { styles.append(DigitStyle(digit: label, hand: hand)) }
            }
        }
        return (Tensor(shape: [n, 1, imageSize, imageSize], scalars: images), labels, styles)
    }

    /// One image of `digit` (0 … 9) drawn by `generation` (`.lifelike` by default), of
    /// shape `[1, 28, 28]` with values in [−1, 1].
    public static func render(digit: Int, generation: DigitGeneration = .lifelike,
                              using rng: inout some RandomNumberGenerator) -> Tensor {
        precondition((0..<classCount).contains(digit), "SyntheticDigits.render: digit must be in 0..<10, got \(digit)")
        var pixels = [Float](repeating: -1, count: imageSize * imageSize)  // [1, 28, 28]
        var renderer = DigitRenderer()
        pixels.withUnsafeMutableBufferPointer {
            _ = draw(digit: digit, generation: generation, into: $0, renderer: &renderer, using: &rng)
        }
        return Tensor(shape: [1, imageSize, imageSize], scalars: pixels)
    }

    /// Chooses a form of `digit` by weight, draws a hand, renders into `image`, and
    /// returns the hand.
    private static func draw(digit: Int, generation: DigitGeneration, into image: UnsafeMutableBufferPointer<Float>,
                             renderer: inout DigitRenderer, using rng: inout some RandomNumberGenerator) -> Handwriting {
        let style = chooseForm(of: digit, generation: generation, using: &rng)
        let hand = generation.hand(of: digit, using: &rng)
        renderer.render(style, hand: hand, into: image, using: &rng)
        return hand
    }

    /// One form of `digit`, chosen by weight among `generation`'s forms (one uniform draw).
    static func chooseForm(of digit: Int, generation: DigitGeneration,
                           using rng: inout some RandomNumberGenerator) -> GlyphStyle {
        let styles = generation.glyphs[digit]
        var pick = rng.nextUniform() * styles.reduce(0) { $0 + $1.weight }
        var style = styles[styles.count - 1]
        for s in styles {
            if pick < s.weight { style = s; break }
            pick -= s.weight
        }
        return style
    }
}
