// ClassicDigitsUnchangedTests.swift — the classic generation stays byte for byte as it was.
//
// Every pretrained model and many checks were made on the classic digits, so until
// they are retrained together the default stream must not change. The checksum was
// recorded from the generator before the lifelike generation was added.

import Datasets
import Tensors
import Testing

@Suite struct ClassicDigitsUnchangedTests {
    /// FNV-1a over the bit patterns of the pixels, then the labels.
    static func checksum(_ images: Tensor, _ labels: [Int]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) { h = (h ^ v) &* 0x100_0000_01b3 }
        for x in images.scalars { mix(UInt64(x.bitPattern)) }
        for y in labels { mix(UInt64(y)) }
        return h
    }

    /// The checksum of `SyntheticDigits(seed: 0).batch(200)`, recorded before the change.
    static let recorded: UInt64 = 12_247_977_882_359_093_535

    @Test func defaultStreamIsUnchanged() {
        var digits = SyntheticDigits(seed: 0)
        let (x, y) = digits.batch(200)
        #expect(Self.checksum(x, y) == Self.recorded)

        // the explicit generation and the static batch give the same bytes
        var explicit = SyntheticDigits(seed: 0, generation: .classic)
        let (x2, y2) = explicit.batch(200)
        #expect(x2.scalars == x.scalars && y2 == y)
        var rng = SeededGenerator(seed: 0)
        let viaStatic = SyntheticDigits.batch(200, using: &rng)
        #expect(viaStatic.images.scalars == x.scalars && viaStatic.labels == y)
        var rng2 = SeededGenerator(seed: 0)
        let classic = SyntheticDigits.batch(200, generation: .classic, using: &rng2)
        #expect(classic.images.scalars == x.scalars && classic.labels == y)
        // and so does batchWithStyles
        var styled = SyntheticDigits(seed: 0)
        let withStyles = styled.batchWithStyles(200)
        #expect(withStyles.images.scalars == x.scalars && withStyles.labels == y)
    }
}
