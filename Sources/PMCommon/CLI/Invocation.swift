/// Everything a command line asks for, parsed by `OptionTable`.
public struct Invocation {
    public let verb: Verb
    /// Record files (`-` is standard input).
    public var recordFiles: [String] = []
    /// Changes the record flags make, applied in order to every record (or to an empty one).
    public var recordEdits: [(inout ServerRecord) throws -> Void] = []
    public var configPath: String?
    public var managerName: String?
    /// `-o KEY=VALUE`: laid over `process_manager.config`.
    public var managerOptions: [(key: String, value: String)] = []
    public var workPath: String?
    public var stateDirectory: String?
    public var dryRun = false
    public var verbose = false
    /// `--allow-root`: a record without `su_user` may run its programs as root.
    public var allowRoot = false
    public var showHelp = false
    public var showVersion = false

    public var restart = false
    public var json = false
    public var follow = false
    public var attach = false
    public var uninstall = false
    public var check = false
    /// Console text from `-c` or the words after `--` (pm-input).
    public var consoleLine: String?
    /// Settings the dedicated flags give (`console_stop_command`), over every other source.
    public var flagSettings: [String: String] = [:]
    public var options = VerbOptions()

    public init(verb: Verb) { self.verb = verb }

    /// Whether any flag describes the record (then standard input is not read for records).
    public var buildsRecord: Bool { !recordEdits.isEmpty }
}
