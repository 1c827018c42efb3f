// CheckpointFormatTests.swift — the safetensors reader on hand-made files: every
// dtype's conversion, and each way a header can be wrong.

import Foundation
import NeuralNets
import Tensors
import Testing

@Suite("Checkpoints: the safetensors format")
struct CheckpointFormatTests {
    private let path = "/data/hand-made.safetensors"

    private func decode(_ header: String, _ data: [UInt8] = []) throws -> SafetensorsFile {
        try Safetensors.decode(handMadeSafetensors(header: header, data: data), path: path)
    }

    private func entry(_ dtype: String, _ shape: [Int], _ begin: Int, _ end: Int) -> String {
        #"{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":[\#(begin),\#(end)]}"#
    }

    @Test("F64, F16, BF16, I64, I32 and the small integer types are converted to Float")
    func dtypes() throws {
        let f64 = checkpointLittleEndian([1.5, -2.25, 1e-3].map { (x: Double) in x.bitPattern })
        // F16: 1, −2, 0.5, the smallest subnormal 2^-24, the largest 65504, +∞
        let f16 = checkpointLittleEndian([0x3C00, 0xC000, 0x3800, 0x0001, 0x7BFF, 0x7C00] as [UInt16])
        let bf16 = checkpointLittleEndian([0x3F80, 0xC0A0] as [UInt16])          // 1, −5
        let i64 = checkpointLittleEndian([Int64(12_345), -7])
        let i32 = checkpointLittleEndian([Int32(-3), 2_000_000])
        let u8: [UInt8] = [0, 255], i8: [UInt8] = [0xFF, 0x7F], bool: [UInt8] = [1, 0]
        let parts: [(String, String, [Int], [UInt8])] = [
            ("a.f64", "F64", [3], f64), ("b.f16", "F16", [2, 3], f16), ("c.bf16", "BF16", [2], bf16),
            ("d.i64", "I64", [2], i64), ("e.i32", "I32", [1, 2], i32), ("f.u8", "U8", [2], u8),
            ("g.i8", "I8", [2], i8), ("h.bool", "BOOL", [2], bool),
        ]
        var data: [UInt8] = []
        var fields: [String] = []
        for (name, dtype, shape, bytes) in parts {
            fields.append("\"\(name)\":" + entry(dtype, shape, data.count, data.count + bytes.count))
            data += bytes
        }
        let file = try decode("{" + fields.joined(separator: ",") + "}   ", data)
        #expect(file.names == parts.map(\.0))
        #expect(file.tensor(named: "a.f64")?.scalars == [1.5, -2.25, Float(1e-3)])
        #expect(file.tensor(named: "b.f16")?.shape == [2, 3])
        #expect(file.tensor(named: "b.f16")?.scalars == [1, -2, 0.5, 0x1p-24, 65504, .infinity])
        #expect(file.tensor(named: "c.bf16")?.scalars == [1, -5])
        #expect(file.tensor(named: "d.i64")?.scalars == [12345, -7])
        #expect(file.tensor(named: "e.i32")?.scalars == [-3, 2_000_000])
        #expect(file.tensor(named: "f.u8")?.scalars == [0, 255])
        #expect(file.tensor(named: "g.i8")?.scalars == [-1, 127])
        #expect(file.tensor(named: "h.bool")?.scalars == [1, 0])
        #expect(file.entry(named: "b.f16")?.dtype == .f16)
        #expect(file.tensor(named: "nothing") == nil)
    }

    @Test("a scalar, an empty tensor and an empty file are valid")
    func edgeShapes() throws {
        let file = try decode(#"{"s":\#(entry("F32", [], 0, 4)),"z":\#(entry("F32", [0, 3], 4, 4))}"#,
                              checkpointLittleEndian([Float(2.5).bitPattern]))
        #expect(file.tensor(named: "s")?.shape == [])
        #expect(file.tensor(named: "s")?.scalars == [2.5])
        #expect(file.tensor(named: "z")?.shape == [0, 3])
        #expect(try decode("{}").entries.isEmpty)
        #expect(try Safetensors.decode(Safetensors.encode([]), path: path).entries.isEmpty)
        #expect(try Safetensors.encode([]) == handMadeSafetensors(header: "{}      "))
    }

    /// Checks that decoding `header` + `data` fails with an error mentioning the path and `words`.
    private func expectInvalid(_ header: String, _ data: [UInt8] = [], mentioning words: [String],
                               sourceLocation: SourceLocation = #_sourceLocation) {
        expectCheckpointError(mentioning: [path] + words, sourceLocation: sourceLocation) {
            _ = try decode(header, data)
        }
    }

    @Test("each malformed header gives an error naming the file, the problem and the tensor")
    func malformedHeaders() {
        let eight = [UInt8](repeating: 0, count: 8)
        expectInvalid("", mentioning: ["header is empty"])
        expectInvalid("[]", mentioning: ["does not start with '{'"])
        expectInvalid(#"{"a":1"#, mentioning: ["not valid JSON", "the header ends where"])
        expectInvalid(#"{"a":{}} x"#, mentioning: ["not valid JSON", "unexpected text"])
        expectInvalid(#"{"a":"\x"}"#, mentioning: ["not valid JSON", "invalid escape"])
        expectInvalid("{\"a\":\"\u{01}\"}", mentioning: ["not valid JSON", "control character"])
        expectInvalid(#"{"a":"\ud800"}"#, mentioning: ["not valid JSON", "surrogate"])
        expectInvalid(String(repeating: "{\"a\":", count: 100) + "1" + String(repeating: "}", count: 100),
                      mentioning: ["not valid JSON", "nested"])
        expectInvalid(#"{"w":\#(entry("F32", [2], 0, 8)),"w":\#(entry("F32", [2], 8, 16))}"#, eight + eight,
                      mentioning: ["duplicate key \"w\""])
        expectInvalid(#"{"w":[1,2]}"#, mentioning: ["\"w\"", "an array, not an object"])
        expectInvalid(#"{"w":{"shape":[2],"data_offsets":[0,8]}}"#, eight, mentioning: ["\"w\"", "no \"dtype\""])
        expectInvalid(#"{"w":{"dtype":"F32","data_offsets":[0,8]}}"#, eight, mentioning: ["\"w\"", "no \"shape\""])
        expectInvalid(#"{"w":{"dtype":"F32","shape":[2]}}"#, eight, mentioning: ["\"w\"", "no \"data_offsets\""])
        expectInvalid(#"{"w":{"dtype":32,"shape":[2],"data_offsets":[0,8]}}"#, eight, mentioning: ["\"w\"", "\"dtype\" is a number"])
        expectInvalid(#"{"w":\#(entry("F8_E4M3", [2], 0, 2))}"#, [0, 0], mentioning: ["\"w\"", "unsupported dtype \"F8_E4M3\""])
        expectInvalid(#"{"w":\#(entry("F32", [-2], 0, 8))}"#, eight, mentioning: ["\"w\"", "\"shape\" holds -2"])
        expectInvalid(#"{"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#, eight, mentioning: ["\"w\"", "holds 2.0"])
        expectInvalid(#"{"w":{"dtype":"F32","shape":2,"data_offsets":[0,8]}}"#, eight, mentioning: ["\"w\"", "\"shape\" is a number"])
        expectInvalid(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}}"#, eight, mentioning: ["\"w\"", "3 numbers, not 2"])
        expectInvalid(#"{"w":\#(entry("F32", [2], 8, 0))}"#, eight, mentioning: ["\"w\"", "end before they begin"])
        expectInvalid(#"{"w":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,8]}}"#, eight, mentioning: ["\"w\"", "not a non-negative integer"])
        expectInvalid(#"{"w":\#(entry("F32", [4611686018427387904, 4], 0, 8))}"#, eight, mentioning: ["\"w\"", "too large"])
        expectInvalid(#"{"w":\#(entry("F32", [3], 0, 8))}"#, eight, mentioning: ["\"w\"", "hold 8 bytes", "[3] of F32 needs 12"])
        expectInvalid(#"{"__metadata__":{"step":10}}"#, mentioning: ["metadata \"step\" is a number, not a string"])
        expectInvalid(#"{"__metadata__":"x"}"#, mentioning: ["\"__metadata__\" is a string"])
    }

    @Test("data_offsets out of range, overlapping or leaving gaps, and trailing bytes, are rejected")
    func badOffsets() {
        let sixteen = [UInt8](repeating: 0, count: 16)
        expectInvalid(#"{"w":\#(entry("F32", [2], 8, 16))}"#, Array(sixteen[0..<12]),
                      mentioning: ["\"w\"", "data_offsets [8, 16] run past the end", "12 bytes", "truncated"])
        expectInvalid(#"{"a":\#(entry("F32", [2], 0, 8)),"b":\#(entry("F32", [2], 4, 12))}"#, Array(sixteen[0..<12]),
                      mentioning: ["\"b\"", "overlap those of \"a\" [0, 8]"])
        expectInvalid(#"{"a":\#(entry("F32", [2], 0, 8)),"b":\#(entry("F32", [1], 12, 16))}"#, sixteen,
                      mentioning: ["\"b\"", "gap of 4 unused bytes"])
        expectInvalid(#"{"a":\#(entry("F32", [2], 0, 8))}"#, sixteen, mentioning: ["8 bytes of trailing data"])
        expectInvalid(#"{"a":\#(entry("F32", [2], 0, 8)),"b":\#(entry("F32", [2], 0, 8))}"#, Array(sixteen[0..<8]),
                      mentioning: ["overlap those of"])
    }

    @Test("the header length is checked against the file size")
    func headerLength() {
        for bytes: [UInt8] in [[], [1, 0, 0], [UInt8](repeating: 0xFF, count: 8), [200, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D]] {
            expectCheckpointError(mentioning: [path, "truncated"]) { _ = try Safetensors.decode(bytes, path: path) }
        }
    }

    @Test("random damage never crashes the reader")
    func fuzz() throws {
        let t = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let good = try Safetensors.encode([("a.weight", t), ("a.bias", Tensor(shape: [3], scalars: [7, 8, 9]))],
                                          metadata: ["k": "v"])
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        var rejected = 0
        for _ in 0..<2000 {
            var bytes = good
            for _ in 0..<(1 + next() % 3) { bytes[next() % bytes.count] = UInt8(next() % 256) }
            if next() % 4 == 0 { bytes.removeLast(next() % bytes.count) }
            do {
                let file = try Safetensors.decode(bytes, path: path)
                _ = file.tensors()
            } catch {
                #expect(error.description.contains(path))
                rejected += 1
            }
        }
        #expect(rejected > 0)
    }
}
