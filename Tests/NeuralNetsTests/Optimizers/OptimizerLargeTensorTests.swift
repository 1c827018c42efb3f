// OptimizerLargeTensorTests.swift — the vectorised, multi-threaded path of the kernels.
//
// The small problem of the other tests runs on one thread and mostly in the scalar
// tail of the loops. Here one parameter has 100,003 values: above the threshold at
// which the loops split across cores, and not a multiple of 8, so that both the SIMD
// body and the scalar tail run. Each value has its own constant gradient, and every
// value is checked against the update rule in Double.

import Testing
import Tensors
import NeuralNets

@Suite struct OptimizerLargeTensorTests {
    static let count = 100_003

    static func value(_ j: Int) -> Float { Float(j % 211) * 0.01 - 1.05 + 0.003 }      // never 0
    static func gradient(_ j: Int) -> Float { Float(j % 97) * 0.02 - 0.97 + 0.001 }    // never 0

    static func parameter() -> Tensor {
        let p = Tensor(shape: [count], scalars: (0..<count).map(value), requiresGrad: true)
        OptimTestKit.setGradient(p, (0..<count).map(gradient))
        return p
    }

    static func expectEveryValue(_ p: Tensor, tolerance: Double, _ what: String,
                                 _ reference: (_ p: Double, _ g: Double) -> Double,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        for j in 0..<count {
            let expected = reference(Double(value(j)), Double(gradient(j)))
            if !(abs(Double(p.scalars[j]) - expected) <= tolerance) {
                Issue.record("\(what): value \(j): got \(p.scalars[j]), expected \(expected)",
                             sourceLocation: sourceLocation)
                return
            }
        }
    }

    @Test func adamAndAdamWOnALargeTensor() {
        for decoupled in [false, true] {
            let p = Self.parameter()
            let optimizer: any Optimizer = decoupled
                ? AdamW(parameters: [p], learningRate: 0.01, weightDecay: 0.1)
                : Adam(parameters: [p], learningRate: 0.01, weightDecay: 0.1)
            for _ in 0..<3 { optimizer.step() }     // the gradient stays set: the same g each step
            Self.expectEveryValue(p, tolerance: 1e-6, decoupled ? "AdamW" : "Adam") { p0, g0 in
                var p = p0, m = 0.0, v = 0.0
                for t in 1...3 {
                    var g = g0
                    if decoupled { p *= 1 - 0.01 * 0.1 } else { g += 0.1 * p }
                    m = 0.9 * m + 0.1 * g
                    v = 0.999 * v + 0.001 * g * g
                    let mHat = m / (1 - OptimTestKit.pow(0.9, Double(t)))
                    let vHat = v / (1 - OptimTestKit.pow(0.999, Double(t)))
                    p -= 0.01 * mHat / (vHat.squareRoot() + 1e-8)
                }
                return p
            }
        }
    }

    @Test func sgdNesterovOnALargeTensor() {
        let p = Self.parameter()
        let sgd = SGD(parameters: [p], learningRate: 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true)
        for _ in 0..<3 { sgd.step() }
        Self.expectEveryValue(p, tolerance: 1e-6, "SGD Nesterov") { p0, g0 in
            var p = p0, b = 0.0
            for t in 0..<3 {
                let g = g0 + 0.01 * p
                b = t == 0 ? g : 0.9 * b + g
                p -= 0.05 * (g + 0.9 * b)
            }
            return p
        }
    }

    @Test func clipGradNormOnALargeTensor() {
        let p = Self.parameter()
        let exact = (0..<Self.count).reduce(0.0) { $0 + Double(Self.gradient($1)) * Double(Self.gradient($1)) }
            .squareRoot()
        let norm = clipGradNorm([p], maxNorm: 1)
        #expect(abs(Double(norm) - exact) <= 1e-6 * exact)
        let after = p.grad!.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(after - 1) < 1e-5)
    }
}
