// AutogradTests.swift — the mechanics of the backward pass: accumulation,
// zeroGrad, no-grad scopes, deep graphs and vector–Jacobian products.

import Testing
@testable import Tensors

@Suite struct AutogradTests {
    @Test func backwardTwiceAccumulates() {
        let x = Tensor([1, -2, 3], requiresGrad: true)
        let loss = (x * x).sum()                     // ∂/∂x = 2x
        loss.backward()
        expectValues(x.grad!, shape: [3], [2, -4, 6])
        loss.backward()                              // the graph is still there: adds again
        expectValues(x.grad!, shape: [3], [4, -8, 12])
    }

    @Test func zeroGradClears() {
        let x = Tensor([1, -2, 3], requiresGrad: true)
        let loss = (x * 3).sum()
        loss.backward()
        expectValues(x.grad!, shape: [3], [3, 3, 3])
        x.zeroGrad()
        #expect(x.grad == nil)
        loss.backward()
        expectValues(x.grad!, shape: [3], [3, 3, 3])
    }

    @Test func noGradRecordsNothing() {
        let x = Tensor([1, 2], requiresGrad: true)
        #expect(GradMode.isEnabled)
        let y = withNoGrad {
            #expect(!GradMode.isEnabled)
            return (x * 2 + 1).exp().sum()
        }
        #expect(!y.requiresGrad)
        #expect(y.isLeaf)
        #expect(y.inputs.isEmpty)
        expectValues(y, shape: [], [168.498696], tolerance: 1e-6)   // e³ + e⁵
        // Recording is back on after the scope, and nested scopes restore it too.
        #expect(GradMode.isEnabled)
        let z = x * 2
        #expect(z.requiresGrad && !z.isLeaf && z.inputs.count == 1)
        withNoGrad { withNoGrad {}; #expect(!GradMode.isEnabled) }
        #expect(x.grad == nil)
    }

    @Test func opsOnConstantsRecordNothing() {
        let a = Tensor([1, 2]), b = Tensor([3, 4])
        let c = (a * b).sum()
        #expect(!c.requiresGrad && c.isLeaf && c.inputs.isEmpty)
        #expect(c.op == "sum")
        let x = Tensor([1, 2], requiresGrad: true)
        let d = x.detached()
        #expect(!d.requiresGrad && d.scalars == x.scalars)
        #expect(!(d * 2).requiresGrad)
    }

    /// 10,000 chained adds: the topological sort is iterative, so backward does not
    /// recurse 10,000 deep; releasing the graph afterwards must not overflow either.
    @Test func deepChainDoesNotOverflow() {
        let x = Tensor([0.5, -1], requiresGrad: true)
        do {
            var y = x
            for _ in 0..<10_000 { y = y + x }
            y.sum().backward()
        }
        expectValues(x.grad!, shape: [2], [10_001, 10_001])
    }

    /// For a non-scalar y, `y.backward(v)` computes the vector–Jacobian product vᵀ·∂y/∂x.
    @Test func explicitGradientIsVJP() {
        // y = W·u with W [2, 3], u [3, 1]: ∂L/∂W = v·uᵀ, ∂L/∂u = Wᵀ·v.
        let w = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6], requiresGrad: true)
        let u = Tensor(shape: [3, 1], scalars: [1, -1, 2], requiresGrad: true)
        let y = matmul(w, u)                                   // [[5], [11]]
        expectValues(y, shape: [2, 1], [5, 11])
        y.backward(Tensor(shape: [2, 1], scalars: [10, -1]))
        expectValues(w.grad!, shape: [2, 3], [10, -10, 20, -1, 1, -2])
        expectValues(u.grad!, shape: [3, 1], [6, 15, 24])

        // Elementwise: y = x², so vᵀ·∂y/∂x = 2x·v.
        let x = Tensor([1, 2, 3], requiresGrad: true)
        x.squared().backward(Tensor([1, 0.5, -2]))
        expectValues(x.grad!, shape: [3], [2, 2, -12])

        // A leaf: the VJP of the identity is v itself.
        let leaf = Tensor([1, 2], requiresGrad: true)
        leaf.backward(Tensor([7, 8]))
        expectValues(leaf.grad!, shape: [2], [7, 8])
    }

    /// A diamond: x feeds two branches that meet again; both paths contribute.
    @Test func diamondGraph() {
        let x = Tensor([0.5, 2], requiresGrad: true)
        let a = x * 3, b = x.squared()
        (a * b).sum().backward()                     // d/dx (3x · x²) = 9x²
        expectValues(x.grad!, shape: [2], [2.25, 36], tolerance: 1e-6)
    }

    @Test func intermediateResultsKeepNoGrad() {
        let x = Tensor([1, 2], requiresGrad: true)
        let h = x * 2
        (h * h).sum().backward()
        #expect(h.grad == nil)                       // like PyTorch: only leaves keep .grad
        expectValues(x.grad!, shape: [2], [8, 16])   // d/dx 4x² = 8x
    }
}
