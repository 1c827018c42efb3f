// The training timestep densities: uniform reproduces DDPM's draws exactly, and the
// logit-normal density matches its closed-form CDF.

import Foundation
import Testing
@testable import Diffusion
import Tensors

@Suite("Timestep densities")
struct TimestepDensityTests {
    @Test("uniform draws exactly what randomInts draws (old runs reproduce bit for bit)")
    func uniformIsUnchanged() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        let drawn = TimestepDensity.uniform.draw(500, timesteps: 1000, using: &a)
        #expect(drawn == randomInts(500, in: 0..<1000, using: &b))
        #expect(a.next() == b.next())                                   // the same amount of randomness used
    }

    /// P(t < k) for t = ⌊T·sigmoid(n)⌋, n ~ N(m, s²): P(n < logit(k/T)) = Φ((logit(k/T) − m)/s).
    static func logitNormalCDF(_ k: Int, _ T: Int, m: Double = 0, s: Double = 1) -> Double {
        let p = Double(k) / Double(T)
        let z = (log(p / (1 - p)) - m) / s
        return 0.5 * erfc(-z / 2.squareRoot())
    }

    @Test("logit-normal: every t in range, and the share below k matches Φ(logit(k/T)) (n = 20,000, 4 SE)")
    func logitNormalMatchesItsCDF() {
        var rng = SeededGenerator(seed: 7)
        let T = 1000, n = 20_000
        let t = TimestepDensity.logitNormal.draw(n, timesteps: T, using: &rng)
        #expect(t.allSatisfy { (0..<T).contains($0) })
        for k in [50, 200, 500, 800, 950] {
            let p = Self.logitNormalCDF(k, T)
            let share = Double(t.filter { $0 < k }.count) / Double(n)
            let se = (p * (1 - p) / Double(n)).squareRoot()
            #expect(abs(share - p) < 4 * se + 1e-4, "k = \(k): share \(share), closed form \(p)")
        }
        // The middle fifth of the chain gets far more than a fifth of the draws; each end far less.
        let middle = Double(t.filter { (400..<600).contains($0) }.count) / Double(n)
        let lastTwentieth = Double(t.filter { $0 >= 950 }.count) / Double(n)
        #expect(middle > 0.3 && lastTwentieth < 0.01, "middle \(middle), last twentieth \(lastTwentieth)")
    }

    @Test("logit-normal with m = 0.5, s = 0.7: the share below k matches Φ((logit(k/T) − m)/s), and the mode moves to the noisy side")
    func shiftedLogitNormalMatchesItsCDF() {
        var rng = SeededGenerator(seed: 11)
        let T = 1000, n = 20_000, m = 0.5, s = 0.7
        let t = TimestepDensity.logitNormal.draw(n, timesteps: T, location: m, scale: s, using: &rng)
        #expect(t.allSatisfy { (0..<T).contains($0) })
        for k in [200, 500, 622, 800, 950] {
            let p = Self.logitNormalCDF(k, T, m: m, s: s)
            let share = Double(t.filter { $0 < k }.count) / Double(n)
            let se = (p * (1 - p) / Double(n)).squareRoot()
            #expect(abs(share - p) < 4 * se + 1e-4, "k = \(k): share \(share), closed form \(p)")
        }
        // The median is T·sigmoid(m) ≈ 622, not T/2.
        let belowHalf = Double(t.filter { $0 < 500 }.count) / Double(n)
        #expect(belowHalf < 0.3, "share below T/2: \(belowHalf)")
    }

    @Test("the uniform density ignores the logit-normal's m and s")
    func uniformIgnoresShape() {
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        #expect(TimestepDensity.uniform.draw(100, timesteps: 50, location: 2, scale: 0.3, using: &a)
                == TimestepDensity.uniform.draw(100, timesteps: 50, using: &b))
    }
}
