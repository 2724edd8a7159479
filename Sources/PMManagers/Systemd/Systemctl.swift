import PMSystem
import PMHTTP
import PMCore

/// `systemctl` (or `systemctl --user`) calls for one verb, with the failures users can act on
/// told apart: no systemctl, no user manager, a unit systemd refused.
struct Systemctl {
    /// No call may take longer; a stop waits for systemd's own stop timeout (90 s by default).
    static let callTimeout = 30.0
    static let stopTimeout = 150.0

    let scope: SystemdScope
    let context: VerbContext

    /// Runs `systemctl [--user] <words>`; output is captured unless `output` says otherwise.
    @discardableResult
    func run(_ words: [String], readOnly: Bool = false, timeout: Double = callTimeout,
             output: CommandOutput = .capture(limit: 1 << 20)) throws -> CommandResult {
        try checkUserManager()
        let spec = CommandSpec(scope.systemctl(words), workingDirectory: "/", environment: scope.environment,
                               timeout: timeout, readOnly: readOnly)
        let result: CommandResult
        do {
            result = try context.executor.run(spec, output: output)
        } catch CommandError.notFound(let program, _) where program == "systemctl" {
            throw ManagerError.unknown("systemctl was not found in PATH: the systemd manager needs systemd (or choose another with -m)")
        } catch let error as CommandError {
            throw ManagerError.unknown("cannot run systemctl: \(error)")
        }
        if case .timedOut = result.termination {
            throw ManagerError.unknown("systemctl \(words.joined(separator: " ")) \(result.termination.description)")
        }
        if result.text.contains("Failed to connect to bus") { throw noUserManager(detail: Self.firstLine(result.text)) }
        return result
    }

    /// Runs a command that must succeed; its first line of output explains a failure.
    func expectSuccess(_ words: [String], _ what: String, timeout: Double = callTimeout) throws {
        let result = try run(words, timeout: timeout)
        guard !result.termination.succeeded else { return }
        let detail = Self.firstLine(result.text)
        throw ManagerError.failure("systemctl could not \(what): \(detail.isEmpty ? result.termination.description : detail)")
    }

    /// `systemctl show` of some properties of one unit.
    func show(_ unit: String, _ properties: [String]) throws -> UnitProperties {
        UnitProperties(try showText([unit], properties))
    }

    /// The text of `systemctl show` for units or patterns of loaded units (a block per unit).
    func showText(_ units: [String], _ properties: [String]) throws -> String {
        let result = try run(["show"] + units + ["--property=" + properties.joined(separator: ",")], readOnly: true, output: .capture(limit: 16 << 20))
        guard result.termination.succeeded else {
            throw ManagerError.unknown("systemctl show \(units.joined(separator: " ")) \(result.termination.description): \(Self.firstLine(result.text))")
        }
        return result.text
    }

    /// A user manager listens on `$XDG_RUNTIME_DIR/systemd/private`; without it every
    /// `systemctl --user` call fails, so say why at once.
    private func checkUserManager() throws {
        guard scope.isUser, !context.executor.isDryRun else { return }
        guard let runtime = scope.runtimeDirectory else {
            throw noUserManager(detail: "XDG_RUNTIME_DIR is not set and /run/user/\(scope.user?.uid ?? 0) does not exist")
        }
        guard FileSystem.exists(Path.join(runtime, "systemd/private")) else {
            throw noUserManager(detail: "nothing listens on \(runtime)/systemd/private")
        }
    }

    private func noUserManager(detail: String) -> ManagerError {
        let user = scope.user?.name ?? "this user"
        return ManagerError.unknown("the systemd user manager of \(user) is not running (\(detail)): log in as \(user) or enable lingering (loginctl enable-linger \(user)), and make sure XDG_RUNTIME_DIR points to its runtime directory")
    }

    static func firstLine(_ text: String) -> String {
        String(text.lines.first { !String($0).trimmingWhitespace.isEmpty } ?? "").trimmingWhitespace
    }
}
