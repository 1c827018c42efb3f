// Metrics — how good are generated samples?
//
// For digits (the kit's SyntheticDigits, or MNIST-like images):
//   DigitClassifier.swift        a small CNN, its 128 penultimate features and 10 logits
//   DigitClassifierWeights.swift loading the shipped Pretrained/digit-classifier.safetensors
//   ClassifierInference.swift    batched no-grad predictions and accuracy
//   ClassifierTrainer.swift      how those weights were trained (kit-pretrain classifier)
//   ClassifierOnIDX.swift        the same classifier trained on MNIST or Fashion-MNIST files
//   DatasetClassifier.swift      the classifier that matches a dataset (shipped or in the cache)
//   DigitReference.swift         the real images to compare with: the model's own training data
//   CrossEntropy.swift           the training loss
//   RowArgmax.swift              predicted class of each row of probabilities
//   Recognisability.swift        share of samples the classifier is confident about
//   ClassCoverage.swift          histogram of predicted classes and its entropy
//   FeatureStatistics.swift      means and covariances of feature sets, in Double
//   SymmetricEigen.swift         Jacobi eigen-decomposition (for matrix square roots)
//   FrechetDistance.swift        FD between two feature sets (FID's formula on our features)
//   DigitMetrics.swift           all of the above for a batch of generated digits
//   DigitReport.swift            the result, with a table for printing
// For class-conditional samples (classifier-free guidance, chapter 09):
//   ClassConditional.swift       requested-class accuracy; any measure per class
//   PrecisionRecall.swift        precision/recall (k = 3), density/coverage (k = 5)
//   PairwiseDistances.swift      squared distances and k-NN radii for the above
//   FeatureDiversity.swift       trace of the feature covariance, generated over real
//   Saturation.swift             share of pixels at the ends of [−1, 1]
//   DigitAttributes.swift        slant, stroke thickness, width and height from pixels
//   ConditionalDigitMetrics.swift all of these for one set of samples, as a table row
// For 2-D toys (or any point clouds):
//   SlicedWasserstein.swift      sliced W1 distance, and its noise floor
// Support:
//   Precondition.swift           precondition messages that survive -O
