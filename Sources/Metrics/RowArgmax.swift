// RowArgmax.swift — the largest entry of each row of a [N, C] table.

import Tensors

/// The column of the largest value in each row of `table` `[N, C]` (the first one on
/// ties): the predicted class of each row of probabilities or logits.
public func rowArgmax(_ table: Tensor) -> [Int] {
    rowMaxima(table).map(\.index)
}

/// The largest value of each row of `table` `[N, C]` and its column.
func rowMaxima(_ table: Tensor) -> [(index: Int, value: Float)] {
    precondition(table.rank == 2 && table.shape[1] > 0,
                 "rowArgmax: expected a [N, C] table with C ≥ 1, got \(table.shape)")
    let (n, c) = (table.shape[0], table.shape[1])
    return table.scalars.withUnsafeBufferPointer { p in
        (0..<n).map { r in
            var best = 0, value = p[r * c]
            for j in 1..<c where p[r * c + j] > value { best = j; value = p[r * c + j] }
            return (best, value)
        }
    }
}
