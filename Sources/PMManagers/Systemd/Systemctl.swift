import PMCore
import PMHTTP
import PMSystem

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
    func run(
        _ words: [String], readOnly: Bool = false, timeout: Double = callTimeout,
        output: CommandOutput = .capture(limit: 1 << 20)
    ) throws -> CommandResult {
        try checkUserManager()
        let spec = CommandSpec(
            scope.systemctl(words), workingDirectory: "/", environment: scope.environment,
            timeout: timeout, readOnly: readOnly)
        let result: CommandResult
        do {
            result = try context.executor.run(spec, output: output)
        } catch CommandError.notFound(let program, _) where program == "systemctl" {
            throw SystemdError.systemctlNotInstalled
        } catch let error as CommandError {
            throw SystemdError.cannotRunSystemctl(error)
        }
        if case .timedOut = result.termination {
            throw SystemdError.systemctlTimedOut(words: words, result.termination)
        }
        if result.text.contains("Failed to connect to bus") { throw noUserManager(detail: Self.firstLine(result.text)) }
        return result
    }

    /// Runs a command that must succeed; its first line of output explains a failure.
    func expectSuccess(_ words: [String], _ what: String, timeout: Double = callTimeout) throws {
        let result = try run(words, timeout: timeout)
        guard !result.termination.succeeded else { return }
        throw SystemdError.systemctlRefused(
            action: what, systemctlSaid: Self.firstLine(result.text), result.termination)
    }

    /// `systemctl show` of some properties of one unit.
    func show(_ unit: String, _ properties: [String]) throws -> UnitProperties {
        UnitProperties(try showText([unit], properties))
    }

    /// The text of `systemctl show` for units or patterns of loaded units (a block per unit).
    func showText(_ units: [String], _ properties: [String]) throws -> String {
        let result = try run(
            ["show"] + units + ["--property=" + properties.joined(separator: ",")], readOnly: true,
            output: .capture(limit: 16 << 20))
        guard result.termination.succeeded else {
            throw SystemdError.showFailed(units: units, result.termination, systemctlSaid: Self.firstLine(result.text))
        }
        return result.text
    }

    /// The installed systemd's version (`systemd 252 (252.38-1~deb12u1)`), nil when it cannot
    /// be told.
    func version() -> Int? {
        guard let result = try? run(["--version"], readOnly: true), result.termination.succeeded else { return nil }
        let words = Self.firstLine(result.text).split(separator: " ")
        guard words.count >= 2, words[0] == "systemd" else { return nil }
        return Int(words[1])
    }

    /// A user manager listens on `$XDG_RUNTIME_DIR/systemd/private`; without it every
    /// `systemctl --user` call fails, so say why at once.
    private func checkUserManager() throws {
        guard scope.isUser, !context.executor.isDryRun else { return }
        guard let runtime = scope.runtimeDirectory else {
            throw noUserManager(
                detail: "XDG_RUNTIME_DIR is not set and /run/user/\(scope.user?.uid ?? 0) does not exist")
        }
        guard FileSystem.exists(Path.join(runtime, "systemd/private")) else {
            throw noUserManager(detail: "nothing listens on \(runtime)/systemd/private")
        }
    }

    private func noUserManager(detail: String) -> SystemdError {
        .noUserManager(user: scope.user?.name, detail: detail)
    }

    static func firstLine(_ text: String) -> String {
        String(text.lines.first { !String($0).trimmingWhitespace.isEmpty } ?? "").trimmingWhitespace
    }
}
