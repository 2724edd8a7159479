/// Hides secrets (the rcon password, service passwords) in every text the toolbox prints.
public struct SecretMasker {
    public static let mask = "******"
    private let secrets: [String]

    /// Secrets shorter than 3 characters are not masked: masking `1` would garble every number.
    /// Each secret is also masked in the other spellings a plan or echo can give it: shell-quoted
    /// (`Pa$$` inside a quoted command line reads `Pa\$\$`), inside single quotes, as tmux's
    /// `send-keys -H` hex bytes, as a systemd unit file writes it (`Pa$$$$`), and inside a JSON
    /// string (an engine request's body: `a\"b`).
    public init(_ secrets: [String]) {
        var all: [String] = []
        for secret in secrets where secret.count >= 3 {
            let spellings = [secret, ShellWords.quote(secret), secret.replacing("'", with: "'\\''"),
                             secret.utf8.map { String($0, radix: 16) }.joined(separator: " ")]
                + UnitFileQuoting.spellings(of: secret) + [Self.jsonSpelling(secret)]
            for spelling in spellings where !all.contains(spelling) { all.append(spelling) }
        }
        self.secrets = all.sorted { $0.count > $1.count }
    }

    static func jsonSpelling(_ secret: String) -> String {
        var quoted = ""
        JSONWriter.quote(secret, to: &quoted)
        return String(quoted.dropFirst().dropLast())
    }

    public func apply(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.mask)
        }
        return result
    }
}
