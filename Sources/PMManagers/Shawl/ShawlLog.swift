import PMCore
import PMHTTP
import PMSystem

/// The console of a shawl service, from shawl's log:
/// each line's message, after the first `] ` (level) and the first `: ` (source), and the
/// command's output, which shawl writes Rust-quoted (`stdout: "say \"hi\""`), unquoted
/// (the reference only strips the outer quotes: docs/differences.md#win-12).
enum ShawlLog {
    /// One message per non-empty message line, each ending in a newline.
    static func messages(_ text: String) -> String {
        text.lines.map { message(String($0.hasSuffix("\r") ? $0.dropLast() : $0)) }.filter { !$0.isEmpty }.map {
            $0 + "\n"
        }.joined()
    }

    /// `2025-11-29 00:07:35 [DEBUG] stdout: "message"` → `message`.
    static func message(_ line: String) -> String {
        guard let level = line.firstRange(of: "] ") else { return line }
        let rest = line[level.upperBound...]
        guard let source = rest.firstRange(of: ": ") else { return String(rest) }
        let message = rest[source.upperBound...]
        guard message.count >= 2, message.hasPrefix("\""), message.hasSuffix("\"") else { return String(message) }
        return unquote(message.dropFirst().dropLast())
    }

    /// Undoes Rust's `{:?}` escapes: `\\` `\"` `\'` `\n` `\r` `\t` `\0` and `\u{XXXX}`.
    /// Anything else stays as written.
    static func unquote(_ text: Substring) -> String {
        var out = ""
        var scalars = text.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "\\", let next = scalars.first else {
                out.unicodeScalars.append(scalar)
                continue
            }
            let simple: [Unicode.Scalar: Unicode.Scalar] = [
                "\\": "\\", "\"": "\"", "'": "'", "n": "\n", "r": "\r", "t": "\t", "0": "\0"
            ]
            if let replacement = simple[next] {
                out.unicodeScalars.append(replacement)
                scalars.removeFirst()
            } else if next == "u", let (decoded, length) = unicodeEscape(scalars) {
                out.unicodeScalars.append(decoded)
                scalars.removeFirst(length)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `u{1b}` at the start of `scalars`: the scalar and how many scalars it took.
    private static func unicodeEscape(_ scalars: Substring.UnicodeScalarView.SubSequence) -> (Unicode.Scalar, Int)? {
        let text = String(String.UnicodeScalarView(scalars.prefix(10)))
        guard text.hasPrefix("u{"), let close = text.firstIndex(of: "}") else { return nil }
        let digits = text[text.index(text.startIndex, offsetBy: 2)..<close]
        guard (1...6).contains(digits.count), let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value)
        else { return nil }
        return (scalar, digits.count + 3)
    }
}
