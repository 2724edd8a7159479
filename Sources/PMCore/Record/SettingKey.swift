/// The name of a manager setting, as it appears in vars, game and mod metadata,
/// `process_manager.config` and `-o KEY=VALUE`. Every key the tools read is a constant here.
package struct SettingKey: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package let rawValue: String

    package init(rawValue: String) { self.rawValue = rawValue }

    package var description: String { rawValue }

    /// The console line of a graceful stop (`--console-stop`).
    package static let consoleStopCommand = SettingKey(rawValue: "console_stop_command")
    /// Console lines or signals sent before the stop command, one per line.
    package static let preStopCommand = SettingKey(rawValue: "pre_stop_command")
    /// Seconds after each pre-stop command.
    package static let preStopWait = SettingKey(rawValue: "pre_stop_wait")
    /// The console line typed at each mark of `--warn` (`say Restart in {time}`).
    package static let stopWarningCommand = SettingKey(rawValue: "stop_warning_command")
    /// Seconds a graceful stop waits (`--timeout`).
    package static let stopTimeout = SettingKey(rawValue: "stop_timeout")
    /// Seconds between SIGTERM and SIGKILL in a hard stop.
    package static let killTimeout = SettingKey(rawValue: "kill_timeout")
    /// The time limit of each script of the simple manager.
    package static let scriptTimeout = SettingKey(rawValue: "script_timeout")
    /// More variable names whose values are secrets, separated by commas.
    package static let secretVars = SettingKey(rawValue: "secret_vars")
    /// The overall limit of an image pull.
    package static let pullTimeout = SettingKey(rawValue: "pull_timeout")
    /// When Windows starts a server's service: `demand` or `auto`.
    package static let serviceStart = SettingKey(rawValue: "service_start")
    /// Whether the tools keep a console log for managers whose backend keeps none (yes/no).
    package static let consoleLog = SettingKey(rawValue: "console_log")
    /// The size at which the console log is rotated.
    package static let consoleLogMax = SettingKey(rawValue: "console_log_max")
    /// How many console log files are kept, the current one included.
    package static let consoleLogKeep = SettingKey(rawValue: "console_log_keep")
    /// Whether rotated console logs are compressed with gzip.
    package static let consoleLogCompress = SettingKey(rawValue: "console_log_compress")

    /// When a game that exited by itself is started again: `no`, `on-failure`, `always`.
    package static let restartPolicy = SettingKey(rawValue: "restart_policy")
    /// Seconds before the first restart, doubled for each restart in a row.
    package static let restartDelay = SettingKey(rawValue: "restart_delay")
    /// The cap of that doubling.
    package static let restartDelayMax = SettingKey(rawValue: "restart_delay_max")
    /// At most this many restarts within `restart_window` seconds.
    package static let restartLimit = SettingKey(rawValue: "restart_limit")
    package static let restartWindow = SettingKey(rawValue: "restart_window")
    package static let dockerImage = SettingKey(rawValue: "docker_image")
    package static let dockerInstallationImage = SettingKey(rawValue: "docker_installation_image")
    package static let dockerInstallationScript = SettingKey(rawValue: "docker_installation_script")
    package static let dockerInstallationEntrypoint = SettingKey(rawValue: "docker_installation_entrypoint")
    package static let dockerInstallationUser = SettingKey(rawValue: "docker_installation_user")
    package static let dockerNetworkMode = SettingKey(rawValue: "docker_network_mode")
    package static let dockerContainerName = SettingKey(rawValue: "docker_container_name")
    package static let dockerCapabilities = SettingKey(rawValue: "docker_capabilities")
    package static let dockerPrivileged = SettingKey(rawValue: "docker_privileged")
    package static let dockerDNS = SettingKey(rawValue: "docker_dns")
    package static let dockerWorkdir = SettingKey(rawValue: "docker_workdir")
    package static let dockerVolumes = SettingKey(rawValue: "docker_volumes")
    package static let dockerMemoryLimit = SettingKey(rawValue: "docker_memory_limit")
    package static let dockerCPULimit = SettingKey(rawValue: "docker_cpu_limit")

    /// The settings the tools read for themselves, never a game's business: they stay out of
    /// its environment (with every `docker_` setting).
    package static let toolSettings: Set<SettingKey> = [
        .consoleStopCommand, .preStopCommand, .preStopWait, .stopWarningCommand, .stopTimeout, .killTimeout,
        .scriptTimeout,
        .secretVars, .pullTimeout, .consoleLog, .consoleLogMax, .consoleLogKeep, .consoleLogCompress,
        .restartPolicy, .restartDelay, .restartDelayMax, .restartLimit, .restartWindow
    ]
}
