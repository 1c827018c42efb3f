// HeldOutPrompt.swift — the word combination the latent model never sees in training.
//
// Compositional generalisation asks whether a model that learned "bold" (on other
// digits) and "seven" (thin or regular sevens) can draw a "bold seven". Training
// therefore never writes "bold" and "seven" in the same prompt: a bold seven's prompt
// loses its thickness word (the image itself stays, captioned without "bold").

extension DigitPrompt {
    /// The combination held out of training: "bold" together with "seven".
    public static let heldOutCombination = DigitPrompt(digit: 7, thickness: 2)

    /// `true` when this prompt names every word of the held-out combination.
    public var containsHeldOutCombination: Bool {
        let held = Self.heldOutCombination
        return zip(tokens, held.tokens).allSatisfy { mine, theirs in theirs == Self.padToken || mine == theirs }
    }

    /// This prompt, with the thickness word removed if it would show the held-out
    /// combination (the form training uses).
    public func withoutHeldOutCombination() -> DigitPrompt {
        guard containsHeldOutCombination else { return self }
        return DigitPrompt(digit: digit, size: bin(.size), thickness: nil, slant: bin(.slant), width: bin(.width))
    }
}
