import PMSystem

/// The daemon's default process manager when `process_manager.name` is empty:
/// on Linux `systemd` when not in a container, `systemctl` is in
/// PATH and PID 1 is systemd; otherwise `tmux` when it is in PATH; otherwise `simple`.
/// macOS: `tmux`; Windows: `shawl`.
package enum ManagerDetection {
    package static func defaultManager() -> ManagerKind {
        #if os(Windows)
        return .shawl
        #elseif os(macOS)
        return .tmux
        #else
        if !insideContainer, ExecutableLookup.resolve("systemctl", workingDirectory: nil) != nil, pidOneIsSystemd {
            return .systemd
        }
        return ExecutableLookup.resolve("tmux", workingDirectory: nil) != nil ? .tmux : .simple
        #endif
    }

    static var insideContainer: Bool {
        if FileSystem.exists("/.dockerenv") { return true }
        guard let cgroup = try? FileSystem.contents(of: "/proc/1/cgroup", limit: 1 << 20) else { return false }
        let text = String(decoding: cgroup, as: UTF8.self)
        return text.contains("docker") || text.contains("containerd")
    }

    static var pidOneIsSystemd: Bool {
        guard let comm = try? FileSystem.contents(of: "/proc/1/comm", limit: 4096) else { return false }
        return String(decoding: comm, as: UTF8.self).trimmingWhitespace == "systemd"
    }
}
