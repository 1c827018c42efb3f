// ClassConditionalTests.swift — requested-class accuracy and per-class scores on
// hand-made cases.

import Metrics
import Tensors
import Testing

@Suite struct ClassConditionalTests {
    /// 7 of 10 predictions match the requests: 0.7 exactly.
    @Test func requestedAccuracyCountsMatches() {
        let requested = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
        let predicted = [0, 1, 2, 3, 4, 5, 6, 1, 1, 1]
        #expect(requestedClassAccuracy(predicted: predicted, requested: requested) == 0.7)
        #expect(requestedClassAccuracy(predicted: requested, requested: requested) == 1)
    }

    /// The rows of one label, in order.
    @Test func rowsOfALabel() {
        let features = Tensor(shape: [4, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let picked = rows(of: features, labels: [1, 0, 1, 2], equalTo: 1)
        #expect(picked.shape == [2, 2] && picked.scalars == [1, 2, 5, 6])
    }

    /// Class 0's generated rows are its real rows shifted by 3 in one coordinate: the
    /// mean difference is 3 (a measure that returns the distance of the means sees it);
    /// class 1's are identical (0); class 2 has one generated row only and is left out.
    @Test func perClassMeasuresEachClassAgainstItsOwnRows() {
        let real = Tensor(shape: [4, 2], scalars: [0, 0, 1, 1, 5, 5, 6, 7])
        let realLabels = [0, 0, 1, 1]
        let generated = Tensor(shape: [5, 2], scalars: [3, 0, 4, 1, 5, 5, 6, 7, 9, 9])
        let generatedLabels = [0, 0, 1, 1, 2]
        let meanGap = { (g: Tensor, r: Tensor) -> Double in
            let n = Double(g.shape[0]), m = Double(r.shape[0])
            let gx = stride(from: 0, to: g.scalars.count, by: 2).map { Double(g.scalars[$0]) }.reduce(0, +) / n
            let rx = stride(from: 0, to: r.scalars.count, by: 2).map { Double(r.scalars[$0]) }.reduce(0, +) / m
            return gx - rx
        }
        let gaps = perClass(generated: generated, generatedLabels: generatedLabels, real: real, realLabels: realLabels,
                            classes: 3, meanGap)
        #expect(gaps == [3, 0])
        // With FD: class 1 is identical (0), class 0 is shifted by 3 in x: FD = 9.
        let fds = perClass(generated: generated, generatedLabels: generatedLabels, real: real, realLabels: realLabels,
                           classes: 3) { frechetDistance($0, $1) }
        #expect(abs(fds[0] - 9) < 1e-9 && abs(fds[1]) < 1e-9, "\(fds)")
    }
}
