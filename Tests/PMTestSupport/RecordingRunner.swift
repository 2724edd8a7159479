import PMCommon
import PMCore
import PMHTTP
import PMManagers
import PMSystem

/// A fake `CommandRunner` that records every command and answers from a script of results.
/// Right for checking exact command sequences; the end-to-end tests run the real thing.
/// Used from one thread at a time.
final class RecordingRunner: CommandRunner, @unchecked Sendable {
    var calls: [CommandSpec] = []
    /// Answers by the command's words; unmatched commands exit 0.
    var answer: ([String]) -> CommandResult = { _ in CommandResult(.exited(0)) }

    func run(_ spec: CommandSpec, output: CommandOutput) throws -> CommandResult {
        calls.append(spec)
        let result = answer(spec.arguments)
        if case .forward(let channel) = output { channel.write(result.output) }
        return result
    }

    func reset() { calls = [] }

    /// Each call's words after the program, joined: `status -d /x`.
    var actions: [String] { calls.map { $0.arguments.dropFirst().prefix(1).joined() } }
}

extension VerbContext {
    static func testing(
        _ runner: CommandRunner, options: VerbOptions = VerbOptions(), dryRun: Bool = false
    ) -> VerbContext {
        let out = OutputChannel()
        return VerbContext(
            out: out, err: OutputChannel(),
            executor: Executor(runner: runner, echo: nil, masker: SecretMasker([]), plan: dryRun ? out : nil),
            state: StateDirectory(path: "/tmp/pm-unit-state"), options: options)
    }
}
