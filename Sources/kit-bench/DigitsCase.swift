// DigitsCase.swift — how fast SyntheticDigits draws digits on one thread.
//
// A chapter that trains on SyntheticDigits draws a fresh batch every step, so drawing
// must cost little next to the model. `SyntheticDigits.batch` renders on the calling
// thread only; this case times batches of 1,000 and reports digits per second, one
// line per generation (classic, lifelike). Target: ≥ 5,000 digits/s (release build).

import Datasets
import Tensors

func digitsCase(_ options: BenchOptions) -> [JSONLine] {
    DigitGeneration.allCases.map { digitsLine(options, generation: $0) }
}

/// The speed of one generation.
private func digitsLine(_ options: BenchOptions, generation: DigitGeneration) -> JSONLine {
    let batchSize = 1000
    var digits = SyntheticDigits(seed: 0, generation: generation)
    let time = medianTime(repeats: options.repeats) {
        _ = digits.batch(batchSize)                   // images [1000, 1, 28, 28]
    }
    var line = JSONLine()
    line["case"] = "digits"
    line["generation"] = generation.rawValue
    line["build"] = buildConfiguration
    line[int: "batch"] = batchSize
    line[number: "batch_s"] = time
    line[number: "digits_per_s"] = Double(batchSize) / time
    line[int: "threads"] = 1
    return line
}
