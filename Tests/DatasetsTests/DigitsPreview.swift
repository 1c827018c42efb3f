// DigitsPreview.swift — writes a contact sheet of SyntheticDigits for looking at.
//
// Skipped unless KIT_DIGITS_GRID names the PNG to write:
//
//     KIT_DIGITS_GRID=/tmp/digits-grid.png swift test --filter DatasetsTests.DigitsPreview
//
// The sheet has one row per class (0 at the top), ten copies each, enlarged 3×.
// KIT_DIGITS_SEED picks another seed (default 0); KIT_DIGITS_CLASS=d fills the sheet
// with 100 copies of the digit d instead; KIT_DIGITS_GENERATION=lifelike draws with the
// lifelike generation (default classic).

import Datasets
import Figures
import Foundation
import Testing

@Suite struct DigitsPreview {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["KIT_DIGITS_GRID"] != nil))
    func writeGrid() throws {
        let environment = ProcessInfo.processInfo.environment
        let path = try #require(environment["KIT_DIGITS_GRID"])
        let seed = UInt64(environment["KIT_DIGITS_SEED"] ?? "0") ?? 0
        let generation = DigitGeneration(rawValue: environment["KIT_DIGITS_GENERATION"] ?? "classic") ?? .classic
        var digits = SyntheticDigits(seed: seed, generation: generation)
        let classes = environment["KIT_DIGITS_CLASS"].flatMap(Int.init).map { d in [Int](repeating: d, count: 100) }
            ?? (0..<100).map { $0 / 10 }
        let (images, _) = digits.batch(100, classes: classes)                     // [100, 1, 28, 28]
        try writeImageGrid(images, to: path, columns: 10, padding: 2, scale: 3)
    }
}
