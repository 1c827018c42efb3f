"""Cross-check of kit-bench's `realism` case with scikit-learn's own classifier.

Not part of the kit (the Swift build excludes this file); it needs scikit-learn:

    pip install scikit-learn
    swift run -c release kit-bench --case realism \
        --digits-csv "$(python3 -c 'import sklearn, os; print(os.path.dirname(sklearn.__file__))')/datasets/data/digits.csv.gz" \
        --export /tmp/realism
    python3 Sources/kit-bench/realism_sklearn.py /tmp/realism

It repeats the protocol of RealismCase.swift on the synthetic digits kit-bench
exported (already mapped to 8 x 8 block counts, PREFIX-{fit,pad}-{train,heldout}.csv)
with sklearn.linear_model.LogisticRegression(C=1) on the counts / 16, fitted by
L-BFGS: the objective the Swift SoftmaxRegression minimises with Adam. So the two
figures should agree to within a few tenths of a percent.
"""

import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression


def fit(x, y):
    """Multinomial logistic regression with scikit-learn's default C = 1 on features x
    (counts / 16, as every caller passes them)."""
    return LogisticRegression(C=1.0, max_iter=10_000).fit(x, y)


def load(path):
    """Features (n x 64 block counts) and labels of a CSV in load_digits' format."""
    data = np.loadtxt(path, delimiter=",")
    return data[:, :64], data[:, 64].astype(int)


def confusions(truth, predicted, k=3):
    """The k commonest mistakes as 'true→predicted share %'."""
    pairs = []
    for t in range(10):
        n = np.sum(truth == t)
        for p in range(10):
            if p != t and (count := np.sum((truth == t) & (predicted == p))) > 0:
                pairs.append((-count, t, p, count / n))
    return ", ".join(f"{t}→{p} {round(share * 100)} %" for _, t, p, share in sorted(pairs)[:k])


def main(prefix):
    real_x, real_y = load_digits(return_X_y=True)           # 1,797 digits, counts 0 … 16
    real_x = real_x / 16.0
    half = len(real_y) // 2                                  # 898 train, 899 test, in file order
    real_to_real = fit(real_x[:half], real_y[:half]).score(real_x[half:], real_y[half:])
    print(f"real digits: {len(real_y)}, mean ink {real_x.sum(1).mean() * 16:.0f} of 1024 pixels")
    print("framing  synth→real  real→real  synth→synth  most confused on real (true→predicted)")
    for framing in ("fit", "pad"):
        train_x, train_y = load(f"{prefix}-{framing}-train.csv")
        test_x, test_y = load(f"{prefix}-{framing}-heldout.csv")
        train_x, test_x = train_x / 16.0, test_x / 16.0
        classifier = fit(train_x, train_y)
        predicted = classifier.predict(real_x)
        per_class = [np.mean(predicted[real_y == d] == d) for d in range(10)]
        print(f"{framing:7}  {np.mean(predicted == real_y) * 100:5.1f} %     {real_to_real * 100:5.1f} %"
              f"    {classifier.score(test_x, test_y) * 100:5.1f} %      {confusions(real_y, predicted)}")
        print(f"         by digit: {' '.join(f'{a * 100:.0f}' for a in per_class)} %;"
              f" {len(train_y)} synthetic, mean ink {train_x.sum(1).mean() * 16:.0f} of 1024 pixels")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: realism_sklearn.py PREFIX   (the --export PREFIX given to kit-bench --case realism)")
    main(sys.argv[1])
