// The stubs and the worked solutions declare the same module interface: the same import
// lines and the same declarations, parameter names included. The Swift compiler records
// both in the compiled Exercises module (an `import Foundation` in one file, or
// `alphaBar a:` instead of `alphaBar:`, changes its bytes), and when those bytes change
// SwiftPM recompiles the ≈ 3,000 lines of ExerciseChecks too: ≈ 30 s per learner in
// kit-grade instead of ≈ 3 s (BENCHMARKS.md, "kit-grade"). A learner who only fills in
// function bodies keeps the stub's interface, and so does the solutions fixture.

import Foundation
import Testing

@Suite("Stubs and solutions share one module interface")
struct StubInterfaceTests {
    /// The kit's root: Tests/GradingTests/StubInterfaceTests.swift → up two folders.
    static let kit = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The import lines of a Swift source, in order.
    static func imports(_ source: String) -> [String] {
        source.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("import ") }
    }

    /// Every `public` declaration's header, from `public` to its opening brace, with the
    /// whitespace collapsed: names, parameter labels and names, types and effects.
    static func publicHeaders(_ source: String) -> [String] {
        var headers: [String] = []
        var rest = Substring(source)
        while let start = rest.range(of: "public ") {
            let tail = rest[start.lowerBound...]
            guard let brace = tail.firstIndex(of: "{") else { break }
            headers.append(tail[..<brace].split(whereSeparator: \.isWhitespace).joined(separator: " "))
            rest = tail[tail.index(after: brace)...]
        }
        return headers
    }

    @Test("every chapter's stub and solution have the same imports and public declarations", arguments: 1...9)
    func sameInterface(chapter: Int) throws {
        let name = String(format: "Chapter%02d.swift", chapter)
        let stub = try String(contentsOf: Self.kit.appendingPathComponent("Exercises/\(name)"), encoding: .utf8)
        let solution = try String(contentsOf: Self.kit.appendingPathComponent("Solutions/\(name)"), encoding: .utf8)
        #expect(Self.imports(stub) == ["import DiffusionKit", "import Foundation"], "\(name)")
        #expect(Self.imports(solution) == Self.imports(stub), "\(name): the solution's imports differ from the stub's")
        let (stubHeaders, solutionHeaders) = (Self.publicHeaders(stub), Self.publicHeaders(solution))
        #expect(stubHeaders.count >= 3, "\(name): \(stubHeaders)")
        #expect(solutionHeaders == stubHeaders, "\(name): declarations differ")
    }

    @Test("the header reader sees parameter names: `alphaBar a:` is not `alphaBar:`")
    func headersKeepParameterNames() {
        let a = Self.publicHeaders("public enum E {\n    public static func f(x: Int,\n   alphaBar: Double) -> Int { 1 }\n}")
        let b = Self.publicHeaders("public enum E {\n    public static func f(x: Int, alphaBar a: Double) -> Int { 1 }\n}")
        #expect(a == ["public enum E", "public static func f(x: Int, alphaBar: Double) -> Int"])
        #expect(a != b)
    }
}
