// Metrics — how good are generated samples? (digit classifier, recognisability,
// class coverage, FD-digits, sliced Wasserstein distance for 2-D toys)
