import PMCore
import PMHTTP
import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which systemd instance manages the servers: the system manager
/// (`systemctl`, units in `/etc/systemd/system`) or the user manager of the user running the
/// tool (`systemctl --user`, units in `~/.config/systemd/user`), chosen by the
/// `process_manager.config` key `scope` (`-o scope=user`).
package struct SystemdScope {
    package enum Kind: String { case system, user }

    package let kind: Kind
    package let unitsDirectory: String
    /// Where runtime drop-ins go (they vanish at reboot): `/run/systemd/system`, or
    /// `$XDG_RUNTIME_DIR/systemd/user`.
    package let runtimeUnitsDirectory: String
    /// The user whose manager it is (user scope), or who runs the tool (system scope).
    package let user: Account?
    /// `XDG_RUNTIME_DIR` (and `DBUS_SESSION_BUS_ADDRESS`) for every `systemctl --user` call.
    package let environment: [EnvironmentEntry]

    package init(
        kind: Kind, unitsDirectory: String, runtimeUnitsDirectory: String? = nil, user: Account?,
        environment: [EnvironmentEntry] = []
    ) {
        self.kind = kind
        self.unitsDirectory = unitsDirectory
        let runtime = environment.first { $0.name == "XDG_RUNTIME_DIR" }?.value ?? "/run/user/\(user?.uid ?? 0)"
        self.runtimeUnitsDirectory =
            runtimeUnitsDirectory ?? (kind == .user ? Path.join(runtime, "systemd/user") : "/run/systemd/system")
        self.user = user
        self.environment = environment
    }

    /// The scope the options ask for. Unlike the reference, a user scope whose user cannot be
    /// resolved is an error, not a half-configured system scope (docs/differences.md#sd-13).
    package static func resolve(options: [String: String], current: Account? = Account.current) throws -> SystemdScope {
        let value = (options["scope"] ?? "").trimmingWhitespace.lowercased()
        switch value {
        case "", "system":
            return SystemdScope(kind: .system, unitsDirectory: "/etc/systemd/system", user: current)
        case "user":
            guard let user = current else {
                throw SystemdError.noPasswdEntry(uid: geteuid())
            }
            return SystemdScope(
                kind: .user, unitsDirectory: Path.join(user.home, ".config/systemd/user"), user: user,
                environment: runtimeEnvironment(uid: user.uid))
        default:
            throw SystemdError.invalidScope(value)
        }
    }

    /// `XDG_RUNTIME_DIR` from the environment when that directory exists, else
    /// `/run/user/<uid>` when it exists; the bus address from the environment or next to it.
    static func runtimeEnvironment(uid: uid_t) -> [EnvironmentEntry] {
        var entries: [EnvironmentEntry] = []
        var runtime: String?
        if let value = ProcessEnvironment.value("XDG_RUNTIME_DIR"), !value.isEmpty,
            FileSystem.kind(of: value) == .directory
        {
            runtime = value
        } else if FileSystem.kind(of: "/run/user/\(uid)") == .directory {
            runtime = "/run/user/\(uid)"
        }
        if let runtime { entries.append(EnvironmentEntry("XDG_RUNTIME_DIR", runtime)) }
        if let bus = ProcessEnvironment.value("DBUS_SESSION_BUS_ADDRESS"), !bus.isEmpty {
            entries.append(EnvironmentEntry("DBUS_SESSION_BUS_ADDRESS", bus))
        } else if let runtime {
            entries.append(EnvironmentEntry("DBUS_SESSION_BUS_ADDRESS", "unix:path=\(runtime)/bus"))
        }
        return entries
    }

    package var isUser: Bool { kind == .user }

    /// `systemctl` or `systemctl --user`, then the words.
    package func systemctl(_ words: [String]) -> [String] {
        (isUser ? ["systemctl", "--user"] : ["systemctl"]) + words
    }

    /// Where the user manager listens; its absence explains most `systemctl --user` failures.
    package var runtimeDirectory: String? {
        environment.first { $0.name == "XDG_RUNTIME_DIR" }?.value
    }
}
