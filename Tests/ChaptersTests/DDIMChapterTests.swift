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
        for arguments in cases { try ChapterRunner.expectRefused("chapter06", arguments) }
    }
}
