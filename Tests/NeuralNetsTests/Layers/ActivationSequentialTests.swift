// ActivationSequentialTests.swift — the activation layers against their formulas,
// their gradients, and Sequential's order, names and modes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import NeuralNets
import Tensors

@Suite struct ActivationTests {
    @Test func valuesMatchFormulas() {
        let x = layerInput([3, 4], seed: 61)
        let v = x.scalars
        expectLayerValues(SiLU()(x), shape: [3, 4], v.map { $0 / (1 + expf(-$0)) }, tolerance: 1e-6)
        expectLayerValues(ReLU()(x), shape: [3, 4], v.map { max($0, 0) }, tolerance: 0)
        // GELU, tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
        let k = (2 / Float.pi).squareRoot()
        expectLayerValues(GELU()(x), shape: [3, 4], v.map { 0.5 * $0 * (1 + tanhf(k * ($0 + 0.044715 * $0 * $0 * $0))) },
                          tolerance: 1e-6)
        // Hand values: SiLU(1) = 1/(1 + e⁻¹) = 0.7310586; GELU(1) ≈ 0.8411920 (tanh form).
        expectLayerValues(SiLU()(Tensor([1])), shape: [1], [0.7310586], tolerance: 1e-6)
        expectLayerValues(GELU()(Tensor([1])), shape: [1], [0.8411920], tolerance: 1e-6)
    }

    @Test func gradientsMatchFiniteDifferences() {
        let x = layerInput([2, 5], seed: 62)
        let layers: [any UnaryLayer] = [SiLU(), ReLU(), GELU()]
        for layer in layers {
            layerGradCheck([x]) { layer(x) }
            #expect(layer.parameters.isEmpty)
        }
    }
}

@Suite struct SequentialTests {
    @Test func appliesInOrderWithPyTorchNames() {
        var rng = SeededGenerator(seed: 63)
        let first = Linear(3, 4, using: &rng), last = Linear(4, 2, using: &rng)
        let net = Sequential([first, SiLU(), last])
        let x = layerInput([5, 3], seed: 64)
        expectLayerValues(net(x), shape: [5, 2], last(first(x).silu()).scalars, tolerance: 0)
        #expect(layerParameterShapes(net) == ["0.weight [4, 3]", "0.bias [4]", "2.weight [2, 4]", "2.bias [2]"])
        #expect(net.children.map(\.name) == ["0", "1", "2"])
        layerGradCheck([x] + net.parameters) { net(x) }
        #expect(Sequential(SiLU(), ReLU()).layers.count == 2)
        #expect(net[2] === last)
    }

    @Test func trainAndEvalReachTheChildren() {
        let dropoutFree = Sequential([BatchNorm2d(2), SiLU()])
        dropoutFree.eval()
        #expect(!dropoutFree.training)
        #expect(dropoutFree.layers.allSatisfy { !$0.training })
        dropoutFree.train()
        #expect(dropoutFree.layers.allSatisfy { $0.training })
        #expect(dropoutFree.namedBuffers.map(\.name) == ["0.running_mean", "0.running_var", "0.num_batches_tracked"])
    }
}
