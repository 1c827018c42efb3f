// EMA.swift — an exponential moving average of a model's weights.
//
// Diffusion models are sampled with averaged weights: the raw weights jitter from
// step to step, and the average over the last few thousand steps gives visibly
// cleaner samples (Ho et al. 2020 used β = 0.9999). After each optimizer step n
// (0-based):
//
//   1. d = decay(n)                         (see `EMAWarmup`; a frozen parameter uses d = 0)
//   2. s ← s − (1 − d)·(s − p)              (= d·s + (1 − d)·p, diffusers' in-place form)
//
// Sampling with the averages and then training on:
//
//   ema.apply()            // 3. keep a copy of the live weights, write the averages in
//   …sample…
//   ema.restore()          // 4. put the live weights back
//
// or `ema.withAveragedParameters { …sample… }`, which does both.
//
// The shadow tensors carry the model's parameter names, so `stateDict` can be saved
// as a checkpoint that loads straight into the same model.

import Tensors

/// An exponential moving average ("shadow copy") of a list of parameters, with a
/// warm-up of the decay (diffusers' `EMAModel`).
public final class EMA {
    /// The ceiling of the decay: the averaging horizon is about `1/(1 − beta)` steps.
    public let beta: Float
    /// How the decay grows during the first steps.
    public let warmup: EMAWarmup
    /// The live parameters being averaged.
    public let parameters: [Tensor]
    /// The name of each parameter, as in the model's `namedParameters` ("0", "1", … if
    /// none were given).
    public let names: [String]
    /// The averages, one per parameter, with the same shapes.
    public let shadow: [Tensor]
    /// The decay of the last `update(step:)`, or `nil` before the first.
    public private(set) var lastDecay: Float?
    /// The live weights saved by `store()`/`apply()`, until `restore()`.
    private var backup: [[Float]]?

    /// Starts an average of `parameters` at their current values.
    /// - Parameters:
    ///   - names: the shadow tensors' names in `stateDict` (default "0", "1", …).
    ///   - beta: the largest decay (0.9999 as in DDPM; 0.999 for short runs).
    ///   - warmup: how the decay grows at first (`.linear`: `min(β, (1 + n)/(10 + n))`).
    /// - Precondition: `0 ≤ beta ≤ 1`; `names`, if given, has one name per parameter;
    ///   an inverse-gamma warm-up has `invGamma > 0` and `power > 0`.
    public init(parameters: [Tensor], names: [String]? = nil, beta: Float = 0.9999,
                warmup: EMAWarmup = .linear) {
        precondition(beta >= 0 && beta <= 1, "EMA: beta must be in [0, 1], got \(beta)")
        if case let .inverseGamma(invGamma, power, _) = warmup {
            precondition(invGamma > 0 && power > 0, "EMA: inverse-gamma warm-up needs invGamma > 0 and power > 0")
        }
        let names = names ?? parameters.indices.map { String($0) }
        precondition(names.count == parameters.count,
                     "EMA: \(names.count) names for \(parameters.count) parameters")
        self.parameters = parameters
        self.names = names
        self.beta = beta
        self.warmup = warmup
        self.shadow = parameters.map { Tensor(shape: $0.shape, scalars: $0.scalars) }
    }

    /// Starts an average of named parameters (a model's `namedParameters`).
    public convenience init(namedParameters: [(name: String, tensor: Tensor)], beta: Float = 0.9999,
                            warmup: EMAWarmup = .linear) {
        self.init(parameters: namedParameters.map(\.tensor), names: namedParameters.map(\.name),
                  beta: beta, warmup: warmup)
    }

    /// Starts an average of a model's parameters, named as in its `namedParameters`.
    public convenience init(_ model: some Module, beta: Float = 0.9999, warmup: EMAWarmup = .linear) {
        self.init(namedParameters: model.namedParameters, beta: beta, warmup: warmup)
    }

    /// The decay used at step `n`: `warmup.decay(step: n, beta: beta)`.
    public func decay(at step: Int) -> Float { warmup.decay(step: step, beta: beta) }

    /// Moves every average towards its parameter's current value, after optimizer step
    /// `step` (0-based: pass 0 after the first `optimizer.step()`).
    /// - Precondition: the averages are not applied (call `restore()` first).
    public func update(step: Int) {
        precondition(backup == nil, "EMA.update(step:): the averages are applied to the parameters; call restore() first")
        let d = decay(at: step)                                                 // (1)
        lastDecay = d
        for (p, s) in zip(parameters, shadow) {
            let rate = p.requiresGrad ? 1 - d : 1       // a frozen parameter is copied
            p.scalars.withUnsafeBufferPointer { w in
                s.updateScalars { a in
                    for j in 0..<a.count { a[j] -= rate * (a[j] - w[j]) }       // (2)
                }
            }
        }
    }

    /// Writes the averages into `targets` (a model with the same parameter shapes, in
    /// the same order), without saving what was there.
    public func copy(to targets: [Tensor]) {
        precondition(targets.count == shadow.count,
                     "EMA.copy(to:): \(targets.count) tensors for \(shadow.count) averages")
        for (i, (s, t)) in zip(shadow, targets).enumerated() {
            precondition(s.shape == t.shape,
                         "EMA.copy(to:): '\(names[i])' has shape \(t.shape), the average \(s.shape)")
            copyValues(s.scalars, into: t)
        }
    }

    /// Saves a copy of the live parameters' values, for `restore()`.
    /// - Precondition: nothing is stored already (a second `store()` would lose the live values).
    public func store() {
        precondition(backup == nil, "EMA.store(): values are stored already; call restore() first")
        backup = parameters.map(\.scalars)                                      // (3)
    }

    /// Saves the live values (`store()`), then writes the averages into the parameters.
    public func apply() {
        store()
        copy(to: parameters)
    }

    /// Puts back the values saved by `store()` or `apply()`.
    /// - Precondition: `store()` or `apply()` was called since the last `restore()`.
    public func restore() {
        guard let saved = backup else { fatalError("EMA.restore(): nothing stored; call store() or apply() first") }
        for (values, p) in zip(saved, parameters) { copyValues(values, into: p) }   // (4)
        backup = nil
    }

    /// Runs `body` with the averages in the parameters, then puts the live values back
    /// (even if `body` throws).
    public func withAveragedParameters<R>(_ body: () throws -> R) rethrows -> R {
        apply()
        defer { restore() }
        return try body()
    }

    /// The averages under the parameters' names: a checkpoint that loads into the model
    /// itself. The tensors are snapshots (later updates do not change them).
    public var stateDict: [(name: String, tensor: Tensor)] {
        zip(names, shadow).map { ($0, Tensor(shape: $1.shape, scalars: $1.scalars)) }
    }

    /// Replaces the averages with those of a checkpoint saved from `stateDict`.
    /// - Throws: `OptimizerStateError` if a name is missing or a shape differs; the
    ///   averages are then left unchanged.
    public func loadStateDict(_ entries: [(name: String, tensor: Tensor)]) throws {
        let table = OptimizerSupport.table(entries)
        let loaded = try zip(names, shadow).map { name, s in
            try OptimizerSupport.entry(name, shape: s.shape, in: table)
        }
        for (t, s) in zip(loaded, shadow) { copyValues(t.scalars, into: s) }
    }

    private func copyValues(_ values: [Float], into target: Tensor) {
        values.withUnsafeBufferPointer { src in
            target.updateScalars { dst in
                for j in 0..<dst.count { dst[j] = src[j] }
            }
        }
    }
}
