// DeterminismTests.swift — the same seed gives byte-identical files; another seed does not.

import Figures
import Foundation
import Tensors
import Testing

@Suite struct DeterminismTests {
    /// A PNG contact sheet of random images drawn with `seed`, written to `path`.
    func writeSamples(seed: UInt64, to path: String) throws -> Data {
        var rng = SeededGenerator(seed: seed)
        let batch = Tensor.randn([6, 1, 10, 10], std: 0.6, using: &rng)      // [N, C, H, W]
        try writeImageGrid(batch, to: path, scale: 2)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test func sameSeedGivesByteIdenticalPNGs() throws {
        try withTemporaryFolder { folder in
            let a = try writeSamples(seed: 0, to: folder + "/a.png")
            let b = try writeSamples(seed: 0, to: folder + "/b.png")
            let c = try writeSamples(seed: 1, to: folder + "/c.png")
            #expect(a.count > 100)
            #expect(a == b)
            #expect(a != c)
        }
    }

    @Test func rewritingTheSameTensorGivesTheSameBytes() throws {
        var rng = SeededGenerator(seed: 3)
        let image = Tensor.uniform([3, 16, 16], low: -1, high: 1, using: &rng)
        try withTemporaryFolder { folder in
            let path = folder + "/x.png"
            try writePNG(image, to: path)
            let first = try Data(contentsOf: URL(fileURLWithPath: path))
            try writePNG(image, to: path)                      // replaces the file atomically
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == first)
            // No temporary files are left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["x.png"])
        }
    }

    @Test func sameFigureGivesByteIdenticalScriptAndData() throws {
        func figure(seed: UInt64) throws -> Figure {
            var rng = SeededGenerator(seed: seed)
            let points = Tensor.randn([50, 2], using: &rng)
            let plot = Plot.scatter([try Series("x", points: points)], title: "seed \(seed)")
            let hist = Plot.histogram(Histogram("v", values: points, bins: 10, density: true),
                                      reference: .standardNormalDensity())
            return Figure([plot, hist], panelWidth: 300, panelHeight: 300)
        }
        try withTemporaryFolder { folder in
            let a = try figure(seed: 0).write(name: "a", in: folder, render: false)
            let b = try figure(seed: 0).write(name: "a", in: folder + "/again", render: false)
            let c = try figure(seed: 1).write(name: "a", in: folder + "/other", render: false)
            func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
            #expect(try bytes(a.script) == bytes(b.script))
            #expect(try bytes(a.data) == bytes(b.data))
            #expect(try bytes(a.data) != bytes(c.data))
        }
    }
}
