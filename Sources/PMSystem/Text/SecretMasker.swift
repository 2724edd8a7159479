/// Hides secrets (`SecretValues`) in every text the toolbox prints, in every spelling it can
/// print them.
package struct SecretMasker {
    package static let mask = "******"
    private let secrets: [String]

    /// Secrets shorter than 3 characters are not masked: masking `1` would garble every number.
    package init(_ secrets: [String]) {
        var all: [String] = []
        for secret in secrets where secret.count >= 3 {
            for spelling in Self.spellings(of: secret) where spelling.count >= 3 && !all.contains(spelling) {
                all.append(spelling)
            }
        }
        self.secrets = all.sorted { $0.count > $1.count }
    }

    /// Every form in which a plan, an echo, a generated file or an error can show a secret:
    /// as is; shell-quoted (`Pa$$` in a quoted command line reads `Pa\$\$`) and inside single
    /// quotes; as tmux's `send-keys -H` hex bytes; as a systemd unit file writes it (`Pa$$$$`);
    /// inside a JSON string (an engine request's body: `a\"b`); XML-escaped (a WinSW
    /// definition); Windows-quoted, once and inside a second quoting (a service command line
    /// within `sc create ... binPath=`), and then XML-escaped (a WinSW `<arguments>`);
    /// percent-encoded (a URL's query).
    static func spellings(of secret: String) -> [String] {
        let windows = WindowsQuoting.quote(secret)
        let windowsTwice = WindowsQuoting.quote(windows)
        return [
            secret, ShellWords.quote(secret), secret.replacing("'", with: "'\\''"),
            secret.utf8.map { String($0, radix: 16) }.joined(separator: " ")
        ]
            + UnitFileQuoting.spellings(of: secret)
            + [
                jsonSpelling(secret), XMLEscaping.escape(secret), windows, unquoted(windows), windowsTwice,
                unquoted(windowsTwice),
                unquoted(WindowsQuoting.quote(unquoted(windows))), percentEncoded(secret),
                XMLEscaping.escape(windows), XMLEscaping.escape(unquoted(windows))
            ]
    }

    static func jsonSpelling(_ secret: String) -> String {
        var quoted = ""
        JSONWriter.quote(secret, to: &quoted)
        return String(quoted.dropFirst().dropLast())
    }

    /// A Windows-quoted word without its outer quotes (the form it has inside a longer one).
    private static func unquoted(_ quoted: String) -> String {
        quoted.count >= 2 && quoted.hasPrefix("\"") && quoted.hasSuffix("\"")
            ? String(quoted.dropFirst().dropLast()) : quoted
    }

    /// Every byte but RFC 3986's unreserved characters as `%XX`.
    static func percentEncoded(_ secret: String) -> String {
        var out = ""
        for byte in secret.utf8 {
            if ASCII.isLetter(byte) || ASCII.isDigit(byte) || "-._~".utf8.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    package func apply(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.mask)
        }
        return result
    }
}
