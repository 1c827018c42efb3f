// DigitPrompt.swift — short word prompts for synthetic digits, the "text" of a
// text-conditioned model.
//
// A prompt is a fixed number of word tokens, one slot per attribute and one for the
// digit, always in this order:
//
//     slot   0 size        1 thickness   2 slant                 3 width        4 digit
//     words  small large   thin bold     left upright right      narrow wide    zero … nine
//
// An empty slot holds "<pad>" (token 0): "large bold right <pad> seven" asks for a
// large, bold, right-leaning seven of any width, and "<pad> <pad> <pad> <pad> <pad>"
// (`DigitPrompt.null`) asks for nothing — the unconditional prompt of
// classifier-free guidance. Five tokens, not one: cross-attention over a single token
// has softmax weights identically 1, so its attention maps would mean nothing.
//
// The words come from each digit's true drawn attributes (DigitStyle.swift), binned
// into thirds of the (default, lifelike) generator's draws:
//
//     size        height (px) U(15.5, 20.5)   small < 17.17 ≤ (none) < 18.83 ≤ large
//     thickness   pen radius (px) 1 … 2.1      thin < 1.147 ≤ (none) < 1.565 ≤ bold
//     slant       N(0.06, 0.22²), clipped      left < −0.05 ≤ upright < 0.17 ≤ right
//     width       width scale U(0.6, 1.15)    narrow < 0.783 ≤ (none) < 0.967 ≤ wide
//
// Size, thickness and width have no word for their middle bin (an ordinary digit is
// not described); slant's middle is "upright", since most hands lean right.
//
//     let p = try DigitPrompt(parsing: "bold seven")        // any order, gaps allowed
//     p.description                                          // "<pad> bold <pad> <pad> seven"
//     p.bin(.thickness)                                      // 2

import Tensors

/// An attribute a prompt can describe, in slot order.
public enum PromptAttribute: Int, CaseIterable, Sendable {
    /// The height of the digit: small or large.
    case size
    /// The stroke width: thin or bold.
    case thickness
    /// The lean: left, upright or right.
    case slant
    /// The horizontal scale: narrow or wide.
    case width

    /// The words of the attribute from low to high: (low, high), or (low, middle, high)
    /// for slant, the only attribute with a word for its middle bin.
    public var words: [String] {
        switch self {
        case .size: ["small", "large"]
        case .thickness: ["thin", "bold"]
        case .slant: ["left", "upright", "right"]
        case .width: ["narrow", "wide"]
        }
    }

    /// The attribute's name: "size", "thickness", "slant" or "width".
    public var name: String {
        switch self {
        case .size: "size"
        case .thickness: "thickness"
        case .slant: "slant"
        case .width: "width"
        }
    }

    /// The word for `bin` (0 low, 1 middle, 2 high), or nil for a middle bin without
    /// a word (every attribute but slant).
    public func word(forBin bin: Int) -> String? {
        precondition((0...2).contains(bin), "PromptAttribute.word: bin must be 0, 1 or 2, got \(bin)")
        let w = words
        if w.count == 3 { return w[bin] }
        return bin == 0 ? w[0] : bin == 2 ? w[1] : nil
    }

    /// The bin (0 low, 1 middle, 2 high) that `word` names, or nil if it is not one of
    /// this attribute's words.
    public func bin(ofWord word: String) -> Int? {
        guard let k = words.firstIndex(of: word) else { return nil }
        return words.count == 3 ? k : 2 * k
    }
}

/// Why a prompt's text could not be read: one line naming the offending word.
public struct PromptError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The message, e.g. `unknown prompt word "bolt"; the words are: small, large, …`.
    public let description: String

    /// An error with the message `description`.
    public init(_ description: String) { self.description = description }
}

/// A fixed-length prompt of word tokens describing a digit: size, thickness, slant,
/// width and the digit, each slot a word or "<pad>". See `DigitPrompt.swift`.
public struct DigitPrompt: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Every token's word; a token is its index here. "<pad>" is 0, then the attribute
    /// words in slot order, then "zero" … "nine" (20 tokens).
    public static let vocabulary: [String] = ["<pad>"] + PromptAttribute.allCases.flatMap(\.words) + digitWords
    /// The number of slots (tokens) of every prompt: one per attribute, then the digit.
    public static let length = PromptAttribute.allCases.count + 1
    /// The prompt with every slot "<pad>": no condition at all (classifier-free
    /// guidance's unconditional prompt).
    public static let null = DigitPrompt(tokens: [Int](repeating: 0, count: length))

    /// The token of "<pad>", the empty slot.
    public static let padToken = 0
    /// The slot of the digit word: the last one.
    public static let digitSlot = PromptAttribute.allCases.count
    /// The words of the digits 0 … 9.
    static let digitWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    /// The slot each token belongs to (nil for "<pad>", which fits any slot).
    static let slotOfToken: [Int?] = [nil]
        + PromptAttribute.allCases.flatMap { a in a.words.map { _ in a.rawValue } }
        + digitWords.map { _ in digitSlot }

    // Bin thresholds on the true attributes (DigitStyle) of the default, lifelike
    // generation (DigitGeneration.swift), a third of the digits per bin: thirds of the
    // uniform size and width ranges, the tertiles of the skewed pen-radius draw
    // (1 + 1.1·u² for every digit but 1, 1 + 1.1·(1 − (1 − u)³) for a 1), and slant's
    // mean ± σ/2. The shares low / middle / high the generator draws exactly:
    //   size       ⅓ / ⅓ / ⅓          U(15.5, 20.5)
    //   thickness  ⅓ / ⅓ / ⅓          tertiles 1.147 and 1.565 of the pen mixture
    //   slant      30.85 / 38.3 / 30.85 %   N(0.06, 0.22²): Φ(−0.5), Φ(0.5) − Φ(−0.5)
    //   width      ⅓ / ⅓ / ⅓          U(0.6, 1.15)
    // The classic generation's digits use the same thresholds, so their bins are not
    // thirds (its pens are thinner, its digits larger and wider).

    /// Heights (pixels) below this are "small": 15.5 + 5/3 ≈ 17.17, the lowest third
    /// of U(15.5, 20.5).
    public static let smallBelow: Float = 15.5 + 5.0 / 3
    /// Heights (pixels) from this on are "large": 15.5 + 2·5/3 ≈ 18.83, the top third.
    public static let largeFrom: Float = 15.5 + 2 * 5.0 / 3
    /// Pen radii (pixels) below this are "thin": 1.147, the lower tertile of the
    /// lifelike pen radius (see the comment above).
    public static let thinBelow: Float = 1.147
    /// Pen radii (pixels) from this on are "bold": 1.565, the upper tertile.
    public static let boldFrom: Float = 1.565
    /// Slants below this lean "left": −0.05, the lower 30.9 % of N(0.06, 0.22²).
    public static let leftBelow: Float = -0.05
    /// Slants from this on lean "right": 0.17, the upper 30.9 % of N(0.06, 0.22²);
    /// between the two a digit is "upright" (38.3 %).
    public static let rightFrom: Float = 0.17
    /// Width scales below this are "narrow": 0.6 + 0.55/3 ≈ 0.783, the lowest third
    /// of U(0.6, 1.15).
    public static let narrowBelow: Float = 0.6 + 0.55 / 3
    /// Width scales from this on are "wide": 0.6 + 2·0.55/3 ≈ 0.967, the top third.
    public static let wideFrom: Float = 0.6 + 2 * 0.55 / 3

    /// The prompt's `length` token ids into `vocabulary`, in slot order (size,
    /// thickness, slant, width, digit).
    public let tokens: [Int]

    /// The prompt with these tokens: `length` ids into `vocabulary`, each either
    /// "<pad>" (0) or a word of its own slot.
    public init(tokens: [Int]) {
        precondition(tokens.count == Self.length,
                     "DigitPrompt: need \(Self.length) tokens (size, thickness, slant, width, digit), got \(tokens.count): \(tokens)")
        for (slot, token) in tokens.enumerated() {
            precondition(Self.vocabulary.indices.contains(token),
                         "DigitPrompt: token \(token) in slot \(slot) is not in 0..<\(Self.vocabulary.count)")
            precondition(token == Self.padToken || Self.slotOfToken[token] == slot,
                         "DigitPrompt: \"\(Self.vocabulary[token])\" cannot stand in slot \(slot) (\(Self.slotName(slot)))")
        }
        self.tokens = tokens
    }

    /// The prompt from bins (0 low, 1 middle, 2 high; nil for "<pad>") and a digit
    /// (nil for "<pad>"). A middle bin has a word only for slant ("upright"); for the
    /// other attributes it writes "<pad>", as `init(style:)` does.
    public init(digit: Int?, size: Int? = nil, thickness: Int? = nil, slant: Int? = nil, width: Int? = nil) {
        if let digit {
            precondition((0..<10).contains(digit), "DigitPrompt: digit must be in 0 … 9, got \(digit)")
        }
        var tokens = [Int](repeating: Self.padToken, count: Self.length)
        for (a, bin) in zip(PromptAttribute.allCases, [size, thickness, slant, width]) {
            guard let bin else { continue }
            if let word = a.word(forBin: bin) { tokens[a.rawValue] = Self.token(of: word)! }
        }
        if let digit { tokens[Self.digitSlot] = Self.token(of: Self.digitWords[digit])! }
        self.init(tokens: tokens)
    }

    /// The full prompt of a digit with these true attributes: every slot from its bin
    /// (`bin(of:style:)`); a middle bin writes "<pad>", except slant's ("upright").
    public init(style: DigitStyle) {
        self.init(digit: style.digit,
                  size: Self.bin(of: .size, style: style),
                  thickness: Self.bin(of: .thickness, style: style),
                  slant: Self.bin(of: .slant, style: style),
                  width: Self.bin(of: .width, style: style))
    }

    /// The prompt written as words separated by spaces, in any order, e.g. "seven bold"
    /// or "large bold right <pad> seven"; "<pad>" may appear anywhere and any number of
    /// times, and letter case does not matter. Empty text is the null prompt.
    ///
    /// - Throws: `PromptError` for a word not in `vocabulary`, or for two words for
    ///   the same slot ("thin bold", "three seven").
    public init(parsing text: String) throws(PromptError) {
        var tokens = [Int](repeating: Self.padToken, count: Self.length)
        for piece in text.split(whereSeparator: \.isWhitespace) {
            let word = piece.lowercased()
            guard let token = Self.token(of: word) else {
                throw PromptError("unknown prompt word \"\(piece)\"; the words are: "
                                  + Self.vocabulary.joined(separator: ", "))
            }
            guard let slot = Self.slotOfToken[token] else { continue }        // <pad>
            if tokens[slot] != Self.padToken {
                throw PromptError("two words for the \(Self.slotName(slot)): \"\(Self.vocabulary[tokens[slot]])\" "
                                  + "and \"\(word)\"; a prompt has at most one word per slot")
            }
            tokens[slot] = token
        }
        self.init(tokens: tokens)
    }

    /// The digit the prompt names, or nil when its digit slot is "<pad>".
    public var digit: Int? {
        let token = tokens[Self.digitSlot]
        return token == Self.padToken ? nil : Self.digitWords.firstIndex(of: Self.vocabulary[token])
    }

    /// The bin the prompt asks for: 0 low, 1 middle (only slant has a middle word,
    /// "upright"), 2 high; nil when the slot is "<pad>".
    public func bin(_ a: PromptAttribute) -> Int? {
        let token = tokens[a.rawValue]
        return token == Self.padToken ? nil : a.bin(ofWord: Self.vocabulary[token])
    }

    /// The words joined by spaces, "<pad>" included: "large bold right <pad> seven".
    /// `init(parsing:)` reads it back to the same prompt.
    public var description: String {
        tokens.map { Self.vocabulary[$0] }.joined(separator: " ")
    }

    /// The prompt after training's prompt dropout. One uniform draw decides whether the
    /// whole prompt becomes `null` (probability `promptProbability`, ≈ 0.1 as in
    /// classifier-free guidance); then one uniform per attribute slot turns that word
    /// into "<pad>" (probability `wordProbability` each, ≈ 0.3), so the model also
    /// learns partial prompts. The digit word is dropped only with the whole prompt.
    /// Every call draws exactly 1 + 4 uniforms (also when the prompt is dropped or a
    /// slot is already "<pad>"), so the generator's stream does not depend on the prompts.
    public func dropped(wordProbability: Float, promptProbability: Float,
                        using rng: inout some RandomNumberGenerator) -> DigitPrompt {
        precondition((0...1).contains(wordProbability) && (0...1).contains(promptProbability),
                     "DigitPrompt.dropped: probabilities must be in [0, 1], got \(wordProbability), \(promptProbability)")
        let dropAll = rng.nextUniform() < promptProbability
        var kept = tokens
        for a in PromptAttribute.allCases where rng.nextUniform() < wordProbability {
            kept[a.rawValue] = Self.padToken
        }
        return dropAll ? .null : DigitPrompt(tokens: kept)
    }

    /// The bin of a true attribute value: 0 low, 1 middle, 2 high, by the thresholds
    /// `smallBelow` … `wideFrom` (a value on a threshold goes to the upper bin).
    public static func bin(of a: PromptAttribute, style: DigitStyle) -> Int {
        let (value, low, high): (Float, Float, Float) = switch a {
        case .size: (style.height, smallBelow, largeFrom)
        case .thickness: (style.penRadius, thinBelow, boldFrom)
        case .slant: (style.slant, leftBelow, rightFrom)
        case .width: (style.widthScale, narrowBelow, wideFrom)
        }
        return value < low ? 0 : value < high ? 1 : 2
    }

    /// The token of `word`, or nil if it is not in the vocabulary.
    static func token(of word: String) -> Int? { vocabulary.firstIndex(of: word) }

    /// The name of slot `slot`: an attribute's name or "digit".
    static func slotName(_ slot: Int) -> String {
        slot == digitSlot ? "digit" : PromptAttribute(rawValue: slot)!.name
    }
}
