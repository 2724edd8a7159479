import PMCore
import PMHTTP
import PMManagers
import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The shared `main` of the seven executables: parse, read the configuration and records,
/// check every server, then run the verb for each and exit with the combined status.
public enum Tool {
    public static func main(_ verb: Verb) -> Never {
        Interrupts.prepare()
        var status = run(verb, arguments: Array(CommandLine.arguments.dropFirst()))
        if let failure = OutputChannel.standardOutput.failure {
            OutputChannel.standardError.line("\(verb.toolName): cannot write the standard output: \(failure.reason)")
            status = .unknown
        }
        exit(status.rawValue)
    }

    public static func run(_ verb: Verb, arguments: [String]) -> ExitStatus {
        let report = Reporter(verb: verb)
        if verb == .start, arguments.first == "--supervise" { return supervise(arguments, report: report) }
        let invocation: Invocation
        do {
            invocation = try OptionTable.parse(arguments, verb: verb)
        } catch {
            report.error(nil, error)
            if (error as? UsageError)?.showsUsage ?? false { OutputChannel.standardError.line(OptionTable.usage(verb)) }
            return .invalid
        }
        if invocation.showHelp {
            OutputChannel.standardOutput.write(OptionTable.help(verb))
            return .success
        }
        if invocation.showVersion {
            OutputChannel.standardOutput.line("\(verb.toolName) (pm) \(ToolboxVersion.number)")
            return .success
        }
        if let directory = invocation.logDirectory {
            return writeLog(directory, invocation.logLimits, report: report)
        }
        do {
            let plan = try Plan(invocation)
            return plan.execute(report: report)
        } catch let invalid as InvalidRecords {
            for problem in invalid.problems { report.error(problem.label, problem.error) }
            return .invalid
        } catch {
            report.error(nil, error)
            return ExitStatus(for: error)
        }
    }
}

extension Tool {
    /// `pm-output --write-log DIR`: the logger a start sets up, as the game's user.
    static func writeLog(_ directory: String, _ limits: ConsoleLog.Limits, report: Reporter) -> ExitStatus {
        do {
            return try ConsoleLogWriter(directory: directory, limits: limits).run()
        } catch {
            report.error(nil, error)
            return .unknown
        }
    }
}

extension Tool {
    /// `pm-start --supervise ...`: the supervisor a start leaves with the game (`GameSupervisor`),
    /// as the game's user. Its exit status is the game's last.
    static func supervise(_ arguments: [String], report: Reporter) -> ExitStatus {
        do {
            exit(try GameSupervisor(arguments: arguments).run())
        } catch {
            report.error(nil, error)
            return .invalid
        }
    }
}

/// Writes the one-line errors: `pm-start: server 7: <message>`.
struct Reporter {
    let verb: Verb
    var masker = SecretMasker([])

    func error(_ label: String?, _ error: Error, to channel: OutputChannel = .standardError) {
        let prefix = label.map { "\(verb.toolName): \($0): " } ?? "\(verb.toolName): "
        let text = "\(error)".lines.map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }.joined(separator: " ")
        channel.line(masker.apply(prefix + text))
    }
}
