extension String {
    /// Without leading and trailing spaces, tabs, CR and LF.
    package var trimmingWhitespace: String {
        let bytes = Array(utf8)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// The text with each scalar that `table` names replaced by its text, and every other
    /// scalar passed through `other` (escapers of XML, label values, line-based files).
    package func replacingScalars(
        _ table: [Unicode.Scalar: String], other: (Unicode.Scalar) -> Unicode.Scalar = { $0 }
    ) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            if let replacement = table[scalar] { out += replacement } else { out.unicodeScalars.append(other(scalar)) }
        }
        return out
    }

    /// `bytes` as text, or nil when they are not valid UTF-8. Decoding replaces each invalid
    /// sequence with U+FFFD, so the bytes were valid exactly when decoding changed none of them.
    /// (The standard library's generic `String(validating:as:)` sets up generic metadata on its
    /// first call, which every tool paid to read its configuration.)
    package init?(validUTF8 bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(bytes) else { return nil }
        self = text
    }

    /// The text split at every `separator` byte, empty fields kept ("a\t\tb" is three fields).
    /// By bytes, into Strings: the generic `split` on `Substring`s costs more on a tool's first
    /// call than the parsing itself.
    package func fields(separatedBy separator: UInt8) -> [String] {
        let bytes = Array(utf8)
        var fields: [String] = []
        var start = 0
        for end in 0...bytes.count where end == bytes.count || bytes[end] == separator {
            fields.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = end + 1
        }
        return fields
    }

    /// The text split into lines at each LF byte (a final newline does not start an empty
    /// line). Split by bytes: as Characters, "\r\n" is one grapheme and would not be split.
    package var lines: [Substring] {
        var parts: [Substring] = []
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "\n") {
                parts.append(self[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start != utf8.endIndex { parts.append(self[start...]) }
        return parts
    }
}

/// Byte classes of ASCII text.
package enum ASCII {
    package static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    package static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    /// `[A-Za-z_][A-Za-z0-9_]*`: a shell or systemd variable name, a Prometheus label name.
    package static func isIdentifier<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        guard let first = bytes.first, !isDigit(first) else { return false }
        return bytes.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }
}

extension Unicode.Scalar {
    /// C0 and C1 controls, DEL, and the line and paragraph separators U+2028 and U+2029.
    package var isControlCharacter: Bool {
        value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
    }

    /// `U+001B`: at least four hexadecimal digits, for messages.
    package var codePoint: String {
        let digits = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension String {
    /// The text of a C string held in an array (a filled-in mkstemp(3) template), up to its NUL.
    package init(nulTerminated characters: [CChar]) {
        self.init(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
