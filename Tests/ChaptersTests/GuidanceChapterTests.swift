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
        for arguments in cases { try ChapterRunner.expectRefused("chapter09", arguments) }
    }
}
