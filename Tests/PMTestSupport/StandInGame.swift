import Foundation
import PMCommon
import PMCore
import PMHTTP
import PMManagers
import PMSystem
import XCTest

/// The stubborn stand-in games of `Tests/StandInGames` (each file says what it imitates).
enum StandInGame: String, CaseIterable {
    case deaf = "deaf-game"
    case forking = "forking-game"
    case slowSaver = "slow-saver-game"
    case crashing = "crashing-game"
    case terminal = "terminal-game"
    case sigint = "sigint-game"

    /// How many processes one running copy has: the game and the helpers it starts.
    var processesPerCopy: Int {
        switch self {
        case .deaf, .crashing, .terminal, .sigint: return 1
        case .forking: return 3
        case .slowSaver: return 2
        }
    }

    /// The executable, compiled on first use.
    func executable() throws -> String {
        try CProgram.executable(rawValue, in: "StandInGames")
    }

    /// Copies the game into a server directory, owned by `user`.
    func install(into directory: String, user: String) throws {
        let target = directory + "/" + rawValue
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: try executable(), toPath: target)
        _ = try Toolbox.shell("chown \(user): \(ShellWords.quote(target)) && chmod 755 \(ShellWords.quote(target))")
    }
}

/// A node of one manager as the stubborn-game cases drive it: records whose start command is
/// a stand-in game in the server's directory, and the tools run as that node runs them.
protocol GameBed: AnyObject {
    /// The user the games run as.
    var gameUser: String { get }
    func serverDirectory(_ id: Int) -> String
    /// A record file for `command`, the server's directory created; `uuid` replaces the
    /// node's own uuid for `id`.
    func gameRecord(id: Int, command: String, settings: String, uuid: String?) throws -> String
    func uuidOf(_ id: Int) -> String
    func tool(_ tool: String, _ arguments: [String]) throws -> Toolbox.Result
    func tearDown()
}

extension GameBed {
    /// A record that runs `game` with `arguments` (a tag first, which tells its processes
    /// apart), with kill_timeout 1 and `settings`.
    func record(
        id: Int, game: StandInGame, tag: String, arguments: [String] = [], uuid: String? = nil,
        settings: [(String, String)] = []
    ) throws -> String {
        let command = (["./" + game.rawValue, tag] + arguments).joined(separator: " ")
        let entries = ([("kill_timeout", "1")] + settings).map { #"{"name": "\#($0.0)", "value": "\#($0.1)"}"# }
        let path = try gameRecord(
            id: id, command: command, settings: #", "settings": ["# + entries.joined(separator: ", ") + "]", uuid: uuid)
        try game.install(into: serverDirectory(id), user: gameUser)
        return path
    }

    /// A uuid that differs from server `id`'s only in the bytes its XID name drops: the two
    /// servers share a name.
    func collidingUUID(_ id: Int) -> String {
        String(uuidOf(id).dropLast(6)) + "c0111d"
    }

    /// The pids of the processes of `game` started with `tag` (its helpers included).
    func processes(_ game: StandInGame, tag: String) throws -> [String] {
        let found = try Toolbox.shell("pgrep -x -f \(ShellWords.quote("[^ ]*\(game.rawValue) \(tag)( .*)?")) || true")
        return found.stdout.split(separator: "\n").map(String.init)
    }

    /// Polls the output until it contains `text`.
    func waitForOutput(_ record: String, containing text: String, seconds: Double = 20) throws -> String {
        try Toolbox.poll(seconds: seconds, until: { $0.contains(text) }) {
            try tool("pm-output", ["--lines", "0", record]).stdout
        }
    }
}

extension TmuxNode: GameBed {
    var gameUser: String { "pmtest" }
    func serverDirectory(_ id: Int) -> String { workPath + "/servers/t\(id)" }
    func uuidOf(_ id: Int) -> String { uuid(id) }
    func gameRecord(id: Int, command: String, settings: String, uuid: String?) throws -> String {
        try file(record(id: id, command: command, extra: settings, uuid: uuid))
    }
    func tool(_ tool: String, _ arguments: [String]) throws -> Toolbox.Result { try run(tool, arguments) }
}

extension SimpleNode: GameBed {
    var gameUser: String { "pmtest" }
    func serverDirectory(_ id: Int) -> String { workPath + "/servers/s\(id)" }
    func uuidOf(_ id: Int) -> String { uuid(id) }
    func gameRecord(id: Int, command: String, settings: String, uuid: String?) throws -> String {
        try file(record(id: id, user: gameUser, command: command, extra: settings, uuid: uuid))
    }
    func tool(_ tool: String, _ arguments: [String]) throws -> Toolbox.Result { try run(tool, arguments) }
}

extension SystemdNode: GameBed {
    var gameUser: String { SystemdNode.user }
    func serverDirectory(_ id: Int) -> String { workPath + "/servers/s\(id)" }
    func uuidOf(_ id: Int) -> String { uuid(id) }
    func gameRecord(id: Int, command: String, settings: String, uuid: String?) throws -> String {
        try record(id: id, command: command, extra: settings, uuid: uuid)
    }
    func tool(_ tool: String, _ arguments: [String]) throws -> Toolbox.Result { try run(tool, arguments) }
}

extension DockerNode: GameBed {
    var gameUser: String { "pmtest" }
    func serverDirectory(_ id: Int) -> String { workPath + "/servers/d\(id)" }
    func uuidOf(_ id: Int) -> String { uuid(id) }
    func gameRecord(id: Int, command: String, settings: String, uuid: String?) throws -> String {
        try record(id: id, command: command, extra: settings, uuid: uuid)
    }
    func tool(_ tool: String, _ arguments: [String]) throws -> Toolbox.Result { try run(tool, arguments) }
}
