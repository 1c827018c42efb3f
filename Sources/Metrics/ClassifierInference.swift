// ClassifierInference.swift — running the digit classifier on many images at once.
//
// Evaluation needs no gradients: these helpers run inside `withNoGrad` and in chunks
// of `batchSize` images, so 5,000 digits never make one 5,000-image activation.

import Tensors

extension DigitClassifier {
    /// Features `[N, 128]` and class probabilities `[N, 10]` of `images`
    /// `[N, 1, 28, 28]`, computed without gradients in chunks of `batchSize`.
    public func predict(_ images: Tensor, batchSize: Int = 250) -> (features: Tensor, probabilities: Tensor) {
        precondition(batchSize > 0, "DigitClassifier.predict: batchSize must be positive, got \(batchSize)")
        precondition(images.rank == 4 && Array(images.shape[1...]) == [1, 28, 28],
                     "DigitClassifier.predict: images must be [N, 1, 28, 28], got \(images.shape)")
        let n = images.shape[0]
        return withNoGrad {
            var features: [Tensor] = [], probabilities: [Tensor] = []
            for start in stride(from: 0, to: n, by: batchSize) {
                let x = images.slice(axis: 0, start..<min(n, start + batchSize))   // [b, 1, 28, 28]
                let f = self.features(x)                                           // [b, 128]
                features.append(f)
                probabilities.append(logits(features: f).softmax(axis: 1))         // [b, 10]
            }
            if n == 0 {
                return (Tensor.zeros([0, Self.featureCount]), Tensor.zeros([0, Self.classCount]))
            }
            return (concat(features, axis: 0), concat(probabilities, axis: 0))     // [N, 128], [N, 10]
        }
    }

    /// The predicted class (argmax of the probabilities) of each of `images` `[N, 1, 28, 28]`.
    public func predictedClasses(_ images: Tensor, batchSize: Int = 250) -> [Int] {
        rowArgmax(predict(images, batchSize: batchSize).probabilities)
    }

    /// The share of `images` `[N, 1, 28, 28]` whose predicted class equals its label.
    public func accuracy(images: Tensor, labels: [Int], batchSize: Int = 250) -> Float {
        precondition(labels.count == images.shape.first ?? 0,
                     "DigitClassifier.accuracy: \(labels.count) labels for images \(images.shape)")
        guard !labels.isEmpty else { return 0 }
        let predicted = predictedClasses(images, batchSize: batchSize)
        let correct = zip(predicted, labels).filter { $0 == $1 }.count
        return Float(correct) / Float(labels.count)
    }
}
