// Checkerboard.swift — uniform on the dark squares of a 4 × 4 board (FFJORD's toy).
//
// The board covers [−2, 2]² in unit squares; a square (i, j) (i, j = 0 … 3 from the
// lower left) is dark when i + j is even: 8 dark squares, each with probability ⅛.
// Every column holds two dark squares, so each coordinate on its own is uniform on
// [−2, 2]: mean 0 and standard deviation 4/√12 ≈ 1.155. (FFJORD multiplies by 2,
// giving [−4, 4]²; here it is left at [−2, 2]² to stay near unit scale.)
//
// The density has sharp edges and holes, which a small model smooths over — a good
// test of how much detail a sampler recovers.

import Tensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Uniform on the 8 dark unit squares of a 4 × 4 checkerboard covering [−2, 2]².
public enum Checkerboard {
    /// Half the side of the board: points lie in [−halfWidth, halfWidth]².
    public static let halfWidth: Float = 2

    /// `count` points of shape `[count, 2]`.
    public static func sample(_ count: Int, using rng: inout some RandomNumberGenerator) -> Tensor {
        pointCloud(count) {
            let x = 4 * rng.nextUniform() - 2                       // uniform on [−2, 2)
            let column = Int(floor(x + 2))                          // 0 … 3
            let row = 2 * rng.nextInt(in: 0..<2) + (column % 2)     // the dark rows of that column
            let y = Float(row) + rng.nextUniform() - 2
            return (x, y)
        }
    }
}
