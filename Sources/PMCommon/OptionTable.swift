import PMCore
import PMHTTP
import PMManagers
import PMSystem

/// One command-line option, declared once: parsing, `--help` and the usage line all come from
/// this table (the way swift-argument-parser derives them), and a test checks the man pages
/// against it.
package struct OptionSpec: Sendable {
    package enum Group: String, CaseIterable, Sendable {
        case record = "Server record"
        case verb = "Command"
        case configuration = "Configuration"
        case general = "General"
    }

    package let short: Character?
    package let long: String?
    /// The value's name in help (`DIR`), or nil for a flag without a value.
    package let value: String?
    package let help: String
    package let group: Group
    /// The tools that accept it; nil for all.
    package let verbs: [Verb]?
    let apply: @Sendable (inout Invocation, String) throws -> Void

    init(
        _ short: Character? = nil, _ long: String? = nil, value: String? = nil, group: Group, verbs: [Verb]? = nil,
        _ help: String, apply: @escaping @Sendable (inout Invocation, String) throws -> Void
    ) {
        self.short = short
        self.long = long
        self.value = value
        self.help = help
        self.group = group
        self.verbs = verbs
        self.apply = apply
    }

    func accepted(by verb: Verb) -> Bool {
        verbs?.contains(verb) ?? true
    }

    /// `-d DIR`, `--lines N`, `-o, --option KEY=VALUE`.
    package var synopsis: String {
        let names = [short.map { "-\($0)" }, long.map { "--\($0)" }].compactMap { $0 }.joined(separator: ", ")
        return value.map { "\(names) \($0)" } ?? names
    }
}

/// The options of all seven tools.
package enum OptionTable {
    package static func options(for verb: Verb) -> [OptionSpec] {
        all.filter { $0.accepted(by: verb) }
    }

    /// The option of `verb` that `matches`, found without copying the table (parsing runs on
    /// every call of a tool, so its start-up cost counts).
    static func option(of verb: Verb, where matches: (OptionSpec) -> Bool) -> OptionSpec? {
        all.first { $0.accepted(by: verb) && matches($0) }
    }

    static let all: [OptionSpec] = record + command + configuration + general

    /// A record flag: its value is checked at once (a bad value is a usage error before anything
    /// else happens) and the change is applied later to every record.
    private static func edit(
        _ body: @escaping @Sendable (inout ServerRecord, String) throws -> Void
    ) -> @Sendable (inout Invocation, String) throws -> Void {
        { invocation, value in
            var scratch = ServerRecord()
            try body(&scratch, value)
            invocation.recordEdits.append { record in try body(&record, value) }
        }
    }

    private static let record: [OptionSpec] = [
        OptionSpec(
            "d", value: "DIR", group: .record,
            "the full server directory (runner.sh); must lie inside the work path when one is configured",
            apply: edit { record, value in record.fullDirectory = try RecordFlags.name(value, "-d") }),
        OptionSpec(
            "n", value: "NAME", group: .record,
            "the server uuid, or a name (letters, digits, . _ -) used as is for the session, unit or container",
            apply: edit { record, value in try RecordFlags.applyName(value, to: &record) }),
        OptionSpec(
            "u", value: "USER", group: .record, "the user the server runs as (su_user)",
            apply: edit { record, value in record.user = try RecordFlags.name(value, "-u") }),
        OptionSpec(
            "c", value: "COMMAND", group: .record, verbs: [.start], "the start command (runner.sh)",
            apply: edit { record, value in record.startCommand = value }),
        OptionSpec(
            "c", value: "LINE", group: .record, verbs: [.input], "the console line to send (runner.sh)",
            apply: { invocation, value in invocation.consoleLine = value }),
        OptionSpec(
            nil, "id", value: "N", group: .record, "the server id",
            apply: edit { record, value in record.id = try RecordFlags.integer(value, "--id", 0...Int(Int64.max)) }),
        OptionSpec(
            nil, "uuid", value: "UUID", group: .record, "the server uuid",
            apply: edit { record, value in record.uuid = try RecordFlags.name(value, "--uuid") }),
        OptionSpec(
            nil, "dir", value: "DIR", group: .record, "the server directory relative to the work path (dir)",
            apply: edit { record, value in
                record.dir = try RecordFlags.name(value, "--dir")
                record.fullDirectory = nil
            }),
        OptionSpec(
            nil, "user", value: "USER", group: .record, "the same as -u",
            apply: edit { record, value in record.user = try RecordFlags.name(value, "--user") }),
        OptionSpec(
            nil, "ip", value: "IP", group: .record, "the server address ({ip}, {host})",
            apply: edit { record, value in record.ip = try RecordFlags.name(value, "--ip") }),
        OptionSpec(
            nil, "port", value: "PORT", group: .record, "the game port ({port})",
            apply: edit { record, value in
                record.port = try RecordFlags.integer(value, "--port", RecordDecoder.portRange)
            }),
        OptionSpec(
            nil, "query-port", value: "PORT", group: .record, "the query port ({query_port})",
            apply: edit { record, value in
                record.queryPort = try RecordFlags.integer(value, "--query-port", RecordDecoder.portRange)
            }),
        OptionSpec(
            nil, "rcon-port", value: "PORT", group: .record, "the rcon port ({rcon_port})",
            apply: edit { record, value in
                record.rconPort = try RecordFlags.integer(value, "--rcon-port", RecordDecoder.portRange)
            }),
        OptionSpec(
            nil, "rcon-password", value: "PASSWORD", group: .record,
            "the rcon password ({rcon_password}); masked in all output",
            apply: edit { record, value in record.rconPassword = value }),
        OptionSpec(
            nil, "start-command", value: "COMMAND", group: .record, "the start command (start_command)",
            apply: edit { record, value in record.startCommand = value }),
        OptionSpec(
            nil, "stop-command", value: "COMMAND", group: .record,
            "the stop command of the simple manager (stop_command)",
            apply: edit { record, value in record.stopCommand = value }),
        OptionSpec(
            nil, "restart-command", value: "COMMAND", group: .record,
            "the restart command of the simple manager (restart_command)",
            apply: edit { record, value in record.restartCommand = value }),
        OptionSpec(
            nil, "var", value: "KEY=VALUE", group: .record, "a server variable ({KEY} and the environment); repeatable",
            apply: edit { record, value in record.vars.append(try RecordFlags.pair(value, "--var")) })
    ]

    private static let command: [OptionSpec] = [
        OptionSpec(
            nil, "restart", group: .verb, verbs: [.start],
            "restart the server (stop, then start) instead of starting it",
            apply: { invocation, _ in invocation.restart = true }),
        OptionSpec(
            nil, "if-down", group: .verb, verbs: [.start],
            "start only a server that is down and not stopped on purpose, as its restart policy allows (for timers)",
            apply: { invocation, _ in invocation.options.ifDown = true }),
        OptionSpec(
            nil, "force", group: .verb, verbs: [.stop, .start, .install],
            "stop at once, without the console stop command",
            apply: { invocation, _ in invocation.options.force = true }),
        OptionSpec(
            nil, "timeout", value: "SECONDS", group: .verb, verbs: [.stop, .start, .install],
            "how long a graceful stop may take (stop_timeout, default 30)",
            apply: { invocation, value in invocation.options.stopTimeout = try RecordFlags.seconds(value, "--timeout") }
        ),
        OptionSpec(
            nil, "console-stop", value: "LINE", group: .verb, verbs: [.stop, .start],
            "the console command that stops the server gracefully (console_stop_command)",
            apply: { invocation, value in invocation.flagSettings[SettingKey.consoleStopCommand.rawValue] = value }),
        OptionSpec(
            nil, "warn", value: "TIMES", group: .verb, verbs: [.stop, .start],
            "warn players at these times before the stop (5m,1m,10s), with --warn-command or stop_warning_command",
            apply: { invocation, value in
                guard let marks = StopWarning.marks(value) else {
                    throw UsageError("--warn takes positive durations such as 5m,1m,10s, not \"\(value)\"")
                }
                invocation.options.warnings = marks
            }),
        OptionSpec(
            nil, "warn-command", value: "LINE", group: .verb, verbs: [.stop, .start],
            "the warning typed at each --warn time: {time}, {seconds}, {minutes} filled in (stop_warning_command)",
            apply: { invocation, value in invocation.options.warningCommand = value }),
        OptionSpec(
            nil, "json", group: .verb, verbs: [.status], "print one JSON object per server",
            apply: { invocation, _ in invocation.json = true }),
        OptionSpec(
            nil, "lines", value: "N", group: .verb, verbs: [.output, .input],
            "how many lines of output to print (default 500, 0 for all)",
            apply: { invocation, value in
                invocation.options.lines = try RecordFlags.integer(value, "--lines", 0...10_000_000)
            }),
        OptionSpec(
            "f", "follow", group: .verb, verbs: [.output], "keep printing new output until the server stops or SIGINT",
            apply: { invocation, _ in invocation.follow = true }),
        OptionSpec(
            nil, "attach", group: .verb, verbs: [.input],
            "send each line of standard input and print the console output, until end of input, SIGINT or the server "
                + "stops",
            apply: { invocation, _ in invocation.attach = true }),
        OptionSpec(
            nil, "interval", value: "SECONDS", group: .verb, verbs: [.metrics],
            "the gap between two CPU samples when there is no baseline (default 1)",
            apply: { invocation, value in invocation.options.interval = try RecordFlags.seconds(value, "--interval") }),
        OptionSpec(
            nil, "timestamps", group: .verb, verbs: [.metrics], "write sample timestamps (a Pushgateway rejects them)",
            apply: { invocation, _ in invocation.options.timestamps = true }),
        OptionSpec(
            nil, "timestamps", group: .verb, verbs: [.output], "print each line after the time it arrived",
            apply: { invocation, _ in invocation.options.timestamps = true }),
        OptionSpec(
            nil, "since", value: "WHEN", group: .verb, verbs: [.output],
            "only lines since WHEN: a duration ago (10m, 1h30m), an RFC 3339 time or Unix seconds",
            apply: { invocation, value in
                guard let since = Timestamp.parseSince(value, now: Clock.wall) else {
                    throw UsageError(
                        "--since takes a duration (10m, 1h30m), an RFC 3339 time or Unix seconds, not "
                            + "\"\(value)\"")
                }
                invocation.options.since = since
            }),
        OptionSpec(
            nil, "raw", group: .verb, verbs: [.output, .input],
            "print the console as the terminal received it (escape codes, carriage returns)",
            apply: { invocation, _ in invocation.options.raw = true }),
        OptionSpec(
            nil, "write-log", value: "DIR", group: .verb, verbs: [.output],
            "keep the console read from standard input as a console log in DIR (what a start sets up)",
            apply: { invocation, value in invocation.logDirectory = value }),
        OptionSpec(
            nil, "log-max", value: "SIZE", group: .verb, verbs: [.output],
            "with --write-log: rotate the log past SIZE bytes (console_log_max, default 10M)",
            apply: { invocation, value in
                guard let size = ByteSize.parse(value), ConsoleLog.maximumRange.contains(size) else {
                    throw UsageError("--log-max takes a size from 64k to 1T, not \"\(value)\"")
                }
                invocation.logLimits.maximum = size
            }),
        OptionSpec(
            nil, "log-keep", value: "N", group: .verb, verbs: [.output],
            "with --write-log: keep N log files in all (console_log_keep, default 5)",
            apply: { invocation, value in
                invocation.logLimits.keep = try RecordFlags.integer(value, "--log-keep", ConsoleLog.keepRange)
            }),
        OptionSpec(
            nil, "log-compress", group: .verb, verbs: [.output],
            "with --write-log: compress rotated logs with gzip (console_log_compress)",
            apply: { invocation, _ in invocation.logLimits.compress = true }),
        OptionSpec(
            nil, "uninstall", group: .verb, verbs: [.install], "uninstall the server instead (stopping it first)",
            apply: { invocation, _ in invocation.uninstall = true }),
        OptionSpec(
            nil, "check", group: .verb, verbs: [.install], "exit 0 if the manager installs servers itself, 1 if not",
            apply: { invocation, _ in invocation.check = true })
    ]

    private static let configuration: [OptionSpec] = [
        OptionSpec(
            nil, "config", value: "FILE", group: .configuration,
            "the daemon configuration (default $GAMEAP_DAEMON_CONFIG, else /etc/gameap-daemon/gameap-daemon.yaml)",
            apply: { invocation, value in invocation.configPath = value }),
        OptionSpec(
            "m", "manager", value: "NAME", group: .configuration, "the process manager: \(ManagerKind.list)",
            apply: { invocation, value in invocation.managerName = value }),
        OptionSpec(
            "o", "option", value: "KEY=VALUE", group: .configuration, "a process_manager.config entry; repeatable",
            apply: { invocation, value in invocation.managerOptions.append(try RecordFlags.pair(value, "--option")) }),
        OptionSpec(
            nil, "work-path", value: "DIR", group: .configuration, "the node's work path (work_path)",
            apply: { invocation, value in invocation.workPath = value }),
        OptionSpec(
            nil, "state-dir", value: "DIR", group: .configuration,
            "where locks and CPU baselines are kept (default /var/lib/gameap-pm for root)",
            apply: { invocation, value in invocation.stateDirectory = value })
    ]

    private static let general: [OptionSpec] = [
        OptionSpec(
            nil, "dry-run", group: .general, "print what would be run and written, and change nothing",
            apply: { invocation, _ in invocation.dryRun = true }),
        OptionSpec(
            "v", "verbose", group: .general, "echo every command run and its output on standard error",
            apply: { invocation, _ in invocation.verbose = true }),
        OptionSpec(
            nil, "allow-root", group: .general,
            "run games and scripts as root when a record names no su_user (refused otherwise)",
            apply: { invocation, _ in invocation.allowRoot = true }),
        OptionSpec(
            "h", "help", group: .general, "print this help and exit",
            apply: { invocation, _ in invocation.showHelp = true }),
        OptionSpec(
            nil, "version", group: .general, "print the version and exit",
            apply: { invocation, _ in invocation.showVersion = true })
    ]

    // MARK: - Parsing

    /// Parses `arguments` (without the program name).
    package static func parse(_ arguments: [String], verb: Verb) throws -> Invocation {
        var invocation = Invocation(verb: verb)
        var trailing: [String] = []
        var index = 0
        func value(for option: OptionSpec, attached: String?, spelled: String) throws -> String {
            if let attached { return attached }
            index += 1
            guard index < arguments.count else {
                throw UsageError("option \(spelled) needs a value (\(option.value ?? ""))", showsUsage: true)
            }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                trailing = Array(arguments[(index + 1)...])
                break
            }
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                let name = String(body.prefix { $0 != "=" })
                let attached = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
                guard let option = option(of: verb, where: { $0.long == name }) else {
                    throw UsageError("unknown option --\(name)", showsUsage: true)
                }
                if option.value == nil {
                    guard attached == nil else { throw UsageError("option --\(name) takes no value", showsUsage: true) }
                    try option.apply(&invocation, "")
                } else {
                    try option.apply(&invocation, try value(for: option, attached: attached, spelled: "--\(name)"))
                }
            } else if argument.hasPrefix("-") && argument.count > 1 {
                var letters = Substring(argument.dropFirst())
                while let letter = letters.first {
                    letters = letters.dropFirst()
                    guard let option = option(of: verb, where: { $0.short == letter }) else {
                        throw UsageError("unknown option -\(letter)", showsUsage: true)
                    }
                    if option.value == nil {
                        try option.apply(&invocation, "")
                    } else {
                        try option.apply(
                            &invocation,
                            try value(
                                for: option, attached: letters.isEmpty ? nil : String(letters), spelled: "-\(letter)"))
                        break
                    }
                }
            } else {
                invocation.recordFiles.append(argument)
            }
            index += 1
        }
        if invocation.restart, invocation.options.ifDown {
            throw UsageError("--if-down and --restart cannot be combined", showsUsage: true)
        }
        if verb == .start, !invocation.restart, !invocation.options.warnings.isEmpty {
            throw UsageError("--warn warns before a stop: with pm-start it needs --restart", showsUsage: true)
        }
        if !trailing.isEmpty {
            switch verb {
            case .input:
                invocation.consoleLine = trailing.joined(separator: " ")
            case .start:
                // Words the caller already split (the daemon's `-- {command}`): quoted again so
                // that splitting the start command gives exactly these words back, in the
                // Windows dialect too.
                let command = ShellWords.portableJoin(trailing)
                invocation.recordEdits.append { record in record.startCommand = command }
            default:
                invocation.recordFiles += trailing
            }
        }
        return invocation
    }

    // MARK: - Help

    package static func usage(_ verb: Verb) -> String {
        let tail: String
        switch verb {
        case .input: tail = "[FILE ...] [-- LINE ...]"
        case .start: tail = "[FILE ...] [-- COMMAND ...]"
        default: tail = "[FILE ...]"
        }
        return "usage: \(verb.toolName) [options] \(tail)"
    }

    package static func help(_ verb: Verb) -> String {
        var text = usage(verb) + "\n\n\(verb.toolName): \(verb.summary).\n"
        text += "Server records are read from the FILEs (- for standard input), from standard input when\n"
        text += "no FILE and no record option is given, or built from the record options alone.\n"
        for group in OptionSpec.Group.allCases {
            let members = options(for: verb).filter { $0.group == group }
            guard !members.isEmpty else { continue }
            text += "\n\(group == .verb ? verb.toolName : group.rawValue):\n"
            for option in members {
                let left = "  " + option.synopsis
                let pad =
                    left.count < 28
                    ? String(repeating: " ", count: 28 - left.count) : "\n" + String(repeating: " ", count: 28)
                text += left + pad + option.help + "\n"
            }
        }
        text +=
            "\nExit status: 0 success (pm-status: running), 1 failure (not running), 2 invalid input,\n255 the "
            + "backend could not be asked. See \(verb.toolName)(1) and pm(7).\n"
        return text
    }
}
