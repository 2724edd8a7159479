/// Sizes in bytes as operators write them: a number with an optional binary unit, `k`, `m`,
/// `g` or `t` (`10M`, `512k`, `1.5g`, `1048576`, `64b`), case-insensitive.
package enum ByteSize {
    /// The size, or nil for anything else (negative, not finite, 1 EB or more).
    package static func parse(_ text: String) -> Int? {
        let value = text.trimmingWhitespace.lowercased()
        let units: [(String, Double)] = [("k", 0x1p10), ("m", 0x1p20), ("g", 0x1p30), ("t", 0x1p40), ("b", 1)]
        var number = value
        var factor = 1.0
        for (suffix, size) in units where value.hasSuffix(suffix) {
            number = String(value.dropLast())
            factor = size
            break
        }
        guard let amount = DecimalNumber.parse(number), amount.isFinite, amount >= 0, amount * factor < 1e18 else {
            return nil
        }
        return Int(amount * factor)
    }

    /// `10M`, `512k`, `100` for messages.
    package static func text(_ bytes: Int) -> String {
        for (suffix, size) in [("G", 1 << 30), ("M", 1 << 20), ("k", 1 << 10)] where bytes >= size && bytes % size == 0
        {
            return "\(bytes / size)\(suffix)"
        }
        return String(bytes)
    }
}
