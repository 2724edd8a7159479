/// Runs a manager's commands and, with `-v`, echoes each one in the reference's "detailed
/// executor" shape on the diagnostic channel:
///
///     <dir># <command line>
///
///     <output>
///     Exited with <code>
///
/// In a dry run, commands that change something are described instead of run.
package final class Executor: Sendable {
    package let runner: CommandRunner
    /// Where the echo goes; nil without `-v`.
    package let echo: OutputChannel?
    package let masker: SecretMasker
    /// Where a dry run describes the commands it does not run; nil for a real run.
    package let plan: OutputChannel?

    package init(runner: CommandRunner, echo: OutputChannel?, masker: SecretMasker, plan: OutputChannel? = nil) {
        self.runner = runner
        self.echo = echo
        self.masker = masker
        self.plan = plan
    }

    package var isDryRun: Bool { plan != nil }

    /// Runs `spec` with `runner`, or with `alternative` when given: a runner that does the same
    /// job another way (`TmuxClient` speaks to a tmux server instead of starting tmux) and
    /// hands `runner` only what it cannot do, so a recording runner sees only those calls.
    @discardableResult
    package func run(
        _ spec: CommandSpec, output: CommandOutput, via alternative: CommandRunner? = nil
    ) throws -> CommandResult {
        if let plan, !spec.readOnly {
            plan.write(describe(spec))
            return CommandResult(.exited(0))
        }
        let runner = alternative ?? runner
        guard let echo else { return try runner.run(spec, output: output) }
        echo.write("\(masker.apply(spec.workingDirectory ?? "."))# \(commandLine(spec))\n\n")
        var echoed = output
        if case .discard = output { echoed = .forward(echo) }
        do {
            let result = try runner.run(spec, output: echoed)
            if case .capture = output { echo.write(masker.apply(result.text)) }
            echo.write("\nExited with \(result.termination.code)\n")
            return result
        } catch {
            echo.write("\nExited with -1\n")
            throw error
        }
    }

    /// Whether helpers can be started: a real run whose runner starts real processes.
    package var startsHelpers: Bool { !isDryRun && runner.startsHelpers }

    /// Starts a helper that outlives the tool (`CommandRunner.startDetached`), echoed with `-v`.
    package func startDetached(_ spec: CommandSpec, output: Int32?) throws {
        echo?.write("\(masker.apply(spec.workingDirectory ?? "."))# \(commandLine(spec)) &\n\n")
        try runner.startDetached(spec, output: output)
    }

    /// The dry-run description of one command: who runs it where, the argv shell-quoted and
    /// the variables added to its environment.
    package func describe(_ spec: CommandSpec) -> String {
        var text = "run"
        if let account = spec.account { text += " as \(account.name)" }
        if let directory = spec.workingDirectory { text += " in \(ShellWords.quote(masker.apply(directory)))" }
        if spec.detached { text += " (detached)" }
        text += ":\n    \(commandLine(spec))\n"
        if !spec.environment.isEmpty {
            text += "  environment:\n"
            for entry in spec.environment {
                text += "    \(entry.name)=\(ShellWords.quote(masker.apply(entry.value)))\n"
            }
        }
        return text
    }

    /// The arguments as shown (`shownArguments`), shell-quoted or Windows-quoted, each masked
    /// first (quoting could change how a secret is spelled: `Pa$$` becomes `Pa\$\$`), then the
    /// whole line, for a secret spread over several arguments (tmux's `send-keys -H` bytes).
    private func commandLine(_ spec: CommandSpec) -> String {
        let shown = (spec.shownArguments ?? spec.arguments).map(masker.apply)
        return masker.apply(spec.windowsCommandLine ? WindowsQuoting.join(shown) : ShellWords.join(shown))
    }
}
