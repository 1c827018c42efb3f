// Metrics — how good are generated samples?
//
// For digits (the kit's SyntheticDigits, or MNIST-like images):
//   DigitClassifier.swift        a small CNN, its 128 penultimate features and 10 logits
//   DigitClassifierWeights.swift loading the shipped Pretrained/digit-classifier.safetensors
//   ClassifierInference.swift    batched no-grad predictions and accuracy
//   ClassifierTrainer.swift      how those weights were trained (kit-pretrain classifier)
//   CrossEntropy.swift           the training loss
//   RowArgmax.swift              predicted class of each row of probabilities
//   Recognisability.swift        share of samples the classifier is confident about
//   ClassCoverage.swift          histogram of predicted classes and its entropy
//   FeatureStatistics.swift      means and covariances of feature sets, in Double
//   SymmetricEigen.swift         Jacobi eigen-decomposition (for matrix square roots)
//   FrechetDistance.swift        FD between two feature sets (FID's formula on our features)
//   DigitMetrics.swift           all of the above for a batch of generated digits
//   DigitReport.swift            the result, with a table for printing
// For 2-D toys (or any point clouds):
//   SlicedWasserstein.swift      sliced W1 distance, and its noise floor
// Support:
//   Precondition.swift           precondition messages that survive -O
