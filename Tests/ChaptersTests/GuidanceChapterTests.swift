// Chapter 09's command line: a guidance scale that is not finite, an unknown class,
// φ outside [0, 1], an empty or out-of-range interval, more steps than T, or a model
// that is not class-conditional end with one error line and status 64 — before any
// sampling.

import Foundation
import Testing

@Suite("Chapter 09 — options")
struct GuidanceChapterTests {
    @Test("bad --scale, --class, --rescale, --interval, --steps or --checkpoint print one line and exit with status 64")
    func badOptions() throws {
        let unconditional = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Pretrained/unet-digits.safetensors").path
        let cases: [[String]] = [
            ["--scale", "nan"], ["--scale", "inf"], ["--class", "10"], ["--class", "-1"], ["--rescale", "1.5"],
            ["--rescale", "-0.2"], ["--interval", "800-200"], ["--interval", "0-1000"], ["--interval", "middle"],
            ["--steps", "1001"], ["--samples", "1"], ["--checkpoint", unconditional],
        ]
        for arguments in cases {
            let run = try ChapterRunner.run("chapter09", arguments + ["--quick"])
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
