import PMSystem

/// `application/x-www-form-urlencoded` query strings as Go's `url.Values.Encode` writes them,
/// keys sorted: `stderr=1&stdout=1&tail=500`, `fromImage=docker.io%2Fgameap%2Fdebian`.
package enum FormEncoding {
    package static func query(_ values: [String: String]) -> String {
        values.sorted { $0.key < $1.key }.map { "\(escape($0.key))=\(escape($0.value))" }.joined(separator: "&")
    }

    /// Letters, digits and `-_.~` as they are, space as `+`, every other byte as `%XX`.
    package static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if ASCII.isLetter(byte) || ASCII.isDigit(byte) || "-_.~".utf8.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else if byte == 0x20 {
                out += "+"
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
