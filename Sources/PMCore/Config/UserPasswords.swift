import PMSystem

/// The configuration's `users` map: a Windows account's password per user name, verbatim or as
/// `base64:` and standard base64. Every spelling is a secret.
package enum UserPasswords {
    package static let base64Prefix = "base64:"

    /// Every spelling of every password of a `users` map, for the secret masker: the values as
    /// written, their base64 part and the decoded passwords.
    package static func secrets(in users: [String: String]) -> [String] {
        users.values.flatMap { value -> [String] in
            guard value.hasPrefix(base64Prefix) else { return [value] }
            let encoded = String(value.dropFirst(base64Prefix.count))
            let decoded = Base64.decode(encoded).flatMap { String(validUTF8: $0) }
            return [value, encoded] + (decoded.map { [$0] } ?? [])
        }
    }
}
