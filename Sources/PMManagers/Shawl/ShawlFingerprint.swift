import PMCore
import PMHTTP
import PMSystem

/// The change-detection file of a shawl service, `<name>.yaml` (not YAML).
/// It starts with the reference's three lines (`command`, `workdir`, `user`) and adds every
/// other input of the service (docs/differences.md#win-8): the account, a
/// salted SHA-256 of its password (never the password), the start mode and the whole
/// `binPath` (shawl's path, the program, its arguments, the directories). `%`, CR and LF in a
/// value are percent-encoded, so that no value can forge a line.
struct ShawlFingerprint: Equatable {
    static let saltBytes = 16

    var command: String
    var workingDirectory: String
    var user: String
    var account: ServiceAccount
    var startMode: ServiceStartMode
    var binPath: String

    /// The file's text, the password digested with `salt`.
    func render(salt: [UInt8]) -> String {
        let entries = [
            ("command", command), ("workdir", workingDirectory), ("user", user), ("account", account.name),
            ("password", passwordDigest(salt: salt)), ("start", startMode.rawValue), ("binpath", binPath)
        ]
        return entries.map { "\($0.0)=\(Self.encode($0.1))\n" }.joined()
    }

    /// The fingerprint with the secrets of its command and `binPath` masked, for plans.
    func masked(_ masker: SecretMasker) -> ShawlFingerprint {
        var shown = self
        shown.command = masker.apply(command)
        shown.binPath = masker.apply(binPath)
        return shown
    }

    /// `sha256:<salt>:<digest>` in hexadecimal; empty for an account without a password.
    func passwordDigest(salt: [UInt8]) -> String {
        guard let password = account.password else { return "" }
        return "sha256:\(SHA256.hex(salt)):\(SHA256.hexDigest(salt + Array(password.utf8)))"
    }

    /// The salt of an existing file, so that the same password gives the same line; nil when
    /// the file has none (the reference's files, NETWORK SERVICE).
    static func salt(in text: String) -> [UInt8]? {
        guard let line = text.lines.first(where: { $0.hasPrefix("password=sha256:") }) else { return nil }
        let fields = line.dropFirst("password=sha256:".count).split(separator: ":")
        guard fields.count == 2, let salt = bytes(fromHex: fields[0]), salt.count == saltBytes else { return nil }
        return salt
    }

    static func newSalt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<saltBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// By scalars: as Characters, CR LF is one grapheme and would match neither.
    static func encode(_ value: String) -> String {
        value.replacingScalars(["%": "%25", "\r": "%0D", "\n": "%0A"])
    }

    static func bytes(fromHex text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<(index + 2)], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
        }
        return bytes
    }
}
