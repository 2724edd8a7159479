import PMCore
import PMHTTP
import PMManagers
import PMSystem

/// Everything a command line asks for, parsed by `OptionTable`.
package struct Invocation: Sendable {
    package let verb: Verb
    /// Record files (`-` is standard input).
    package var recordFiles: [String] = []
    /// Changes the record flags make, applied in order to every record (or to an empty one).
    package var recordEdits: [@Sendable (inout ServerRecord) throws -> Void] = []
    package var configPath: String?
    package var managerName: String?
    /// `-o KEY=VALUE`: laid over `process_manager.config`.
    package var managerOptions: [(key: String, value: String)] = []
    package var workPath: String?
    package var stateDirectory: String?
    package var dryRun = false
    package var verbose = false
    /// `--allow-root`: a record without `su_user` may run its programs as root.
    package var allowRoot = false
    package var showHelp = false
    package var showVersion = false

    package var restart = false
    package var json = false
    package var follow = false
    package var attach = false
    package var uninstall = false
    package var check = false
    /// Console text from `-c` or the words after `--` (pm-input).
    package var consoleLine: String?
    /// Settings the dedicated flags give (`console_stop_command`), over every other source.
    package var flagSettings: [String: String] = [:]
    package var options = VerbOptions()
    /// `--write-log DIR` (pm-output): keep the console read from standard input in DIR.
    package var logDirectory: String?
    package var logLimits = ConsoleLog.Limits()

    package init(verb: Verb) { self.verb = verb }

    /// Whether any flag describes the record (then standard input is not read for records).
    package var buildsRecord: Bool { !recordEdits.isEmpty }
}
