// PixelShuffle.swift — cutting an image into p×p patches stacked as channels, and back
// (PyTorch `F.pixel_unshuffle` and `F.pixel_shuffle`; Shi et al. 2016).
//
//     pixelUnshuffle: y[n, c·p² + u·p + v, i, j] = x[n, c, p·i + u, p·j + v]
//                     [N, C, p·H, p·W] → [N, C·p², H, W]
//     pixelShuffle:   the inverse, [N, C·p², H, W] → [N, C, p·H, p·W]
//
// Both only move values (a reshape, a permutation, a reshape), so their gradients move
// the gradient back the same way. A U-Net on patches (`UNetConfig.patchSize`) starts on
// an image p times smaller in each side: its costliest level, the full-size one, is gone.

import Tensors

/// Stacks each p×p patch of `x` [N, C, p·H, p·W] into channels: [N, C·p², H, W]
/// (PyTorch `F.pixel_unshuffle(x, p)`). Differentiable.
public func pixelUnshuffle(_ x: Tensor, factor p: Int) -> Tensor {
    layerCheck(x.rank == 4, "pixelUnshuffle: input must be [N, C, H, W], got \(x.shape)")
    layerCheck(p >= 1 && x.shape[2] % p == 0 && x.shape[3] % p == 0,
               "pixelUnshuffle: height and width \(x.shape[2])×\(x.shape[3]) must be divisible by the factor \(p)")
    if p == 1 { return x }
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2] / p, x.shape[3] / p)
    return x.reshaped([n, c, h, p, w, p])                           // [N, C, H, u, W, v]
        .permuted([0, 1, 3, 5, 2, 4])                               // [N, C, u, v, H, W]
        .reshaped([n, c * p * p, h, w])                             // [N, C·p², H, W]
}

/// Spreads the channels of `x` [N, C·p², H, W] back into p×p patches: [N, C, p·H, p·W]
/// (PyTorch `F.pixel_shuffle(x, p)`; the inverse of `pixelUnshuffle`). Differentiable.
public func pixelShuffle(_ x: Tensor, factor p: Int) -> Tensor {
    layerCheck(x.rank == 4, "pixelShuffle: input must be [N, C, H, W], got \(x.shape)")
    layerCheck(p >= 1 && x.shape[1] % (p * p) == 0,
               "pixelShuffle: channels \(x.shape[1]) must be divisible by the factor squared, \(p * p)")
    if p == 1 { return x }
    let (n, c, h, w) = (x.shape[0], x.shape[1] / (p * p), x.shape[2], x.shape[3])
    return x.reshaped([n, c, p, p, h, w])                           // [N, C, u, v, H, W]
        .permuted([0, 1, 4, 2, 5, 3])                               // [N, C, H, u, W, v]
        .reshaped([n, c, h * p, w * p])                             // [N, C, p·H, p·W]
}
