import PMCore
import PMHTTP
import PMSystem

/// Runs the commands of the Windows managers (`winsw`, `sc`, `icacls`) through the executor
/// and reads and writes their files in the services directory, so that a dry run prints all
/// of it and tests record all of it. Where this system cannot reach Windows (a dry run on
/// Linux), questions are listed in the plan instead of asked, and files count as missing.
struct ServiceRunner {
    /// No service command may take longer (`winsw stop` waits for the service).
    static let timeout = 120.0
    static let outputLimit = 1 << 16

    let host: ServiceHost
    let context: VerbContext

    var isDryRun: Bool { context.executor.isDryRun }
    private var plan: OutputChannel? { context.executor.plan }

    /// The server's secrets masked, in every spelling (the XML and Windows-quoted ones too).
    private func masked(_ text: String) -> String { context.executor.masker.apply(text) }

    // MARK: - Commands

    /// A command that changes something: described in a dry run, otherwise run with its
    /// output kept for messages. `shown` replaces the arguments in echoes and plans.
    @discardableResult
    func change(_ arguments: [String], shown: [String]? = nil) throws -> CommandResult {
        try execute(arguments, shown: shown, readOnly: false)
    }

    /// A question, asked even in a dry run. Where this system cannot ask it, the plan lists it
    /// with the answer the plan assumes, and the result is nil.
    func query(_ arguments: [String], assuming: String) throws -> CommandResult? {
        guard host.runsHere else {
            plan?.write(
                masked(
                    "ask:\n    \(WindowsQuoting.join(arguments.map(masked)))\n  not asked: this system is not Windows "
                        + "(the plan assumes \(assuming))\n"
                ))
            return nil
        }
        return try execute(arguments, shown: nil, readOnly: true)
    }

    private func execute(_ arguments: [String], shown: [String]?, readOnly: Bool) throws -> CommandResult {
        var spec = CommandSpec(arguments, timeout: Self.timeout, readOnly: readOnly)
        spec.shownArguments = shown
        spec.windowsCommandLine = true
        let program = arguments.first ?? ""
        do {
            return try context.executor.run(spec, output: .capture(limit: Self.outputLimit))
        } catch CommandError.notFound {
            throw WindowsServiceError.notFound(program: program)
        } catch let error as CommandError {
            throw WindowsServiceError.cannotRun(program: program, error)
        }
    }

    /// The exit code of a command that ran to its end; an error saying what happened otherwise.
    func exitCode(_ result: CommandResult, _ arguments: [String]) throws -> Int32 {
        guard case .exited(let code) = result.termination else {
            throw WindowsServiceError.didNotExit(command: arguments, result.termination)
        }
        return code
    }

    /// The failure of a command: its exit code, and the last line it printed.
    func failure(_ arguments: [String], _ result: CommandResult, advice: String = "") -> WindowsServiceError {
        .commandFailed(command: arguments, code: result.termination.code, said: Self.said(result), advice: advice)
    }

    /// The last line a command printed, if any.
    static func said(_ result: CommandResult) -> String? {
        result.text.lines.map { String($0).trimmingWhitespace }.last { !$0.isEmpty }
    }

    /// `winsw start`, `sc create`: the program and its verb, for messages.
    static func label(_ arguments: [String]) -> String {
        arguments.prefix(2).joined(separator: " ")
    }

    /// A progress line, shown with `-v` (the reference writes these to the task output).
    func note(_ text: String) {
        context.executor.echo?.line(text)
    }

    // MARK: - Files

    /// A file's text; nil when it does not exist, or cannot be seen from here.
    func read(_ name: String) throws -> String? {
        guard let files = host.files else {
            plan?.write("read \(host.path(name)): not possible on this system (the plan assumes it does not exist)\n")
            return nil
        }
        do {
            return try files.read(name)
        } catch {
            throw WindowsServiceError.cannotRead(path: host.path(name), error)
        }
    }

    /// Replaces a file atomically; a dry run prints `shown` (the content with secrets masked).
    func write(_ name: String, _ text: String, shown: String) throws {
        if let plan {
            let path = host.path(name)
            let body = shown.hasSuffix("\n") ? shown : shown + "\n"
            plan.write(masked("write \(path):\n----- BEGIN \(path) -----\n\(body)----- END \(path) -----\n"))
            return
        }
        do {
            try files().write(name, text)
        } catch {
            throw WindowsServiceError.cannotWrite(path: host.path(name), error)
        }
    }

    /// Removes a file; a missing file is fine.
    func remove(_ name: String) throws {
        if let plan {
            plan.write("remove \(host.path(name))\n")
            return
        }
        if try files().remove(name) { note("Removed \(host.path(name))") }
    }

    /// Creates the services directory when it is missing.
    func ensureDirectory() throws {
        if let files = host.files, files.directoryExists { return }
        if let plan {
            plan.write("create directory \(host.directory) (if missing)\n")
            return
        }
        note("Creating directory \(host.directory)")
        do {
            try files().createDirectory()
        } catch {
            throw WindowsServiceError.cannotCreateDirectory(path: host.directory, error)
        }
    }

    /// The last `lines` lines of a log (0: all kept); nil when it does not exist. Where this
    /// system cannot read it, the plan says so and the log counts as empty.
    func tail(_ name: String, lines: Int) throws -> [UInt8]? {
        guard let files = host.files else {
            plan?.write("read \(host.path(name)): not possible on this system\n")
            return []
        }
        do {
            return try files.tail(name, lines: lines)
        } catch {
            throw WindowsServiceError.cannotRead(path: host.path(name), error)
        }
    }

    private func files() throws -> ServiceFiles {
        guard let files = host.files else {
            throw WindowsServiceError.notWindows
        }
        return files
    }
}
