/// Hides secrets (the rcon password, service passwords) in every text the toolbox prints.
public struct SecretMasker {
    public static let mask = "******"
    private let secrets: [String]

    /// Secrets shorter than 3 characters are not masked: masking `1` would garble every number.
    public init(_ secrets: [String]) {
        self.secrets = Set(secrets.filter { $0.count >= 3 }).sorted { $0.count > $1.count }
    }

    public func apply(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.mask)
        }
        return result
    }
}
