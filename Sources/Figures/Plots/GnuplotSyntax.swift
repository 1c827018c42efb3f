// GnuplotSyntax.swift — numbers, strings and colours as gnuplot reads them.
//
// Numbers: the shortest decimal that reads back as exactly the same value. A value
// that is exactly a Float (as all tensor values are) is written as that Float
// (0.1 as "0.1", not "0.10000000149011612"); any other Double with all the digits
// it needs. Swift's own formatting is locale-free and the same everywhere, so the
// same data always gives the same bytes. NaN and ±∞ are written as "NaN", which
// gnuplot treats as a missing point.
//
// Strings: double-quoted, with every character that gnuplot would interpret
// escaped: \\ and \" for backslash and quote; the backquote (command substitution
// `…`, which gnuplot performs even inside double quotes) and @ (macro expansion)
// as the octal escapes \140 and \100. A line break becomes \n, which gnuplot draws
// as a new line; other control characters are dropped. (Single quotes would need
// fewer escapes, but gnuplot 5.4 fails to parse some doubled quotes in them, such
// as ''''.) Text is drawn literally — the terminal is `noenhanced`, so _ and ^ are
// not sub/superscripts — and Unicode such as x₀, ᾱ, σ² works with the cairo terminals.

/// A number as gnuplot data or script text: the shortest exact decimal, "NaN" when not finite.
func gnuplotNumber(_ x: Double) -> String {
    guard x.isFinite else { return "NaN" }
    if let f = Float(exactly: x) { return f.description }
    return x.description
}

/// A string as a gnuplot double-quoted string literal that gnuplot reads back unchanged.
func gnuplotString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "`": out += "\\140"                     // no command substitution
        case "@": out += "\\100"                     // no macro expansion
        case "\n": out += "\\n"                     // a line break in the drawn text
        case "\t": out += " "
        case _ where scalar.value < 0x20 || scalar.value == 0x7F: continue   // other control characters
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// Whether `color` is `#RRGGBB` or `#AARRGGBB` (hex digits; AA is transparency, 00 opaque).
func isHexColor(_ color: String) -> Bool {
    let digits = color.dropFirst()
    return color.first == "#" && (digits.count == 6 || digits.count == 8) && digits.allSatisfy(\.isHexDigit)
}
