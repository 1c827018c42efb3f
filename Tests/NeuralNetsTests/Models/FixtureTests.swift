// The kit's reference models against PyTorch: the fixtures hold PyTorch's weights,
// an input, the output, a cotangent g and the gradients of Σ model(x, t)·g with
// respect to every parameter and the input (shared/bench/make_fixtures.py).
// A correct implementation matches to a relative error ‖a − b‖/‖b‖ far below 1e-4
// in float32; the remaining difference is summation order.

import Foundation
import Testing
@testable import NeuralNets
import Tensors

/// ‖a − b‖ / ‖b‖, in Double.
func relativeError(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count, "relativeError: \(a.count) vs \(b.count) values")
    var diff = 0.0, norm = 0.0
    for i in a.indices {
        let d = Double(a[i]) - Double(b[i])
        diff += d * d
        norm += Double(b[i]) * Double(b[i])
    }
    return (diff / max(norm, 1e-300)).squareRoot()
}

/// The fixture file `name` next to this test folder.
func fixturePath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// Copies the fixture's parameters into `model` (by PyTorch name) and returns the
/// remaining entries (input, output, gradients).
func loadFixture(_ name: String, into model: some Module) throws -> [String: Tensor] {
    let (tensors, _) = try Checkpoint.read(fixturePath(name))
    for (key, parameter) in model.namedParameters {
        let value = try #require(tensors[key], "fixture \(name) has no \(key)")
        try #require(value.shape == parameter.shape, "\(key): fixture \(value.shape) vs model \(parameter.shape)")
        parameter.updateScalars { dst in for i in 0..<dst.count { dst[i] = value.scalars[i] } }
    }
    return tensors
}

/// Runs forward and backward and compares output and every gradient with PyTorch's.
func checkAgainstFixture(_ fixture: [String: Tensor], model: some Module,
                         forward: (Tensor, [Float]) -> Tensor) throws {
    let x = try #require(fixture["input.x"]).detached()
    x.requiresGrad = true
    let t = try #require(fixture["input.t"]).scalars
    let g = try #require(fixture["input.g"])
    let y = forward(x, t)
    let expected = try #require(fixture["output.y"])
    #expect(y.shape == expected.shape)
    let outputError = relativeError(y.scalars, expected.scalars)
    #expect(outputError < 1e-4, "output: relative error \(outputError)")
    (y * g).sum().backward()
    var worst = ("", 0.0)
    for (name, p) in model.namedParameters {
        let reference = try #require(fixture["grad.\(name)"], "no grad.\(name) in the fixture")
        let gradient = try #require(p.grad, "\(name) got no gradient")
        let e = relativeError(gradient.scalars, reference.scalars)
        #expect(e < 1e-4, "grad.\(name): relative error \(e)")
        if e > worst.1 { worst = (name, e) }
    }
    let inputError = relativeError(try #require(x.grad).scalars, try #require(fixture["grad.input.x"]).scalars)
    #expect(inputError < 1e-4, "grad.input.x: relative error \(inputError)")
    print("fixture: output error \(outputError), input-gradient error \(inputError), worst parameter gradient \(worst.0) \(worst.1)")
}

@Suite("Reference models against PyTorch fixtures")
struct FixtureTests {
    @Test("unet-digits: 1,314,529 parameters with PyTorch's names, output and all gradients match")
    func unet() throws {
        var rng = SeededGenerator(seed: 0)
        let model = UNet(.digits, using: &rng)
        #expect(model.parameterCount == 1_314_529)
        let fixture = try loadFixture("unet-digits.safetensors", into: model)
        let fixtureParameterNames = Set(fixture.keys.filter { !$0.hasPrefix("input.") && !$0.hasPrefix("output.") && !$0.hasPrefix("grad.") })
        #expect(Set(model.namedParameters.map(\.name)) == fixtureParameterNames)
        try checkAgainstFixture(fixture, model: model) { x, t in model(x, t) }
    }

    @Test("mlp-toy2d: 37,762 parameters, output and all gradients match")
    func mlp() throws {
        var rng = SeededGenerator(seed: 0)
        let model = ToyMLP(using: &rng)
        #expect(model.parameterCount == 37_762)
        let fixture = try loadFixture("mlp-toy2d.safetensors", into: model)
        try checkAgainstFixture(fixture, model: model) { x, t in model(x, t) }
    }
}
