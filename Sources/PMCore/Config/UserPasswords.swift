import PMSystem

/// The configuration's `users` map: a Windows account's password per user name, verbatim or as
/// `base64:` and standard base64. Every spelling is a secret.
package enum UserPasswords {
    package static let base64Prefix = "base64:"

    /// The password a `users` value stands for: the value itself, or its base64 part decoded;
    /// nil when that part is not UTF-8 text in standard base64.
    package static func password(from value: String) -> String? {
        guard value.hasPrefix(base64Prefix) else { return value }
        return Base64.decode(String(value.dropFirst(base64Prefix.count))).flatMap { String(validUTF8: $0) }
    }

    /// Every spelling of every password of a `users` map, for the secret masker: the values as
    /// written, their base64 part and the decoded passwords.
    package static func secrets(in users: [String: String]) -> [String] {
        users.values.flatMap { value -> [String] in
            guard value.hasPrefix(base64Prefix) else { return [value] }
            return [value, String(value.dropFirst(base64Prefix.count))] + (password(from: value).map { [$0] } ?? [])
        }
    }
}
