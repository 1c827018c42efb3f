// KitFixtures.swift — learner copies with known mistakes, for `kit-grade --check-kit`.
//
// Each fixture is a copy of the kit whose `Exercises/` is made from the worked
// solutions with one deliberate mistake per exercise, so that every status of the
// vocabulary is produced and its expected verdict is known in advance:
//
//   1.1 calls exit(0)              → crashed ("exit called?")
//   1.2 loops forever              → timed_out
//   1.3 reads past an array's end  → crashed, with the learner's file and line
//   2.x a type error in the file   → compile_error (the other chapters still graded)
//   3.1 throws its own error       → threw
//   3.2 rounds the wrong way       → wrong_value
//   3.3 returns a [1] tensor       → wrong_shape
//   4.2 returns NaN                → non_finite
//   5.1 tries to write outside its workspace and to connect to this process → passed,
//       with nothing written and no connection (when sandboxed)
//   6.1 still throws NotImplemented → not_started
//   and Tests/ExerciseChecks/Chapter03.swift emptied "to pass" → changed, ignored.
// A git copy whose only commit is after the deadline cannot be graded: not_run.

import Foundation

/// A fixture copy and the verdicts grading it must give.
public struct KitFixture: Sendable {
    /// The copy's folder.
    public var copy: URL
    /// Exercise id → expected status (absent: `passed`).
    public var expected: [String: Verdict.Status]
    /// The deadline to grade it with, if any.
    public var before: String?
    /// Text each listed exercise's message must contain.
    public var messageContains: [String: String] = [:]
    /// Whether the copy is expected to be graded.
    public var gradable = true
    /// Files the report must list as changed and ignored.
    public var changedIgnored: [String] = []
}

/// Making the fixture copies.
public enum KitFixtures {
    /// Copies the kit's sources (not its build products) into `folder`, with `exercises` as `Exercises/`.
    static func makeCopy(kit: URL, at folder: URL, exercises: [String: Data]) throws {
        var files: [String: Data] = [:]
        for path in KitFiles.list(kit) where !KitFiles.isExerciseFile(path) {
            files[path] = try Data(contentsOf: kit.appendingPathComponent(path))
        }
        try KitFiles.mirror(files.merging(exercises) { $1 }, into: folder)
    }

    /// The solutions as a learner's `Exercises/` files.
    static func solutions(kit: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for (path, data) in try KitFiles.read(kit, under: "Solutions") where path.hasSuffix(".swift") {
            files["Exercises/" + (path.split(separator: "/").last.map(String.init) ?? path)] = data
        }
        return files
    }

    /// Replaces `old` by `new` in a file's text; fails when `old` is not there (the
    /// solutions changed, and the fixture with them must).
    static func edit(_ files: inout [String: Data], _ path: String, _ old: String, _ new: String) throws {
        guard let data = files[path] else { throw GradingError.other("check-kit: \(path) is missing") }
        let text = String(decoding: data, as: UTF8.self)
        guard text.contains(old) else {
            throw GradingError.other("check-kit: cannot plant a mistake in \(path): it no longer contains \"\(old)\"")
        }
        files[path] = Data(text.replacingOccurrences(of: old, with: new).utf8)
    }

    /// Plants `mistake` at the start of the solution whose declaration is
    /// `public static func <signature> {`: the solution is renamed `<name>Solution` and
    /// the exercise runs the mistake, then returns `try <call with the new name>`.
    static func plant(_ files: inout [String: Data], _ path: String, _ signature: String, call: String, mistake: String) throws {
        let name = String(signature.prefix { $0 != "(" })
        try edit(&files, path, "public static func \(signature) {", """
            public static func \(signature) {
                    \(mistake)
                    return try \(name)Solution\(call.dropFirst(name.count))
                }
                static func \(name)Solution\(signature.dropFirst(name.count)) {
            """)
    }

    /// Writes the fixtures under `folder`: solutions, pristine, mistakes and late.
    /// `outside` is a path the sandbox must keep the mistakes copy from writing;
    /// `port` a local TCP port it must not reach.
    public static func make(kit: URL, in folder: URL, outside: URL, port: UInt16) throws -> [KitFixture] {
        let fm = FileManager.default
        try? fm.removeItem(at: folder)
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let catalog = try ExerciseCatalog(kit: kit)
        let all = catalog.exercises.map(\.id)
        let solutions = try solutions(kit: kit)
        let stubs = try KitFiles.read(kit, under: "Exercises")

        // Mistakes first: a later copy must not inherit anything from it.
        var m = solutions
        let ch = { (n: String) in "Exercises/Chapter\(n).swift" }
        try edit(&m, ch("01"), "import DiffusionKit\n", "import DiffusionKit\nimport Foundation\n")
        try plant(&m, ch("01"), "qSample(x0: Tensor, t: [Int], noise: Tensor, alphasCumprod: Tensor) throws -> Tensor",
                  call: "qSample(x0: x0, t: t, noise: noise, alphasCumprod: alphasCumprod)",
                  mistake: "if !t.isEmpty { exit(0) }")
        try plant(&m, ch("01"), "snr(alphasCumprod: Tensor) throws -> Tensor", call: "snr(alphasCumprod: alphasCumprod)",
                  mistake: "var spin = 1.0\n        while spin > 0 { spin = spin * 0.5 + 1 }")
        try plant(&m, ch("01"), "forwardStep(xPrev: Tensor, t: [Int], noise: Tensor, betas: Tensor) throws -> Tensor",
                  call: "forwardStep(xPrev: xPrev, t: t, noise: noise, betas: betas)",
                  mistake: "let empty: [Int] = []\n        _ = empty[t.count]")
        m[ch("02")] = (m[ch("02")] ?? Data()) + Data("\nlet brokenOnPurpose: Int = \"not a number\"\n".utf8)
        try plant(&m, ch("03"), "sinusoidalEmbedding(t: [Float], dimension: Int) throws -> Tensor",
                  call: "sinusoidalEmbedding(t: t, dimension: dimension)", mistake: "if dimension > 0 { throw LearnerMistake() }")
        m[ch("03")] = (m[ch("03")] ?? Data()) + Data("\nstruct LearnerMistake: Error {}\n".utf8)
        try plant(&m, ch("03"), "convOutputSize(inputSize: Int, kernelSize: Int, stride: Int, padding: Int) throws -> Int",
                  call: "convOutputSize(inputSize: inputSize, kernelSize: kernelSize, stride: stride, padding: padding)",
                  mistake: "if inputSize > 0 { return (inputSize + 2 * padding - kernelSize) / stride + 2 }")
        try plant(&m, ch("03"), "resBlockForward(x: Tensor, timeEmbedding: Tensor, block: ResBlock) throws -> Tensor",
                  call: "resBlockForward(x: x, timeEmbedding: timeEmbedding, block: block)",
                  mistake: "if x.rank > 0 { return Tensor(shape: [1], scalars: [1]) }")
        try plant(&m, ch("04"), "emaUpdate(shadow: Tensor, parameter: Tensor, decay: Float) throws -> Tensor",
                  call: "emaUpdate(shadow: shadow, parameter: parameter, decay: decay)",
                  mistake: "if decay >= 0 { return shadow * Float.nan }")
        try edit(&m, ch("05"), "import DiffusionKit\n", "import DiffusionKit\nimport Foundation\n")
        try plant(&m, ch("05"), "predictX0(xt: Tensor, epsilon: Tensor, t: [Int], alphasCumprod: Tensor) throws -> Tensor",
                  call: "predictX0(xt: xt, epsilon: epsilon, t: t, alphasCumprod: alphasCumprod)", mistake: "SandboxProbe.escape()")
        m[ch("05")] = (m[ch("05")] ?? Data()) + Data(escapeProbe(outside: outside, port: port).utf8)
        try plant(&m, ch("06"), "timesteps(_ spacing: TimestepSpacing, steps S: Int, of T: Int) throws -> [Int]",
                  call: "timesteps(spacing, steps: S, of: T)", mistake: "if S >= 0 { throw NotImplemented(\"6.1\") }")
        let mistakesFolder = folder.appendingPathComponent("mistakes")
        try makeCopy(kit: kit, at: mistakesFolder, exercises: m)
        try Data("// emptied so that nothing can fail\n".utf8)
            .write(to: mistakesFolder.appendingPathComponent("Tests/ExerciseChecks/Chapter03.swift"))
        var mistakes = KitFixture(copy: mistakesFolder, expected: [
            "1.1": .crashed, "1.2": .timedOut, "1.3": .crashed, "2.1": .compileError, "2.2": .compileError,
            "2.3": .compileError, "3.1": .threw, "3.2": .wrongValue, "3.3": .wrongShape, "4.2": .nonFinite,
            "6.1": .notStarted])
        mistakes.messageContains = ["1.1": "exit called?", "1.3": "Exercises/Chapter01.swift:", "2.1": "Exercises/Chapter02.swift",
                                    "3.1": "LearnerMistake", "1.2": "CPU time"]
        mistakes.changedIgnored = ["Tests/ExerciseChecks/Chapter03.swift (changed)"]

        let solutionsFolder = folder.appendingPathComponent("solutions")
        try makeCopy(kit: kit, at: solutionsFolder, exercises: solutions)
        let pristineFolder = folder.appendingPathComponent("pristine")
        try makeCopy(kit: kit, at: pristineFolder, exercises: stubs)
        let pristine = KitFixture(copy: pristineFolder, expected: Dictionary(uniqueKeysWithValues: all.map { ($0, .notStarted) }))

        // A git copy whose only commit is after the deadline.
        let lateFolder = folder.appendingPathComponent("late")
        try makeCopy(kit: kit, at: lateFolder, exercises: solutions)
        let git = ProcessRunner.run(["sh", "-c", "git init -q && git add -A && git -c user.name=learner -c user.email=learner@example.com commit -q -m work"],
                                    in: lateFolder, environment: ["GIT_AUTHOR_DATE": "2030-01-01T12:00:00", "GIT_COMMITTER_DATE": "2030-01-01T12:00:00"])
        guard git.status == 0 else { throw GradingError.other("check-kit: cannot make the late copy's git repository: \(git.output)") }
        var late = KitFixture(copy: lateFolder, expected: Dictionary(uniqueKeysWithValues: all.map { ($0, .notRun) }), before: "2029-12-31")
        late.gradable = false

        return [mistakes, KitFixture(copy: solutionsFolder, expected: [:]), pristine, late]
    }

    /// Swift source that tries to escape the sandbox: write `outside`, connect to `port`.
    static func escapeProbe(outside: URL, port: UInt16) -> String {
        """

        /// Tries what a sandboxed exercise must not be able to do.
        enum SandboxProbe {
            static func escape() {
                _ = FileManager.default.createFile(atPath: "\(outside.path)", contents: Data("escaped".utf8))
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                guard fd >= 0 else { return }
                defer { close(fd) }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(\(port)).bigEndian)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                if connected == 0 { fatalError("an exercise reached the network") }
            }
        }

        """
    }
}
