// LifelikeDigitsTests.swift — the lifelike generation (DigitGeneration.swift).
//
// Deterministic per seed, every alternative form of every digit drawn, the attributes
// within their documented ranges, and the image convention kept (background −1, ink
// up to +1, nothing clipped at the border).

@testable import Datasets
import Tensors
import Testing

@Suite struct LifelikeDigitsTests {
    @Test func sameSeedSameBytes() {
        var a = SyntheticDigits(seed: 3, generation: .lifelike), b = SyntheticDigits(seed: 3, generation: .lifelike)
        let (x, y) = a.batch(40)
        let (x2, y2) = b.batch(40)
        #expect(x.scalars == x2.scalars && y == y2)
        #expect(a.generation == .lifelike)
        var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3)
        let viaStatic = SyntheticDigits.batch(40, generation: .lifelike, using: &g1)
        #expect(viaStatic.images.scalars == x.scalars && viaStatic.labels == y)
        // lifelike is the default; the classic stream from the same seed is a different one
        var g3 = SeededGenerator(seed: 3)
        #expect(SyntheticDigits.batch(40, using: &g3).images.scalars == x.scalars && SyntheticDigits(seed: 3).generation == .lifelike)
        #expect(SyntheticDigits.batch(40, generation: .classic, using: &g2).images.scalars != x.scalars)
        // with styles: the same images and labels
        var c = SyntheticDigits(seed: 3, generation: .lifelike)
        let withStyles = c.batchWithStyles(40)
        #expect(withStyles.images.scalars == x.scalars && withStyles.labels == y)
    }

    @Test func everyFormOfEveryDigitAppears() {
        var rng = SeededGenerator(seed: 11)
        for digit in 0..<SyntheticDigits.classCount {
            let forms = DigitGeneration.lifelike.glyphs[digit].map(\.name)
            var seen: Set<String> = []
            for _ in 0..<300 { seen.insert(SyntheticDigits.chooseForm(of: digit, generation: .lifelike, using: &rng).name) }
            #expect(seen == Set(forms), "digit \(digit): drew \(seen.sorted()) of \(forms)")
        }
        // the alternatives the lifelike generation is for
        let names = { (d: Int) in Set(DigitGeneration.lifelike.glyphs[d].map(\.name)) }
        #expect(names(1).isSuperset(of: ["a single stroke", "with a flag", "with a flag and a foot"]))
        #expect(names(7).isSuperset(of: ["plain", "crossed"]))
        #expect(names(4).isSuperset(of: ["open top", "closed top"]))
        #expect(names(2).isSuperset(of: ["curved neck, flat base", "looped base"]))
        #expect(names(9).isSuperset(of: ["loop and straight stem", "tail curling left"]))
    }

    @Test func attributesWithinTheirRanges() {
        var digits = SyntheticDigits(seed: 4, generation: .lifelike)
        let (_, labels, styles) = digits.batchWithStyles(300)
        let g = DigitGeneration.lifelike
        #expect(styles.map(\.digit) == labels)
        #expect(styles.allSatisfy { g.penRadiusRange.contains($0.penRadius) })
        #expect(styles.allSatisfy { g.slantRange.contains($0.slant) })
        #expect(styles.allSatisfy { g.widthScaleRange.contains($0.widthScale) })
        #expect(styles.allSatisfy { g.heightRange.contains($0.height) })
        // the spread is used: thicker than classic on average, and both ends reached
        let radii = styles.map(\.penRadius)
        let mean = radii.reduce(0, +) / Float(radii.count)
        #expect(mean > 1.25 && mean < 1.5, "mean pen radius \(mean)")
        #expect(radii.min()! < 1.1 && radii.max()! > 1.9)
    }

    @Test func imagesFollowTheConvention() {
        var digits = SyntheticDigits(seed: 5, generation: .lifelike)
        let (x, _) = digits.batch(200)
        #expect(x.shape == [200, 1, 28, 28])
        let pixels = SyntheticDigits.imageSize * SyntheticDigits.imageSize
        for i in 0..<200 {
            let image = x.scalars[(i * pixels)..<((i + 1) * pixels)]
            #expect(image.allSatisfy { $0 >= -1 && $0 <= 1 })
            #expect(image.min() == -1 && image.max()! > 0.9)
            #expect(SyntheticDigitsTests.frame.allSatisfy { image[image.startIndex + $0] == -1 }, "digit \(i) touches the border")
        }
    }
}
