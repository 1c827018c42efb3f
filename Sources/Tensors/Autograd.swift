// Autograd.swift — reverse-mode automatic differentiation.
//
// Every op that makes a tensor (see `Arithmetic.swift`, `Unary.swift`, …) records
// its inputs and a closure `backward: (∂L/∂out) -> [∂L/∂input]`. Calling
// `loss.backward()` then:
//
//   1. sorts the graph that produced `loss` so that every tensor comes before the
//      inputs it was computed from (reverse topological order);
//   2. seeds ∂L/∂loss = 1;
//   3. visits each tensor in that order, calls its closure with the gradient gathered
//      so far, and adds each returned input gradient to that input's running total
//      (a tensor used twice gets the sum of both contributions — the chain rule);
//   4. stores the totals of the leaves that require a gradient in their `.grad`.
//
// Gradients of intermediate tensors are dropped once used, as in PyTorch. The
// backward closures themselves run with recording turned off, so computing
// gradients never grows the graph.

/// Whether ops record the autograd graph. Sampling and evaluation run inside
/// `withNoGrad { … }`, which records nothing and keeps no intermediate tensors alive.
public enum GradMode {
    @TaskLocal static var enabled: Bool = true

    /// `true` unless inside `withNoGrad`.
    public static var isEnabled: Bool { enabled }
}

/// Runs `body` without recording the autograd graph (PyTorch's `torch.no_grad()`).
/// Results made inside have `requiresGrad == false`.
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$enabled.withValue(false) { try body() }
}

extension Tensor {
    /// Computes ∂self/∂x for every leaf x with `requiresGrad`, adding it to `x.grad`.
    ///
    /// `self` is usually a scalar loss. For a non-scalar tensor pass `gradient`, the
    /// cotangent ∂L/∂self of the same shape: the call then computes the
    /// vector–Jacobian product (PyTorch's `y.backward(g)`).
    public func backward(_ gradient: Tensor? = nil) {
        guard requiresGrad else {
            fatalError("backward: this tensor (op \(op), shape \(shape)) does not require a gradient; set requiresGrad on an input first")
        }
        let seed: Tensor
        if let gradient {
            guard gradient.shape == shape else {
                fatalError("backward: gradient of shape \(gradient.shape) for a tensor of shape \(shape)")
            }
            seed = gradient
        } else {
            guard count == 1 else {
                fatalError("backward: tensor of shape \(shape) is not a scalar; pass the gradient ∂L/∂self")
            }
            seed = Tensor(repeating: 1, shape: shape)
        }

        withNoGrad {
            // Running totals of ∂L/∂node for nodes not yet visited.
            var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
            for node in topologicallySorted() {
                guard let g = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
                guard let backwardFn = node.backwardFn else {
                    node.accumulateGrad(g)          // a leaf: keep its gradient
                    continue
                }
                let inputGrads = backwardFn(g)
                for (input, inputGrad) in zip(node.inputs, inputGrads) {
                    guard input.requiresGrad, let inputGrad else { continue }
                    precondition(inputGrad.shape == input.shape,
                                 "backward of \(node.op): gradient shape \(inputGrad.shape) for input of shape \(input.shape)")
                    let key = ObjectIdentifier(input)
                    pending[key] = pending[key].map { $0.adding(inputGrad) } ?? inputGrad
                }
            }
        }
    }

    /// The tensors this one depends on (those that require a gradient), each after
    /// every tensor computed from it: a reverse topological order, found by an
    /// iterative depth-first search (deep graphs cannot overflow the stack).
    func topologicallySorted() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        // (node, whether its inputs have been pushed already)
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.inputs where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order.reversed()   // post-order reversed: outputs before their inputs
    }

    /// `self + other` for same-shape tensors, without recording (gradient sums).
    func adding(_ other: Tensor) -> Tensor {
        Tensor(shape: shape, scalars: Kernels.zip(scalars, other.scalars) { $0 + $1 })
    }
}

extension Tensor {
    /// Records a custom differentiable op, for layers written outside this module
    /// (a fused convolution or normalisation): `scalars` is the forward result, and
    /// `backward` maps ∂L/∂result to ∂L/∂input for each input (`nil` where an input
    /// needs none). As with every op, nothing is recorded under `withNoGrad` or when
    /// no input requires a gradient.
    public static func record(shape: [Int], scalars: [Float], op: String, inputs: [Tensor],
                              backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        Tensor(shape: shape, scalars: scalars, op: op, inputs: inputs, backward: backward)
    }
}
