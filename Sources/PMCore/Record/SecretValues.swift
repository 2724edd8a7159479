import PMSystem

/// The secrets of a server, which no output may show (`SecretMasker` hides them in every
/// spelling): the record's rcon password, the passwords of the configuration's `users`, and
/// the value of every variable or setting whose name says it holds one: it contains
/// `password`, `passwd`, `secret`, `token`, `api_key`, `apikey` or `rcon`, in any case, and
/// does not name a port (`rcon_port` is a number everybody may see), or the `secret_vars`
/// setting lists it (names separated by commas).
package enum SecretValues {
    static let nameParts = ["password", "passwd", "secret", "token", "api_key", "apikey", "rcon"]

    package static func isSecretName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return nameParts.contains { lower.contains($0) } && !lower.hasSuffix("port")
    }

    static func of(
        record: ServerRecord, variables: [String: String], settings: ManagerSettings, users: [String: String]
    ) -> [String] {
        let listed = Set(
            (settings.value(.secretVars) ?? "").split(separator: ",")
                .map { String($0).trimmingWhitespace.lowercased() }.filter { !$0.isEmpty })
        let named = variables.filter { isSecretName($0.key) || listed.contains($0.key.lowercased()) }.map(\.value)
            .sorted()
        return [record.rconPassword] + UserPasswords.secrets(in: users) + named
    }
}
