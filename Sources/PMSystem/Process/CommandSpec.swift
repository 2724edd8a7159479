/// One program to run, fully resolved: what a dry run prints and a real run executes
/// (configuration apart from execution, as in swift-subprocess).
package struct CommandSpec: Equatable {
    package var arguments: [String]
    /// Where the program runs; `fallbackDirectory` is used when it does not exist.
    package var workingDirectory: String?
    package var fallbackDirectory: String?
    /// Variables added to the inherited environment (later entries win).
    package var environment: [EnvironmentEntry] = []
    /// False: the program starts from `CleanEnvironment` instead of the tool's own environment,
    /// as everything run for a game server does (the tool's may be root's, with its secrets).
    package var inheritsEnvironment = true
    /// Inherited variables the program must not see (`TMUX` would redirect tmux).
    package var unsetEnvironment: [String] = []
    /// Run as this user (only switched to when it differs from the current one).
    package var account: Account?
    /// Seconds before the whole process group is killed; nil waits for ever.
    package var timeout: Double?
    /// The program only looks (a status query): a dry run still runs it.
    package var readOnly = false
    /// The program starts a new session and outlives the tool (a server launched in the background).
    package var detached = false
    /// What echoes and plans show instead of `arguments`, when an argument must never be
    /// shown (`sc create ... password=******`).
    package var shownArguments: [String]?
    /// The arguments form a Windows command line: echoes and plans quote them with the
    /// `CommandLineToArgvW` rules (`WindowsQuoting`), as the program will receive them.
    package var windowsCommandLine = false

    package init(
        _ arguments: [String], workingDirectory: String? = nil, fallbackDirectory: String? = nil,
        environment: [EnvironmentEntry] = [], account: Account? = nil, timeout: Double? = nil,
        readOnly: Bool = false
    ) {
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.fallbackDirectory = fallbackDirectory
        self.environment = environment
        self.account = account
        self.timeout = timeout
        self.readOnly = readOnly
    }
}

package struct EnvironmentEntry: Equatable {
    package let name: String
    package let value: String

    package init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// How a process ended; the reference's `Result` is `code` (-1 for anything but an exit).
package enum Termination: Equatable {
    case exited(Int32)
    case signaled(Int32)
    case timedOut(seconds: Double)
    /// It ended, but its status could not be collected.
    case lost

    package var code: Int32 {
        if case .exited(let status) = self { return status }
        return -1
    }

    package var succeeded: Bool { self == .exited(0) }

    package var description: String {
        switch self {
        case .exited(let status): return "exited with status \(status)"
        case .signaled(let signal): return "was killed by signal \(signal)"
        case .timedOut(let seconds): return "did not finish within \(Int(seconds)) seconds and was killed"
        case .lost: return "ended, but its exit status was lost"
        }
    }
}

package struct CommandResult: Equatable {
    package var termination: Termination
    /// The captured output (only with `CommandOutput.capture`).
    package var output: [UInt8]

    package init(_ termination: Termination, output: [UInt8] = []) {
        self.termination = termination
        self.output = output
    }

    package var text: String { String(decoding: output, as: UTF8.self) }
}

/// Where a child's standard output and error go (both to the same place, as in the reference).
package enum CommandOutput {
    /// Into a channel: the channel's descriptor directly when it has one, else through a pipe.
    case forward(OutputChannel)
    /// Collected and returned, keeping at most the last `limit` bytes.
    case capture(limit: Int)
    case discard
}

/// Why a command could not be started.
package enum CommandError: Error, CustomStringConvertible {
    case emptyCommand
    case notFound(program: String, directory: String?)
    case invalidWorkingDirectory(String)
    case cannotSwitchUser(String)
    case spawnFailed(program: String, SystemError)

    package var description: String {
        switch self {
        case .emptyCommand:
            return "empty command"
        case .notFound(let program, let directory):
            if program.contains("/") { return "\(program) is not an executable file (in \(directory ?? "."))" }
            return "\(program) was not found in PATH"
        case .invalidWorkingDirectory(let path):
            return "invalid work directory \(path): it does not exist"
        case .cannotSwitchUser(let name):
            return "cannot run as user \(name): switching users needs root"
        case .spawnFailed(let program, let error):
            return "failed to execute \(program): \(error.reason)"
        }
    }
}

/// Runs commands. The real one is `ProcessLauncher`; tests record calls with a fake.
package protocol CommandRunner: Sendable {
    func run(_ spec: CommandSpec, output: CommandOutput) throws -> CommandResult
    /// Whether `startDetached` starts real processes (not a recording runner's).
    var startsHelpers: Bool { get }
    /// Starts a helper that outlives the tool, in its own session, its output going to
    /// `output` (nil: discarded), not waited for.
    func startDetached(_ spec: CommandSpec, output: Int32?) throws
}

extension CommandRunner {
    package var startsHelpers: Bool { false }
    package func startDetached(_ spec: CommandSpec, output: Int32?) throws {}
}
