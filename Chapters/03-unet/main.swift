/*:
 # Chapter 03 — The U-Net

 The denoiser of a diffusion model is a function $\varepsilon_\theta(x_t, t)$: it
 sees a noisy image and the timestep, and predicts the noise that was added. For
 images the standard choice is a **U-Net** (Ronneberger et al. 2015; Ho et al.
 2020): an encoder that halves the resolution step by step, a middle that sees the
 whole image, and a decoder that doubles it back, with *skip connections* carrying
 each resolution's features across the U. This chapter takes the kit's reference
 model, `unet-digits`, apart.
 */
import DiffusionKit
import Exercises

let nb = Notebook(chapter: 3, title: "The U-Net")

/*:
 ## Telling the network the time: sinusoidal embeddings

 A single number $t \in [0, 999]$ is a poor input for a network. Like the positions
 of a Transformer, $t$ is spread over $d$ sinusoids of geometrically spaced
 frequencies $f_i = 10000^{-i/(d/2)}$:

 $$\mathrm{emb}(t) = [\sin(t f_0), \dots, \sin(t f_{d/2-1}), \cos(t f_0), \dots, \cos(t f_{d/2-1})].$$

 Low $i$ oscillate quickly and separate neighbouring timesteps; high $i$ vary slowly
 and tell early from late. This is **exercise 3.1**.
 */
let timeAxis = (0..<1000).map(Float.init)
let embedding = nb.exercise("3.1", mine: { try Chapter03.sinusoidalEmbedding(t: timeAxis, dimension: 128) },
                            reference: { sinusoidalEmbedding(timeAxis, dimension: 128) })   // [1000, 128]
nb.plot(Plot.heatMap(try! HeatMap(embedding, x: 0...127, y: 0...999, colormap: .coolwarm, label: "value"),
                     title: "Sinusoidal time embedding", xLabel: "dimension (sines 0–63, cosines 64–127)",
                     yLabel: "timestep t"),
        name: "time-embedding", caption: "The 128-dimensional embedding of every t (rows) — sines left, cosines right",
        width: 720, height: 520)

/*:
 ## The reference model

 `unet-digits` works on $28 \times 28$ digits with 32, 64 and 128 channels at
 $28$, $14$ and $7$ pixels, self-attention in the middle, and a ResBlock at every
 stage. It has the same parameter names and shapes as the PyTorch model of the
 kit's benchmark, so weights move between the two. Let us run one forward pass
 by hand, stage by stage, and record each block's output shape and parameter count
 — the table `torchinfo` would print.
 */
var initRNG = SeededGenerator(seed: nb.options.seed)
let unet = UNet(.digits, using: &initRNG)
var digits = SyntheticDigits(seed: nb.options.seed)
let batch = digits.batch(nb.quick ? 2 : 4).images                              // [B, 1, 28, 28]
let t: [Float] = [Float](repeating: 250, count: batch.shape[0])
var rows: [[String]] = []
func record(_ name: String, _ module: (any Module)?, _ output: Tensor) {
    rows.append([name, "\(output.shape)", module.map { "\($0.parameterCount)" } ?? "0"])
}
let features = withNoGrad { () -> [String: Tensor] in
    let emb = unet.embed(t)                                                    // [B, 256]
    record("time (sinusoidal → MLP)", unet.time, emb)
    let h0 = unet.convIn(batch);                          record("conv_in", unet.convIn, h0)        // [B, 32, 28, 28]
    let h1 = unet.down[0](h0, emb);                       record("down1", unet.down[0], h1)         // [B, 32, 28, 28]
    let d1 = unet.downsample[0](h1);                      record("ds1", unet.downsample[0], d1)     // [B, 32, 14, 14]
    let h2 = unet.down[1](d1, emb);                       record("down2", unet.down[1], h2)         // [B, 64, 14, 14]
    let d2 = unet.downsample[1](h2);                      record("ds2", unet.downsample[1], d2)     // [B, 64, 7, 7]
    let m1 = unet.mid1(d2, emb);                          record("mid1", unet.mid1, m1)             // [B, 128, 7, 7]
    let a = unet.attention(m1);                           record("attn", unet.attention, a)         // [B, 128, 7, 7]
    let m2 = unet.mid2(a, emb);                           record("mid2", unet.mid2, m2)             // [B, 128, 7, 7]
    let u2 = unet.upsample[1](upsampleNearest(m2, scale: 2)); record("us2 (×2, conv)", unet.upsample[1], u2) // [B, 128, 14, 14]
    let p2 = unet.up[1](concat([u2, h2], axis: 1), emb);  record("up2 (concat h2)", unet.up[1], p2) // [B, 64, 14, 14]
    let u1 = unet.upsample[0](upsampleNearest(p2, scale: 2)); record("us1 (×2, conv)", unet.upsample[0], u1) // [B, 64, 28, 28]
    let p1 = unet.up[0](concat([u1, h1], axis: 1), emb);  record("up1 (concat h1)", unet.up[0], p1) // [B, 32, 28, 28]
    let out = unet.convOut(unet.normOut(p1).silu())
    rows.append(["norm_out · SiLU · conv_out", "\(out.shape)", "\(unet.normOut.parameterCount + unet.convOut.parameterCount)"])
    return ["28×28 (down1)": h1, "14×14 (down2)": h2, "7×7 (mid2)": m2, "output": out]
}
rows.append(["total", "", "\(unet.parameterCount)"])
nb.table(["block", "output shape", "parameters"], rows)
nb.print("The same call in one line: unet(x, t) → \(withNoGrad { unet(batch, t) }.shape)")
let timingBatch = digits.batch(nb.quick ? 8 : 64).images                     // [64, 1, 28, 28]
nb.timed("forward pass of a batch of \(timingBatch.shape[0]) (no gradient)") {
    _ = withNoGrad { unet(timingBatch, [Float](repeating: 500, count: timingBatch.shape[0])) }
}

/*:
 The parameters sit mostly in the middle: 128-channel 3×3 convolutions have
 $128 \cdot 128 \cdot 9 \approx 147$k weights each, while the 32-channel ones at full
 resolution have 9k. Compute, though, is spent at full resolution, where every
 convolution runs over 784 positions instead of 49.

 ## The 28 × 28 pitfall, and its repair

 The seed course's first U-Net ("SimpleUNet": conv, BatchNorm, ReLU, 4×4 stride-2
 convolutions down and transposed convolutions up) was written for 64×64 images.
 **Exercise 3.2** computes the sizes: a convolution maps $n$ to
 $\lfloor (n + 2p - k)/s \rfloor + 1$, a transposed convolution maps $n$ to
 $(n-1)s - 2p + k + \text{output padding}$.
 */
func convSize(_ n: Int, _ k: Int, _ s: Int, _ p: Int) -> Int {
    nb.exercise("3.2", mine: { try Chapter03.convOutputSize(inputSize: n, kernelSize: k, stride: s, padding: p) },
                reference: { (n + 2 * p - k) / s + 1 })
}
func transposedSize(_ n: Int, _ k: Int, _ s: Int, _ p: Int, _ op: Int) -> Int {
    nb.exercise("3.2", mine: { try Chapter03.transposedConvOutputSize(inputSize: n, kernelSize: k, stride: s, padding: p, outputPadding: op) },
                reference: { (n - 1) * s - 2 * p + k + op })
}
var downPath = [28]
for _ in 0..<3 { downPath.append(convSize(downPath.last!, 4, 2, 1)) }           // 28 → 14 → 7 → 3
var naive = [downPath.last!], repaired = [downPath.last!]
for level in (0..<3).reversed() {
    let skip = downPath[level]
    naive.append(transposedSize(naive.last!, 4, 2, 1, 0))
    repaired.append(transposedSize(repaired.last!, 4, 2, 1, skip - 2 * repaired.last!))
}
nb.table(["", "sizes"], [["down path", downPath.map(String.init).joined(separator: " → ")],
                         ["naive up path", naive.map(String.init).joined(separator: " → ")],
                         ["skips it must match", downPath.dropLast().reversed().map(String.init).joined(separator: ", ")],
                         ["repaired up path", repaired.map(String.init).joined(separator: " → ")]])
/*:
 Going down, $7 \to 3$ loses a row: $\lfloor (7 + 2 - 4)/2 \rfloor + 1 = 3$. Coming
 back, $3 \to 6$, and concatenating a $6 \times 6$ map with the $7 \times 7$ skip fails
 with a shape mismatch in `concat`. The repair is the one PyTorch offers through the
 `output_size` argument of `ConvTranspose2d`: an output padding of 1 exactly where
 the skip is odd, so $3 \to 7$. The kit's `SimpleUNet` computes these paddings from
 its image size; the reference U-Net avoids the problem by halving only twice
 ($28 \to 14 \to 7$) and up-sampling by nearest neighbour, which doubles exactly.
 */
let simple = SimpleUNet(channels: [32, 64, 128, 256], imageSize: 28, using: &initRNG)
let simpleOut = withNoGrad { simple(batch, t) }
nb.print("SimpleUNet (repaired): \(batch.shape) → \(simpleOut.shape), \(simple.parameterCount) parameters")

/*:
 ## How far each level sees: receptive fields

 A pixel of a feature map depends on a square of input pixels, its receptive field.
 Each 3×3 convolution widens it by 2 *steps* of the current grid, and each stride-2
 convolution doubles the step. Counting along the down path of `unet-digits`
 (conv_in, two convolutions per ResBlock, stride-2 convolutions), and checking the
 count with autograd: the gradient of one centre pixel of a feature map with
 respect to the input is non-zero exactly on its receptive field. We measure along
 the convolutions alone (the blocks' `conv1`, `conv2` and the stride-2 convs, with
 SiLU between): GroupNorm normalises with statistics of the whole map, so through
 it every output depends a little on every input pixel.
 */
func receptiveField(of stage: (Tensor) -> Tensor) -> Int {
    let x = Tensor.randn([1, 1, 28, 28], using: &nb.rng)
    x.requiresGrad = true
    let h = stage(x)                                                            // [1, C, s, s]
    let c = h.shape[2] / 2
    var mask = [Float](repeating: 0, count: h.count)
    for ch in 0..<h.shape[1] { mask[(ch * h.shape[2] + c) * h.shape[3] + c] = 1 }
    (h * Tensor(shape: h.shape, scalars: mask)).sum().backward()
    let g = x.grad!.scalars
    let rowsHit = (0..<28).filter { r in (0..<28).contains { g[r * 28 + $0] != 0 } }
    return (rowsHit.last ?? 0) - (rowsHit.first ?? 0) + 1
}
/// The convolution path of a ResBlock: conv2(silu(conv1(silu(x)))).
func convPath(_ block: ResBlock, _ x: Tensor) -> Tensor { block.conv2(block.conv1(x.silu()).silu()) }
let stage1 = { (x: Tensor) in convPath(unet.down[0], unet.convIn(x)) }
let stage2 = { (x: Tensor) in convPath(unet.down[1], unet.downsample[0](stage1(x))) }
let stage3 = { (x: Tensor) in convPath(unet.mid1, unet.downsample[1](stage2(x))) }
var rf = 1, step = 1
var rfRows: [[String]] = []
func conv3(_ n: Int = 1) { for _ in 0..<n { rf += 2 * step } }
conv3(1 + 2)                                                                    // conv_in + down1's two convs
rfRows.append(["down1 (28×28)", "\(rf)", "\(receptiveField(of: stage1))"])
conv3(); step *= 2; conv3(2)                                                    // ds1 (3×3 stride 2), down2
rfRows.append(["down2 (14×14)", "\(rf)", "\(receptiveField(of: stage2))"])
conv3(); step *= 2; conv3(2)                                                    // ds2, mid1
rfRows.append(["mid1 (7×7)", "\(rf) (clipped to 28)", "\(receptiveField(of: stage3))"])
rfRows.append(["attn (7×7)", "everything", "—"])
nb.table(["after", "receptive field (counted)", "measured by autograd"], rfRows)
/*:
 At full resolution a pixel sees a 7×7 patch — a stroke, not a digit. After two
 halvings it sees most of the image, and the self-attention in the middle lets
 every position look at every other. The skip connections then hand the decoder
 both views: the fine local detail and the global shape.

 ## What the network computes on one digit

 Feature maps of one digit at each resolution (the first 16 channels, each scaled
 to its own range). This network is untrained, so these are responses of random
 filters — edges and blobs — but the shapes show the resolutions at work.
 */
func channelsAsImages(_ h: Tensor, count: Int = 16) -> Tensor {
    let c = min(count, h.shape[1]), s = h.shape[2]
    var images: [Float] = []
    for ch in 0..<c {
        let values = Array(h.scalars[(ch * s * s)..<((ch + 1) * s * s)])
        let lo = values.min()!, hi = values.max()!
        images += values.map { hi > lo ? 2 * ($0 - lo) / (hi - lo) - 1 : 0 }
    }
    return Tensor(shape: [c, 1, s, s], scalars: images)
}
nb.images(batch.slice(axis: 0, 0..<1), name: "feature-input", caption: "The input digit", scale: 4)
for (key, name, scale) in [("28×28 (down1)", "features-28", 3), ("14×14 (down2)", "features-14", 6), ("7×7 (mid2)", "features-7", 12)] {
    let first = features[key]!.slice(axis: 0, 0..<1)                             // [1, C, s, s]
    nb.images(channelsAsImages(first),
              name: name, caption: "Feature maps at \(key), 16 channels", columns: 8, scale: scale)
}

/*:
 ## Why the time embedding goes into every block

 The same network must remove a whisper of noise at $t = 10$ and invent a digit
 from static at $t = 990$. If $t$ entered only at the input, the first layers would
 have to carry it, mixed with the image, all the way down the U. Instead every
 ResBlock adds a learned per-channel shift $\mathrm{temb}(\mathrm{SiLU}(e(t)))$
 between its two convolutions (**exercise 3.3** writes that forward pass), so
 every stage can change what it does with the noise level. Here is how much the
 first ResBlock's shift changes with $t$, for a few channels:
 */
let block = unet.down[0]
let ts = Array(stride(from: Float(0), through: 999, by: 9))
let shifts = withNoGrad { block.temb(unet.embed(ts).silu()) }                   // [T', 32]
nb.plot(Plot.lines((0..<4).map { ch in
    Series("channel \(ch)", x: ts.map(Double.init), y: (0..<ts.count).map { Double(shifts.scalars[$0 * 32 + ch]) })
}, title: "down1's time shift per channel (untrained)", xLabel: "t", yLabel: "shift"),
        name: "time-shift", caption: "The per-channel shift that down1 adds, as a function of t")
let sameX = batch.slice(axis: 0, 0..<1)
let myBlockOutput = nb.exercise("3.3", mine: {
    try Chapter03.resBlockForward(x: unet.convIn(sameX), timeEmbedding: unet.embed([10]), block: block)
}, reference: { block(unet.convIn(sameX), unet.embed([10])) })
let late = withNoGrad { block(unet.convIn(sameX), unet.embed([990])) }
nb.print("down1 on the same digit at t = 10 and t = 990 differs by \(Console.number(Double((myBlockOutput - late).abs().mean().item))) on average per value")
/*:
 Even untrained, the same image gives different features at different noise
 levels; training (chapter 04) shapes these shifts into something useful.
 */
nb.finish()
