/// A number as users write one in a setting or an option: decimal digits with at most one
/// point (`30`, `1.5`, `.5`). Swift's `Double(String)` also reads hexadecimal (`0x10` is 16),
/// exponents, `inf` and `nan`, none of which a setting means.
package enum DecimalNumber {
    package static func parse(_ text: String) -> Double? {
        var digits = 0
        var points = 0
        for byte in text.utf8 {
            if ASCII.isDigit(byte) { digits += 1 } else if byte == UInt8(ascii: ".") { points += 1 } else { return nil }
        }
        guard digits > 0, points <= 1, digits <= 30 else { return nil }
        return Double(text)
    }
}
