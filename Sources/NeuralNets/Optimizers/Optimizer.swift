// Optimizer.swift — what every optimizer shares.
//
// An optimizer holds a list of parameter tensors (usually `model.parameters`) and,
// for each one, the running state its update rule needs (a momentum buffer, Adam's
// two moments). A training step is
//
//     optimizer.zeroGrad()          // or model.zeroGrad()
//     let loss = …; loss.backward() // fills every parameter's .grad
//     clipGradNorm(model.parameters, maxNorm: 1)   // optional
//     optimizer.learningRate = schedule(step)      // optional
//     optimizer.step()              // updates the parameters in place
//
// The update rules follow `torch.optim` exactly (same formulas, same order of
// operations, same lazily made state), so a run can be checked against PyTorch
// number for number. A parameter whose `.grad` is `nil` is skipped, state and all,
// as in PyTorch.
//
// References: PyTorch `torch/optim/sgd.py`, `adam.py`, `adamw.py` (2.x, the
// single-tensor code path); mlx-swift `MLXOptimizers` for the naming.

import Tensors

/// A rule that updates parameters in place from their gradients.
///
/// Optimizers are classes: they own per-parameter state that every step mutates, and
/// a training loop keeps one of them for its whole run (`let optimizer = Adam(…)`).
public protocol Optimizer: AnyObject {
    /// The step size. Change it between steps to follow a `LearningRateSchedule`.
    var learningRate: Float { get set }
    /// The tensors this optimizer updates, in the order they were given.
    var parameters: [Tensor] { get }
    /// How many times `step()` has been called.
    var stepCount: Int { get }
    /// Updates every parameter that has a gradient, once.
    func step()
    /// The optimizer's state as named tensors, for checkpoints (PyTorch's
    /// `optimizer.state_dict()["state"]`, flattened: "state.0.exp_avg", …).
    var stateDict: [(name: String, tensor: Tensor)] { get }
    /// Restores the state saved by `stateDict`.
    /// - Throws: `OptimizerStateError` when an entry is missing or has the wrong shape;
    ///   the optimizer is then left unchanged.
    func loadStateDict(_ entries: [(name: String, tensor: Tensor)]) throws
}

extension Optimizer {
    /// Clears the gradient of every parameter (PyTorch's `zero_grad(set_to_none=True)`).
    public func zeroGrad() {
        for p in parameters { p.zeroGrad() }
    }
}

/// Why an optimizer or EMA state could not be loaded from a checkpoint.
public enum OptimizerStateError: Error, CustomStringConvertible, Equatable {
    /// A tensor the state needs is not in the checkpoint.
    case missing(name: String)
    /// A tensor has a different shape from the parameter it belongs to.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// A value that must be a non-negative whole number (a step count) is not.
    case invalidValue(name: String, value: Float)

    /// A one-line message for the learner, naming the entry.
    public var description: String {
        switch self {
        case .missing(let name):
            return "optimizer state: '\(name)' is missing from the checkpoint"
        case .shapeMismatch(let name, let expected, let found):
            return "optimizer state: '\(name)' has shape \(found), expected \(expected)"
        case .invalidValue(let name, let value):
            return "optimizer state: '\(name)' is \(value), expected a whole number ≥ 0"
        }
    }
}

/// Helpers shared by the optimizers and the EMA.
enum OptimizerSupport {
    /// Checks that a parameter's gradient fits it (a mismatch is a bug in an op's backward).
    @inline(__always)
    static func checkGradient(_ grad: Tensor, of parameter: Tensor, index: Int, in optimizer: String) {
        precondition(grad.count == parameter.count,
                     "\(optimizer): gradient of shape \(grad.shape) for parameter \(index) of shape \(parameter.shape)")
    }

    /// Looks an entry up by name and checks its shape.
    static func entry(_ name: String, shape: [Int],
                      in table: [String: Tensor]) throws(OptimizerStateError) -> Tensor {
        guard let t = table[name] else { throw .missing(name: name) }
        guard t.shape == shape else { throw .shapeMismatch(name: name, expected: shape, found: t.shape) }
        return t
    }

    /// Reads a step count saved as a rank-0 tensor (PyTorch saves `step` as float32 too).
    static func stepCount(_ name: String, in table: [String: Tensor]) throws(OptimizerStateError) -> Int {
        let t = try entry(name, shape: [], in: table)
        let v = t.scalars[0]
        guard v.isFinite, v >= 0, v == v.rounded() else { throw .invalidValue(name: name, value: v) }
        return Int(v)
    }

    /// A dictionary of named tensors; later duplicates win.
    static func table(_ entries: [(name: String, tensor: Tensor)]) -> [String: Tensor] {
        Dictionary(entries.map { ($0.name, $0.tensor) }, uniquingKeysWith: { _, last in last })
    }
}
