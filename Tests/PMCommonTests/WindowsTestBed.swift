import Foundation

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// A pretend Windows for the recording runner: the services that `sc` and `winsw` know and
/// their states, and exit codes queued for particular commands (`"winsw start"`).
final class FakeWindows {
    var services: [String: ServiceQuery.State] = [:]
    var pids: [String: Int] = [:]
    /// Exit codes to give, first in first out, before the normal answer.
    var queued: [String: [Int32]] = [:]

    func answer(_ words: [String]) -> CommandResult {
        guard words.count >= 2 else { return CommandResult(.exited(0)) }
        let key = "\(words[0]) \(words[1])"
        if var codes = queued[key], !codes.isEmpty {
            let code = codes.removeFirst()
            queued[key] = codes
            return CommandResult(.exited(code), output: Array("[SC] \(words[1]) FAILED \(code):\n".utf8))
        }
        switch words[0] {
        case "sc": return sc(words[1], words.count > 2 ? words[2] : "")
        case "winsw": return winsw(words[1], Self.service(ofDefinition: words.count > 2 ? words[2] : ""))
        default: return CommandResult(.exited(0))
        }
    }

    /// `C:\gameap\services\gameapServer7.xml` → `gameapServer7`.
    static func service(ofDefinition path: String) -> String {
        let file = path.split(separator: "\\").last.map(String.init) ?? path
        return file.hasSuffix(".xml") ? String(file.dropLast(4)) : file
    }

    private func sc(_ verb: String, _ name: String) -> CommandResult {
        switch verb {
        case "queryex":
            guard let state = services[name] else {
                return CommandResult(
                    .exited(1060),
                    output: Array(
                        ("[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\n\nThe specified service does not "
                            + "exist as an installed service.\n")
                            .utf8))
            }
            return CommandResult(
                .exited(0),
                output: Array(Self.queryText(name, state, pid: state == .stopped ? 0 : pids[name] ?? 4242).utf8))
        case "create":
            guard services[name] == nil else { return CommandResult(.exited(1073)) }
            services[name] = .stopped
        default:
            return control(verb, name)
        }
        return CommandResult(.exited(0))
    }

    private func winsw(_ verb: String, _ name: String) -> CommandResult {
        switch verb {
        case "install":
            guard services[name] == nil else { return CommandResult(.exited(1073)) }
            services[name] = .stopped
            return CommandResult(.exited(0))
        case "refresh":
            return CommandResult(.exited(services[name] == nil ? 1060 : 0))
        case "uninstall":
            services[name] = nil
            return CommandResult(.exited(0))
        case "restart":
            guard services[name] != nil else { return CommandResult(.exited(1060)) }
            services[name] = .running
            return CommandResult(.exited(0))
        default:
            return control(verb, name)
        }
    }

    /// start, stop and delete, as both programs answer them.
    private func control(_ verb: String, _ name: String) -> CommandResult {
        guard let state = services[name] else { return CommandResult(.exited(1060)) }
        switch verb {
        case "start":
            if state == .running { return CommandResult(.exited(1056)) }
            services[name] = .running
        case "stop":
            if state == .stopped { return CommandResult(.exited(1062)) }
            services[name] = .stopped
        case "delete":
            services[name] = nil
        default:
            break
        }
        return CommandResult(.exited(0))
    }

    static func queryText(_ name: String, _ state: ServiceQuery.State, pid: Int) -> String {
        """

        SERVICE_NAME: \(name)
                TYPE               : 10  WIN32_OWN_PROCESS
                STATE              : \(state.rawValue)  \(state.name)
                                        (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)
                WIN32_EXIT_CODE    : 0  (0x0)
                SERVICE_EXIT_CODE  : 0  (0x0)
                CHECKPOINT         : 0x0
                WAIT_HINT          : 0x0
                PID                : \(pid)
                FLAGS              :

        """
    }
}

/// A services directory in a temporary directory, a fake Windows behind a recording runner,
/// and servers and contexts for the Windows managers' tests.
final class WindowsTestBed {
    static let password = "p&ss<w>\"rd' S3cr3t"
    static var encodedPassword: String { Base64.encode(Array(password.utf8)) }
    static let shawlPath = #"C:\Program Files\shawl\shawl.exe"#

    let directory: String
    let windows = FakeWindows()
    let runner = RecordingRunner()
    /// Everything the tools would print: stdout, stderr, echo and plan.
    let out = OutputChannel(), err = OutputChannel()

    init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("pm-windows-\(UUID().uuidString.prefix(8))")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        runner.answer = { [windows] words in windows.answer(words) }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var host: ServiceHost {
        ServiceHost(
            files: ServiceFiles(root: directory + "/services"), locate: { $0 == "shawl.exe" ? Self.shawlPath : nil })
    }

    /// The host of Linux: nothing reachable.
    static var elsewhere: ServiceHost { ServiceHost(files: nil, locate: { _ in nil }) }

    func context(dryRun: Bool = false, verbose: Bool = true, options: VerbOptions = VerbOptions()) -> VerbContext {
        let executor = Executor(
            runner: runner, echo: verbose ? err : nil, masker: SecretMasker([]), plan: dryRun ? out : nil)
        return VerbContext(
            out: out, err: err, executor: executor, state: StateDirectory(path: directory + "/state"), options: options)
    }

    /// Server 7 run by user `gameap` whose password is `password`, base64-encoded in the users map.
    func server(
        networkService: Bool = false, startCommand: String = "srcds.exe -game csgo +hostname {hostname}",
        edit: (inout ServerRecord, inout DaemonConfig) -> Void = { _, _ in }
    ) throws -> Server {
        var config = DaemonConfig()
        config.workPath = "/srv/gameap"
        config.users = ["gameap": "base64:" + Self.encodedPassword]
        config.useNetworkServiceUser = networkService
        var record = ServerRecord()
        record.id = 7
        record.uuid = "759b875e-d910-11eb-aff7-d796d7fcf7ef"
        record.dir = "servers/cs"
        record.user = "gameap"
        record.port = 27015
        record.startCommand = startCommand
        record.vars = [("hostname", "Andrey's Server")]
        record.rconPassword = "rcon-secret"
        edit(&record, &config)
        return try Server(record: record, config: config, resolveUser: false)
    }

    /// Each command as shown (the password masked), words joined by spaces.
    var commands: [String] { runner.calls.map { ($0.shownArguments ?? $0.arguments).joined(separator: " ") } }

    /// All that was printed so far.
    var printed: String {
        String(decoding: out.takeBuffered(), as: UTF8.self) + String(decoding: err.takeBuffered(), as: UTF8.self)
    }

    func file(_ name: String) -> String? {
        try? String(contentsOfFile: directory + "/services/" + name, encoding: .utf8)
    }

    func writeFile(_ name: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: directory + "/services/logs", withIntermediateDirectories: true)
        try text.write(toFile: directory + "/services/" + name, atomically: true, encoding: .utf8)
    }
}
