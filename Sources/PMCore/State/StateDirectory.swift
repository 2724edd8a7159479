import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the one-shot tools keep what must outlive one run: per-server locks (and, later, CPU
/// baselines). `--state-dir`, else `/var/lib/gameap-pm` when the tool may write there (root),
/// else `$XDG_STATE_HOME/gameap-pm`, else `~/.local/state/gameap-pm`.
package struct StateDirectory {
    package let path: String

    package init(path: String) { self.path = path }

    package static func standard(explicit: String?) -> StateDirectory {
        if let explicit { return StateDirectory(path: explicit) }
        if geteuid() == 0 || access("/var/lib", W_OK) == 0 { return StateDirectory(path: "/var/lib/gameap-pm") }
        if let state = ProcessEnvironment.value("XDG_STATE_HOME"), state.hasPrefix("/") {
            return StateDirectory(path: Path.join(state, "gameap-pm"))
        }
        let home = ProcessEnvironment.value("HOME") ?? Account.current?.home ?? "/tmp"
        return StateDirectory(path: Path.join(home, ".local/state/gameap-pm"))
    }

    /// A subdirectory, created (mode 0700) if missing. It must not be a link, and must belong
    /// to root or the tool's user with no write for others: root creates and rewrites files
    /// there by name (locks, CPU baselines).
    package func directory(_ name: String) throws -> String {
        let full = Path.join(path, name)
        do {
            try FileSystem.createDirectory(path, mode: 0o700)
            try DirectoryHandle.configured(path).subdirectory(name, creating: 0o700).requirePrivate()
        } catch let error as SystemError {
            throw StateError.unusableDirectory(path: path, reason: error.reason)
        }
        return full
    }
}
