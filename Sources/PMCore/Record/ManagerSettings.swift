import PMSystem

/// A manager setting looked up with the reference's priority: the
/// dedicated command-line flags over all, then server vars (which include settings and game-mod
/// var defaults), game-mod metadata, game metadata, and `process_manager.config` (with `-o`
/// entries laid over it). Empty values fall through.
package struct ManagerSettings {
    package let flags: [String: String]
    package let variables: [String: String]
    package let modMetadata: [String: String]
    package let gameMetadata: [String: String]
    package let options: [String: String]

    package init(
        flags: [String: String], variables: [String: String], modMetadata: [String: String],
        gameMetadata: [String: String], options: [String: String]
    ) {
        self.flags = flags
        self.variables = variables
        self.modMetadata = modMetadata
        self.gameMetadata = gameMetadata
        self.options = options
    }

    /// The value of `key`; in `process_manager.config` a `docker_` prefix is looked up without it
    /// first (`image` for `docker_image`), then in full. `includingOptions: false` asks the
    /// server's own sources only.
    package func value(_ setting: SettingKey, includingOptions: Bool = true) -> String? {
        let key = setting.rawValue
        return Self.nonEmpty(flags[key]) ?? Self.nonEmpty(variables[key]) ?? Self.nonEmpty(modMetadata[key])
            ?? Self.nonEmpty(gameMetadata[key]) ?? (includingOptions ? option(key) : nil)
    }

    /// The value of `key` from the sources a panel user cannot edit: the flags, the game mod's
    /// and the game's metadata, and `process_manager.config` (with the `docker_` alias).
    package func trustedValue(_ setting: SettingKey) -> String? {
        let key = setting.rawValue
        return Self.nonEmpty(flags[key]) ?? Self.nonEmpty(modMetadata[key]) ?? Self.nonEmpty(gameMetadata[key])
            ?? option(key)
    }

    /// `process_manager.config`, where `docker_image` is looked up as `image` first.
    private func option(_ key: String) -> String? {
        if key.hasPrefix("docker_"), let value = Self.nonEmpty(options[String(key.dropFirst("docker_".count))]) {
            return value
        }
        return Self.nonEmpty(options[key])
    }

    /// Whether `key` (a var or setting name) is one of the tools' own settings
    /// (`SettingKey.toolSettings`, and every `docker_` setting).
    package static func isToolSetting(_ key: String) -> Bool {
        SettingKey.toolSettings.contains(SettingKey(rawValue: key.lowercased()))
            || key.lowercased().hasPrefix("docker_")
    }

    /// An empty value counts as unset, in every source.
    private static func nonEmpty(_ value: String?) -> String? {
        value?.isEmpty == false ? value : nil
    }

    /// A number of seconds; nil when unset, an error naming the key when it is not a number.
    package func seconds(_ key: SettingKey) throws -> Double? {
        guard let text = value(key) else { return nil }
        guard let seconds = DecimalNumber.parse(text.trimmingWhitespace), seconds.isFinite, seconds >= 0,
            seconds <= 86400
        else {
            throw SelectionError.notSeconds(key, text: text)
        }
        return seconds
    }

    /// A whole number in `range`; nil when unset.
    package func integer(_ key: SettingKey, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = value(key) else { return nil }
        guard let number = Int(text.trimmingWhitespace), range.contains(number) else {
            throw SelectionError.notInteger(key, text: text, range: range)
        }
        return number
    }

    /// A size in bytes in `range` (`ByteSize`); nil when unset.
    package func bytes(_ key: SettingKey, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = value(key) else { return nil }
        guard let size = ByteSize.parse(text), range.contains(size) else {
            throw SelectionError.notSize(key, text: text, range: range)
        }
        return size
    }

    /// Yes or no (`yes`/`no`, `true`/`false`, `on`/`off`, `1`/`0`); nil when unset.
    package func flag(_ key: SettingKey) throws -> Bool? {
        guard let text = value(key) else { return nil }
        switch text.trimmingWhitespace.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw SelectionError.notBoolean(key, text: text)
        }
    }
}
