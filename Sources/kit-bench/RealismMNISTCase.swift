// RealismMNISTCase.swift — how lifelike SyntheticDigits are at full size: the kit's digit
// classifier, trained only on synthetic digits, tested on real MNIST digits at 28 × 28.
//
//     swift run -c release kit-bench --case realism-mnist --mnist-dir DIR \
//         [--classifier PATH]...        # default Pretrained/digit-classifier.safetensors
//
// DIR holds MNIST's t10k files (t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]);
// every image of that split is classified. The 8 × 8 case (RealismCase.swift) compares a
// fresh linear classifier on block counts; this one asks the question the metrics depend
// on: does the classifier that scores every generated digit read real handwriting?
// Naming several classifiers (the weights trained on classic digits and those trained on
// lifelike ones, by the same command) gives a before and an after on the same digits.
//
// Two figures per classifier: accuracy (argmax = label), and the share the metrics would
// call recognisable (any class with p ≥ 0.9, `recognisability`): a real digit the
// classifier is unsure of lowers that measure for a model that draws it well.

import Datasets
import Foundation
import Metrics
import Tensors

func realismMNISTCase(_ options: BenchOptions) -> [JSONLine] {
    let directory = options.mnistDir ?? ""
    let real: (images: Tensor, labels: [Int])
    do { real = try MNIST.load(.mnist, split: .test, directory: directory) } catch {
        FileHandle.standardError.write(Data("kit-bench: realism-mnist: \(error)\n".utf8))
        exit(66)
    }
    var lines: [JSONLine] = []
    var table = "realism-mnist: \(real.labels.count) real MNIST digits (t10k files in \(directory)), 28 × 28\n"
    table += "classifier".padding(toLength: 48, withPad: " ", startingAt: 0) + "accuracy  recognisable  most confused\n"
    var byDigit = ""
    for path in options.classifiers {
        let classifier: DigitClassifier
        do { classifier = try DigitClassifier.load(from: path) } catch {
            FileHandle.standardError.write(Data("kit-bench: realism-mnist: \(error)\n".utf8))
            exit(66)
        }
        let probabilities = classifier.predict(real.images).probabilities                      // [N, 10]
        let predicted = rowArgmax(probabilities)
        let evaluation = Evaluation(predicted: predicted, labels: real.labels)
        let recognisable = Double(recognisability(probabilities: probabilities))

        var line = JSONLine()
        line["case"] = "realism-mnist"
        line["classifier"] = path
        line[int: "real_digits"] = real.labels.count
        line[number: "synth_to_real"] = evaluation.accuracy
        line[number: "recognisable"] = recognisable
        for (digit, accuracy) in evaluation.perClass.enumerated() { line[number: "synth_to_real_\(digit)"] = accuracy }
        line["most_confused"] = describeConfusions(evaluation.mostConfused(3))
        line["build"] = buildConfiguration
        lines.append(line)

        let name = path.count > 46 ? "…" + path.suffix(45) : path
        table += name.padding(toLength: 48, withPad: " ", startingAt: 0)
        table += String(format: "%6.1f %%  %9.1f %%  ", evaluation.accuracy * 100, recognisable * 100)
        table += describeConfusions(evaluation.mostConfused(3)) + "\n"
        byDigit += name.padding(toLength: 48, withPad: " ", startingAt: 0)
        byDigit += evaluation.perClass.map { String(format: "%5.0f", $0 * 100) }.joined() + "  %\n"
    }
    table += "accuracy by digit:\n" + "".padding(toLength: 48, withPad: " ", startingAt: 0)
    table += (0..<10).map { "    \($0)" }.joined() + "\n" + byDigit
    FileHandle.standardError.write(Data(table.utf8))
    return lines
}
