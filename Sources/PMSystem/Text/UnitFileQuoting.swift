/// Writing record values into systemd unit files so that no byte can end a line, add a
/// directive or be read as a specifier: `%` is doubled everywhere, control characters are
/// C-escaped inside quotes (the reference wrote CR raw: docs/differences.md#sd-1), and a lone
/// `;` is quoted so it is not a command separator (docs/differences.md#sd-2).
package enum UnitFileQuoting {
    /// A value that a unit file cannot carry at all.
    package struct Unrepresentable: Error, CustomStringConvertible {
        package let what: String
        package let reason: String
        package var description: String { "\(what) cannot be written into a systemd unit: \(reason)" }
    }

    /// One `ExecStart=` word: `%` and `$` doubled (systemd expands both even inside quotes),
    /// quoted when it is empty, a lone `;`, or holds whitespace, quotes, a backslash or a
    /// control character.
    package static func execArgument(_ argument: String, what: String) throws -> String {
        let escaped = doubling(argument, [UInt8(ascii: "%"), UInt8(ascii: "$")])
        let needsQuotes =
            escaped.isEmpty || escaped == ";"
            || escaped.utf8.contains { byte in
                byte == UInt8(ascii: " ") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"")
                    || byte == UInt8(ascii: "\\")
                    || isControl(byte)
            }
        guard needsQuotes else { return escaped }
        return "\"" + (try cEscaped(escaped, what: what)) + "\""
    }

    /// The words of `ExecStart=`, each quoted as `execArgument` does.
    package static func execLine(_ arguments: [String], what: String) throws -> String {
        try arguments.map { try execArgument($0, what: what) }.joined(separator: " ")
    }

    /// `Environment="NAME=value"`: the value C-escaped and `%` doubled; `$` stays (no expansion
    /// happens in `Environment=`).
    package static func environment(_ name: String, _ value: String) throws -> String {
        let escaped = try cEscaped(doubling(value, [UInt8(ascii: "%")]), what: "the value of \(name)")
        return "Environment=\"\(name)=\(escaped)\""
    }

    /// A path setting (`WorkingDirectory=`, `StandardOutput=append:`, `ListenFIFO=`): `%`
    /// doubled. Paths with control characters, a backslash or outer whitespace are refused:
    /// these settings are not unquoted, so such bytes cannot be escaped.
    package static func path(_ path: String, what: String) throws -> String {
        let bytes = Array(path.utf8)
        if bytes.contains(where: isControl) || bytes.contains(UInt8(ascii: "\\")) {
            throw Unrepresentable(
                what: what, reason: "the path \(printable(path)) contains a control character or a backslash")
        }
        if bytes.first == UInt8(ascii: " ") || bytes.last == UInt8(ascii: " ") {
            throw Unrepresentable(what: what, reason: "the path \"\(path)\" begins or ends with a space")
        }
        return doubling(path, [UInt8(ascii: "%")])
    }

    /// Text for `Description=`: control characters become spaces.
    package static func text(_ text: String) -> String {
        doubling(
            String(decoding: text.utf8.map { isControl($0) ? UInt8(ascii: " ") : $0 }, as: UTF8.self),
            [UInt8(ascii: "%"), UInt8(ascii: "\\")])
    }

    /// Inside double quotes: `\` and `"` escaped, control characters as `\n`, `\t`, `\r` or
    /// `\xNN`. NUL cannot be written (systemd refuses `\x00`).
    static func cEscaped(_ text: String, what: String) throws -> String {
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case 0: throw Unrepresentable(what: what, reason: "it contains a NUL byte")
            case UInt8(ascii: "\\"), UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "\n"): out += Array("\\n".utf8)
            case UInt8(ascii: "\t"): out += Array("\\t".utf8)
            case UInt8(ascii: "\r"): out += Array("\\r".utf8)
            case _ where isControl(byte): out += Array("\\x".utf8) + hex(byte)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// How a secret can appear in a unit file: in `ExecStart=` and in `Environment=`, quoted or
    /// not (for `SecretMasker`).
    static func spellings(of secret: String) -> [String] {
        let exec = doubling(secret, [UInt8(ascii: "%"), UInt8(ascii: "$")])
        let environment = doubling(secret, [UInt8(ascii: "%")])
        return [exec, environment] + [exec, environment].compactMap { try? cEscaped($0, what: "") }
    }

    /// Each of `bytes` written twice: `%` → `%%` (specifiers), `$` → `$$` (variables).
    static func doubling(_ text: String, _ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            out.append(byte)
            if bytes.contains(byte) { out.append(byte) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7f }

    private static func hex(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return [digits[Int(byte >> 4)], digits[Int(byte & 0xf)]]
    }

    private static func printable(_ text: String) -> String {
        "\"" + ((try? cEscaped(text, what: "")) ?? "?") + "\""
    }
}
