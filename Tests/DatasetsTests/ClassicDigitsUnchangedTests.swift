// ClassicDigitsUnchangedTests.swift — the classic generation stays byte for byte as it was.
//
// The kit's first pretrained models and many checks were made on the classic digits,
// which were the default until the models were retrained on the lifelike ones; a
// classic stream must still give exactly those bytes. The checksum was recorded from
// the generator before the lifelike generation was added.

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

    /// The checksum of the classic `SyntheticDigits(seed: 0).batch(200)`, recorded when
    /// classic was the only generation.
    static let recorded: UInt64 = 12_247_977_882_359_093_535

    @Test func classicStreamIsUnchanged() {
        var digits = SyntheticDigits(seed: 0, generation: .classic)
        let (x, y) = digits.batch(200)
        #expect(Self.checksum(x, y) == Self.recorded)

        // the static batch gives the same bytes, and so does batchWithStyles
        var rng = SeededGenerator(seed: 0)
        let classic = SyntheticDigits.batch(200, generation: .classic, using: &rng)
        #expect(classic.images.scalars == x.scalars && classic.labels == y)
        var styled = SyntheticDigits(seed: 0, generation: .classic)
        let withStyles = styled.batchWithStyles(200)
        #expect(withStyles.images.scalars == x.scalars && withStyles.labels == y)
        var rng2 = SeededGenerator(seed: 0)
        let styledStatic = SyntheticDigits.batchWithStyles(200, generation: .classic, using: &rng2)
        #expect(styledStatic.images.scalars == x.scalars && styledStatic.labels == y)

        // the default stream is now the lifelike one, not this
        var fresh = SyntheticDigits(seed: 0)
        #expect(fresh.generation == .lifelike && Self.checksum(fresh.batch(200).images, y) != Self.recorded)
    }
}
