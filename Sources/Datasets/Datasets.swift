// Datasets — the data the chapters learn from.
//
//   Toy2D/    five 2-D point clouds (swiss roll, two moons, eight Gaussians,
//             checkerboard, circles), each scaled to about unit standard deviation
//   Digits/   SyntheticDigits: procedurally hand-written 28 × 28 digits with labels,
//             an endless seeded stream in MNIST's format and the kit's −1…1 range
//   IDX/      MNIST and Fashion-MNIST from their IDX files (raw or .gz), with checks
//             that name the file and the problem, and a download into a cache folder
//   Batches   a shuffling mini-batch loader over any in-memory dataset
//
// Every random function takes its generator explicitly (`using: &rng`), so the same
// seed always gives the same bytes.
