import PMSystem

/// Finds and reads the daemon configuration: `--config FILE`, else `$GAMEAP_DAEMON_CONFIG`,
/// else `/etc/gameap-daemon/gameap-daemon.yaml` when it exists, else built-in defaults.
package enum ConfigLoader {
    package static let maximumBytes = 1 << 20

    package static func load(explicitPath: String?) throws -> DaemonConfig {
        if let path = explicitPath
            ?? ProcessEnvironment.value(DaemonConfig.environmentVariable).flatMap({ $0.isEmpty ? nil : $0 })
        {
            return try read(path)
        }
        if FileSystem.exists(DaemonConfig.defaultPath) { return try read(DaemonConfig.defaultPath) }
        return DaemonConfig()
    }

    package static func read(_ path: String) throws -> DaemonConfig {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.contents(of: path, limit: maximumBytes)
        } catch let error as SystemError {
            throw ConfigError(path: path, line: nil, message: "cannot read the configuration: \(error.reason)")
        } catch {
            throw ConfigError(path: path, line: nil, message: "\(error)")
        }
        guard let text = String(validUTF8: bytes) else {
            throw ConfigError(path: path, line: nil, message: "is not UTF-8 text")
        }
        do {
            var config = try parse(YAMLReader.parse(text))
            config.source = path
            return config
        } catch let error as YAMLError {
            throw ConfigError(path: path, line: error.line, message: error.message)
        }
    }

    /// Maps a parsed document onto `DaemonConfig`. Keys the managers do not use are ignored;
    /// a used key with the wrong shape is an error with its line.
    package static func parse(_ root: YAMLNode) throws -> DaemonConfig {
        var config = DaemonConfig()
        if case .null = root { return config }
        guard case .mapping = root else {
            throw YAMLError(line: root.line, message: "the configuration must be a mapping")
        }
        config.workPath = try path(root["work_path"], "work_path")
        config.toolsPath = try path(root["tools_path"], "tools_path")
        config.steamcmdPath = try path(root["steamcmd_path"], "steamcmd_path")
        if let manager = root["process_manager"] {
            try requireMapping(manager, "process_manager")
            config.managerName = try string(manager["name"], "process_manager.name")
            config.managerOptions = try stringMap(manager["config"], "process_manager.config")
        }
        if let scripts = root["scripts"] {
            try requireMapping(scripts, "scripts")
            func script(_ keys: String..., default fallback: String) throws -> String {
                for key in keys {
                    let value = try string(scripts[key], "scripts.\(key)")
                    if !value.isEmpty { return value }
                }
                return fallback
            }
            let defaults = DaemonConfig.Scripts()
            config.scripts.start = try script("start", default: defaults.start)
            config.scripts.stop = try script("stop", default: defaults.stop)
            config.scripts.restart = try script("restart", default: defaults.restart)
            config.scripts.status = try script("status", default: defaults.status)
            config.scripts.getConsole = try script("getconsole", "get_console", default: defaults.getConsole)
            config.scripts.sendCommand = try script("sendcommand", "send_command", default: defaults.sendCommand)
            config.scripts.install = try script("install", default: "")
            config.scripts.delete = try script("delete", default: "")
        }
        config.users = try stringMap(root["users"], "users")
        config.useNetworkServiceUser = try boolean(root["use_network_service_user"], "use_network_service_user")
        return config
    }

    /// A path: a single value without control characters (a NUL would end it early for the
    /// system, a newline forge a line of a unit file).
    private static func path(_ node: YAMLNode?, _ key: String) throws -> String {
        let text = try string(node, key)
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw YAMLError(line: node?.line ?? 0, message: "\(key) contains a control character")
        }
        return text
    }

    private static func string(_ node: YAMLNode?, _ key: String) throws -> String {
        switch node {
        case nil, .null?: return ""
        case .scalar(let text, _)?: return text
        case let other?:
            throw YAMLError(line: other.line, message: "\(key) must be a single value, not \(other.typeName)")
        }
    }

    private static func stringMap(_ node: YAMLNode?, _ key: String) throws -> [String: String] {
        switch node {
        case nil, .null?: return [:]
        case .mapping(let entries, _)?:
            var map: [String: String] = [:]
            for entry in entries { map[entry.key] = try string(entry.value, "\(key).\(entry.key)") }
            return map
        case let other?: throw YAMLError(line: other.line, message: "\(key) must be a mapping, not \(other.typeName)")
        }
    }

    private static func boolean(_ node: YAMLNode?, _ key: String) throws -> Bool {
        let text = try string(node, key)
        switch text.lowercased() {
        case "", "false", "no", "off": return false
        case "true", "yes", "on": return true
        default: throw YAMLError(line: node?.line ?? 0, message: "\(key) must be true or false, not \"\(text)\"")
        }
    }

    private static func requireMapping(_ node: YAMLNode, _ key: String) throws {
        switch node {
        case .mapping, .null: return
        default: throw YAMLError(line: node.line, message: "\(key) must be a mapping, not \(node.typeName)")
        }
    }
}
