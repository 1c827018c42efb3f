// Chapter 06's command line: η outside [0, 1], zero steps, more steps than T, or an
// unknown spacing end with one error line and status 64 — before any sampling.

import Foundation
import Testing

@Suite("Chapter 06 — options")
struct DDIMChapterTests {
    @Test("bad --eta, --steps or --spacing print one line and exit with status 64")
    func badOptions() throws {
        let cases: [[String]] = [
            ["--eta", "1.5"], ["--eta", "-0.1"], ["--eta", "nan"], ["--steps", "0"], ["--steps", "1001"],
            ["--spacing", "quadratic"], ["--samples", "1"],
        ]
        for arguments in cases {
            let run = try ChapterRunner.run("chapter06", arguments + ["--quick"])
            defer { try? FileManager.default.removeItem(at: run.folder) }
            #expect(run.status == 64, "\(arguments) exited with \(run.status): \(run.errors)")
            let lines = run.errors.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(lines.first?.contains("rror") == true, "\(arguments) printed no error: \(run.errors)")
            #expect(!run.errors.contains("Thread 0") && !run.errors.contains("Fatal error"), "\(arguments) crashed: \(run.errors)")
            #expect(!FileManager.default.fileExists(atPath: run.folder.appendingPathComponent("notebook.md").path),
                    "\(arguments) wrote a notebook before refusing")
        }
    }
}
