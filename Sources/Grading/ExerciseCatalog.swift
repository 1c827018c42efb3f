// ExerciseCatalog.swift — the exercises of a kit, read from its pristine files.
//
// Every `throw NotImplemented("3.1")` in `Exercises/ChapterNN.swift` is an exercise,
// and the function around it is where a learner writes it; so is every check's
// `@Test("3.1 sinusoidal embedding")`, which also gives the name (a learner's own copy,
// graded with `kit-grade .`, has no stubs left for the exercises already done). An
// optional `grading.json` at the kit's root gives the points.

import Foundation

/// The exercises of a kit, in course order.
public struct ExerciseCatalog: Sendable {
    /// Every exercise, in order.
    public var exercises: [ExerciseInfo]
    /// Exercise id → the stub function's name (the first one, when an exercise has several).
    public var functionNames: [String: String]
    /// Exercise id → the chapter file, "Chapter03.swift".
    public var chapterFiles: [String: String]

    /// The chapter file of exercise "3.1": "Chapter03.swift".
    public static func chapterFile(of exercise: String) -> String {
        let n = Int(exercise.split(separator: ".").first ?? "") ?? 0
        return "Chapter\(n < 10 ? "0" : "")\(n).swift"
    }

    /// Reads the catalog of the kit at `kit` (its `Exercises/`, `Tests/ExerciseChecks/`
    /// and optional `grading.json`).
    public init(kit: URL) throws {
        let exercisesFolder = kit.appendingPathComponent("Exercises")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: exercisesFolder.path)) ?? [])
            .filter { $0.hasPrefix("Chapter") && $0.hasSuffix(".swift") }.sorted()
        guard !files.isEmpty else { throw GradingError.notAKit(kit.path) }
        var ids: [String] = []
        functionNames = [:]
        chapterFiles = [:]
        for file in files {
            let text = try String(contentsOf: exercisesFolder.appendingPathComponent(file), encoding: .utf8)
            var lastFunction: String?
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if let name = Self.functionName(in: line) { lastFunction = name }
                guard let id = Self.notImplementedID(in: line), !ids.contains(id) else { continue }
                ids.append(id)
                functionNames[id] = lastFunction
                chapterFiles[id] = file
            }
        }
        // The checks are the list of what is graded: in a learner's own copy (`kit-grade .`)
        // the stubs are already written, and only the unfinished ones still throw.
        let names = Self.checkNames(kit: kit)
        for id in names.keys where !ids.contains(id) && id.contains(".") && id.allSatisfy({ $0.isNumber || $0 == "." }) {
            ids.append(id)
            chapterFiles[id] = Self.chapterFile(of: id)
        }
        ids.sort(by: Self.precedes)
        let points = try Self.points(kit: kit, known: Set(ids))
        exercises = ids.map { ExerciseInfo(id: $0, name: names[$0] ?? $0, points: points[$0] ?? 1) }
    }

    /// Whether exercise `a` comes before `b` ("2.10" after "2.9").
    static func precedes(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
        return x.lexicographicallyPrecedes(y)
    }

    /// The name in "public static func qSample(x0: …" (nil for other lines).
    static func functionName(in line: Substring) -> String? {
        guard let range = line.range(of: "func ") else { return nil }
        let rest = line[range.upperBound...]
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return name.isEmpty ? nil : String(name)
    }

    /// "3.1" in `throw NotImplemented("3.1")`.
    static func notImplementedID(in line: Substring) -> String? {
        guard let range = line.range(of: "NotImplemented(\"") else { return nil }
        let id = line[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        return id.isEmpty ? nil : String(id)
    }

    /// Exercise id → the check's display name, from `@Test("3.1 …")`.
    static func checkNames(kit: URL) -> [String: String] {
        let folder = kit.appendingPathComponent("Tests/ExerciseChecks")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var names: [String: String] = [:]
        for file in files where file.hasSuffix(".swift") {
            guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                guard let start = line.range(of: "@Test(\"") else { continue }
                let name = line[start.upperBound...].prefix { $0 != "\"" }
                if let id = name.split(separator: " ").first { names[String(id)] = String(name) }
            }
        }
        return names
    }

    /// Points per exercise from `grading.json` ({"points": {"3.1": 2, …}}); 1 when absent.
    static func points(kit: URL, known: Set<String>) throws -> [String: Double] {
        let file = kit.appendingPathComponent("grading.json")
        guard FileManager.default.fileExists(atPath: file.path) else { return [:] }
        let data = try Data(contentsOf: file)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let points = object["points"] as? [String: Any] else {
            throw GradingError.badPoints("\(file.path): expected {\"points\": {\"1.1\": 1, …}}")
        }
        var result: [String: Double] = [:]
        for (id, value) in points {
            guard known.contains(id) else {
                throw GradingError.badPoints("\(file.path): there is no exercise \"\(id)\" (the exercises are \(known.sorted(by: precedes).joined(separator: ", ")))")
            }
            guard let number = value as? NSNumber, number.doubleValue >= 0, number.doubleValue.isFinite else {
                throw GradingError.badPoints("\(file.path): the points of \(id) must be a number ≥ 0, got \(value)")
            }
            result[id] = number.doubleValue
        }
        return result
    }
}

/// What stops grading before it starts, said in one line.
public enum GradingError: Error, CustomStringConvertible, Equatable {
    /// The folder is not a copy of the kit.
    case notAKit(String)
    /// `grading.json` is malformed.
    case badPoints(String)
    /// A learner's copy cannot be read.
    case badCopy(String)
    /// Any other problem, already phrased.
    case other(String)

    /// The one-line message.
    public var description: String {
        switch self {
        case .notAKit(let path): return "\(path) is not a copy of the diffusion kit (it has no Exercises/ChapterNN.swift)"
        case .badPoints(let text): return "grading.json: \(text)"
        case .badCopy(let text): return text
        case .other(let text): return text
        }
    }
}
