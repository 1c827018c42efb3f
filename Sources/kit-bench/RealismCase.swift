// RealismCase.swift — how lifelike SyntheticDigits are, by a classifier trained only
// on synthetic digits and tested on real handwriting (issue 17, item 3).
//
//     pip install scikit-learn      # ships the real digits; not a dependency of the kit
//     DIGITS="$(python3 -c 'import sklearn, os; print(os.path.dirname(sklearn.__file__))')/datasets/data/digits.csv.gz"
//     swift run -c release kit-bench --case realism --digits-csv "$DIGITS" \
//         [--synthetic 20000] [--seed 0] [--export PREFIX] [--generation classic|lifelike]
//
// Both sides are compared in scikit-learn's 8 × 8 format (EightByEight.swift), with
// the same classifier (SoftmaxRegression.swift):
//
//     synth→real    trained on `--synthetic` synthetic digits, tested on all 1,797 real
//     real→real     trained on the first 898 real digits, tested on the last 899 (the
//                   split of scikit-learn's "Recognizing hand-written digits" example,
//                   `train_test_split(test_size=0.5, shuffle=False)`): a ceiling
//     synth→synth   tested on 2,000 further synthetic digits of the same stream: a ceiling
//
// once for each framing (.fit and .pad). stdout gets one JSON line per framing; a
// readable table goes to stderr. `--export PREFIX` also writes the mapped synthetic
// digits as scikit-learn CSV, PREFIX-{fit,pad}-{train,heldout}.csv, for
// realism_sklearn.py, which repeats the protocol with scikit-learn's own classifier.

import Datasets
import Foundation
import Tensors

/// Synthetic digits held out for the synth→synth ceiling.
let realismHeldOut = 2000

func realismCase(_ options: BenchOptions) -> [JSONLine] {
    let real: EightByEightDigits
    do { real = try EightByEightDigits(sklearnCSV: options.digitsCSV ?? "") } catch {
        FileHandle.standardError.write(Data("kit-bench: realism: \(error)\n".utf8))
        exit(66)
    }
    let half = real.count / 2                                         // 898 of 1,797
    let realTrain = real.subset(0..<half), realTest = real.subset(half..<real.count)
    let realToReal = Evaluation(predicted: SoftmaxRegression(fitting: realTrain, seed: options.seed).predict(realTest),
                                labels: realTest.labels)

    var stream = SyntheticDigits(seed: options.seed, generation: options.generation)
    let train = stream.batch(options.syntheticCount), heldOut = stream.batch(realismHeldOut)
    var lines: [JSONLine] = []
    var rows: [(DigitFraming, Evaluation, Evaluation, Double)] = []
    for framing in DigitFraming.allCases {
        let synthetic = EightByEightDigits(synthetic: train.images.scalars, labels: train.labels, framing: framing)
        let synthTest = EightByEightDigits(synthetic: heldOut.images.scalars, labels: heldOut.labels, framing: framing)
        if let prefix = options.export {
            for (part, digits) in [("train", synthetic), ("heldout", synthTest)] {
                let path = "\(prefix)-\(framing.rawValue)-\(part).csv"
                do { try digits.csv().write(toFile: path, atomically: true, encoding: .utf8) } catch {
                    FileHandle.standardError.write(Data("kit-bench: realism: cannot write \(path): \(error)\n".utf8))
                    exit(73)
                }
            }
        }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let classifier = SoftmaxRegression(fitting: synthetic, seed: options.seed)
        let fitSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let onReal = Evaluation(predicted: classifier.predict(real), labels: real.labels)
        let onSynthetic = Evaluation(predicted: classifier.predict(synthTest), labels: synthTest.labels)
        rows.append((framing, onReal, onSynthetic, fitSeconds))

        var line = JSONLine()
        line["case"] = "realism"
        line["framing"] = framing.rawValue
        line["generation"] = options.generation.rawValue
        line[int: "seed"] = Int(options.seed)
        line[int: "synthetic_train"] = synthetic.count
        line[int: "real_digits"] = real.count
        line[number: "synth_to_real"] = onReal.accuracy
        line[number: "real_to_real"] = realToReal.accuracy
        line[number: "synth_to_synth"] = onSynthetic.accuracy
        for (digit, accuracy) in onReal.perClass.enumerated() { line[number: "synth_to_real_\(digit)"] = accuracy }
        line["most_confused"] = describeConfusions(onReal.mostConfused(3))
        line[number: "synthetic_ink"] = synthetic.meanInk
        line[number: "real_ink"] = real.meanInk
        for (digit, ink) in synthetic.meanInkByClass.enumerated() { line[number: "synthetic_ink_\(digit)"] = ink }
        line[number: "fit_s"] = fitSeconds
        line["build"] = buildConfiguration
        lines.append(line)
    }
    FileHandle.standardError.write(Data(realismTable(rows, realToReal: realToReal, options: options, real: real.count).utf8))
    return lines
}

/// The readable summary of the realism case.
private func realismTable(_ rows: [(DigitFraming, Evaluation, Evaluation, Double)], realToReal: Evaluation,
                          options: BenchOptions, real: Int) -> String {
    func percent(_ x: Double) -> String { String(format: "%5.1f %%", x * 100) }
    func column(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
    var out = "realism: \(options.syntheticCount) \(options.generation.rawValue) synthetic training digits"
    out += " (seed \(options.seed)), \(real) real digits\n"
    out += "framing  synth→real  real→real  synth→synth  most confused on real (true→predicted)\n"
    for (framing, onReal, onSynthetic, _) in rows {
        out += column(framing.rawValue, 9) + column(percent(onReal.accuracy), 12) + column(percent(realToReal.accuracy), 11)
        out += column(percent(onSynthetic.accuracy), 13) + describeConfusions(onReal.mostConfused(3)) + "\n"
    }
    out += "accuracy by digit:\n" + column("", 14) + (0..<10).map { "    \($0)" }.joined() + "\n"
    for (label, evaluation) in rows.map({ ("synth→real " + $0.0.rawValue, $0.1) }) + [("real→real", realToReal)] {
        out += column(label, 14) + evaluation.perClass.map { String(format: "%5.0f", $0 * 100) }.joined() + "  %\n"
    }
    return out
}
