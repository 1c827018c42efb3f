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

    /// P(t < k) for t = ⌊T·sigmoid(n)⌋, n ~ N(0, 1): P(n < logit(k/T)) = Φ(logit(k/T)).
    static func logitNormalCDF(_ k: Int, _ T: Int) -> Double {
        let p = Double(k) / Double(T)
        let logit = log(p / (1 - p))
        return 0.5 * erfc(-logit / 2.squareRoot())
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
}
