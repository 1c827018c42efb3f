// Figures.swift — what this module is for, and where each piece lives.
//
// Every chapter of the kit ends in pictures: samples as PNG images, curves and
// point clouds as gnuplot plots. This module makes both, from tensors and arrays,
// and writes nothing but files the learner can open or re-render:
//
//   Files/     FigureError (what went wrong, naming the path), atomic file writes
//   Images/    writePNG / readPNG over libpng, writeGIF (animated grey GIF,
//              own LZW encoder), imageGrid (a contact sheet of
//              [N, C, H, W] images), Colormap and colorize (values → colours)
//   Plots/     Series, HeatMap, VectorField, Histogram: what to draw;
//              Plot: one set of axes; Figure: panels in a grid;
//              the gnuplot script and data writers, and Gnuplot, which renders
//
// Images are channel-first like PyTorch: `[H, W]` or `[1, H, W]` is grey,
// `[3, H, W]` is RGB, and a batch is `[N, C, H, W]`. Pixel values are mapped from a
// `range` (by default −1…1, the data range of the diffusion chapters) onto 0…255.
//
// The same input always gives the same bytes: PNGs are written with fixed libpng
// settings and no time stamp, and plot data with the shortest exact decimal form of
// each number.
