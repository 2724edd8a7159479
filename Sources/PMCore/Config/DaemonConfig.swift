import PMSystem

/// The parts of the GameAP daemon's YAML configuration (`gameap-daemon.yaml`) that process
/// managers read.
package struct DaemonConfig: Equatable {
    package static let defaultPath = "/etc/gameap-daemon/gameap-daemon.yaml"
    package static let environmentVariable = "GAMEAP_DAEMON_CONFIG"

    /// The node's work path; server directories are relative to it. Empty when not configured.
    package var workPath = ""
    /// `{node_tools_path}`; defaults to work path + `/tools`.
    package var toolsPath = ""
    package var steamcmdPath = ""
    /// `process_manager.name`; empty means "detect" (`ManagerDetection`).
    package var managerName = ""
    /// `process_manager.config`, with `-o KEY=VALUE` entries laid over it.
    package var managerOptions: [String: String] = [:]
    package var scripts = Scripts()
    /// OS user → password (Windows managers). Secrets.
    package var users: [String: String] = [:]
    package var useNetworkServiceUser = false
    /// The file it was read from, if any.
    package var source: String?

    package init() {}

    /// The `scripts` block. The six server scripts default to `{command}` as in the daemon.
    package struct Scripts: Equatable {
        package var start = "{command}"
        package var stop = "{command}"
        package var restart = "{command}"
        package var status = "{command}"
        package var getConsole = "{command}"
        package var sendCommand = "{command}"
        package var install = ""
        package var delete = ""
        package init() {}
    }

    /// `{node_tools_path}`: the configured tools path (the reference ignores it: docs/differences.md#rec-10).
    package var effectiveToolsPath: String {
        toolsPath.isEmpty ? (workPath.isEmpty ? "" : Path.join(workPath, "tools")) : toolsPath
    }
}

/// A configuration file that cannot be used, with its path and, where known, the line.
package struct ConfigError: Error, CustomStringConvertible {
    package let path: String
    package let line: Int?
    package let message: String

    package var description: String {
        if let line { return "\(path), line \(line): \(message)" }
        return "\(path): \(message)"
    }
}
