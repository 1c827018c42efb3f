// IDXWriter.swift — writing images and labels in MNIST's IDX format.
//
// The inverse of the reader: images in [−1, 1] become unsigned bytes (0 background …
// 255 ink), labels one byte each. Handy to hand the kit's synthetic digits to another
// tool, and to build small MNIST-format folders in tests.

import Foundation
import Tensors

/// Writes MNIST-format (IDX, unsigned byte) files.
public enum IDXWriter {
    /// The IDX header for unsigned bytes: 00 00 08 rank, then the sizes as big-endian UInt32.
    public static func header(dimensions: [Int]) -> [UInt8] {
        [0, 0, 0x08, UInt8(dimensions.count)] + dimensions.flatMap { d in (0..<4).reversed().map { UInt8(d >> (8 * $0) & 0xff) } }
    }

    /// Writes `images` `[N, 1, H, W]` in [−1, 1] as `<prefix>-images-idx3-ubyte` and `labels`
    /// as `<prefix>-labels-idx1-ubyte` in `directory`, and returns the images as a reader
    /// will see them (rounded to 8 bits).
    @discardableResult
    public static func writeSplit(images: Tensor, labels: [Int], prefix: String, directory: String) throws -> Tensor {
        let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
        let pixels = images.scalars.map { UInt8(max(0, min(255, (($0 + 1) * 127.5).rounded()))) }
        try Data(header(dimensions: [n, h, w]) + pixels)
            .write(to: URL(fileURLWithPath: directory + "/\(prefix)-images-idx3-ubyte"))
        try Data(header(dimensions: [labels.count]) + labels.map { UInt8($0) })
            .write(to: URL(fileURLWithPath: directory + "/\(prefix)-labels-idx1-ubyte"))
        return Tensor(shape: images.shape, scalars: pixels.map { Float($0) / 127.5 - 1 })
    }
}
