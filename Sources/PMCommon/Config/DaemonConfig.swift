/// The parts of the GameAP daemon's YAML configuration (`gameap-daemon.yaml`) that process
/// managers read (`systemd-windows.md` §4, `core.md` §4.4).
public struct DaemonConfig: Equatable {
    public static let defaultPath = "/etc/gameap-daemon/gameap-daemon.yaml"
    public static let environmentVariable = "GAMEAP_DAEMON_CONFIG"

    /// The node's work path; server directories are relative to it. Empty when not configured.
    public var workPath = ""
    /// `{node_tools_path}`; defaults to work path + `/tools`.
    public var toolsPath = ""
    public var steamcmdPath = ""
    /// `process_manager.name`; empty means "detect" (`ManagerDetection`).
    public var managerName = ""
    /// `process_manager.config`, with `-o KEY=VALUE` entries laid over it.
    public var managerOptions: [String: String] = [:]
    public var scripts = Scripts()
    /// OS user → password (Windows managers). Secrets.
    public var users: [String: String] = [:]
    public var useNetworkServiceUser = false
    /// The file it was read from, if any.
    public var source: String?

    public init() {}

    /// The `scripts` block. The six server scripts default to `{command}` as in the daemon.
    public struct Scripts: Equatable {
        public var start = "{command}"
        public var stop = "{command}"
        public var restart = "{command}"
        public var status = "{command}"
        public var getConsole = "{command}"
        public var sendCommand = "{command}"
        public var install = ""
        public var delete = ""
        public init() {}
    }

    /// `{node_tools_path}`: the configured tools path (the reference ignores it, W-18).
    public var effectiveToolsPath: String {
        toolsPath.isEmpty ? (workPath.isEmpty ? "" : Path.join(workPath, "tools")) : toolsPath
    }
}

/// A configuration file that cannot be used, with its path and, where known, the line.
public struct ConfigError: Error, CustomStringConvertible {
    public let path: String
    public let line: Int?
    public let message: String

    public var description: String {
        if let line { return "\(path), line \(line): \(message)" }
        return "\(path): \(message)"
    }
}
