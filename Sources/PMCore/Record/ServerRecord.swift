import PMSystem

/// The game-server record the GameAP panel serves, reduced to the fields the
/// process managers use. Decoded leniently by `RecordDecoder`.
package struct ServerRecord: Equatable {
    package var id: Int = 0
    package var uuid: String = ""
    package var uuidShort: String = ""
    package var enabled: Bool = true
    package var installed: Int = 1
    package var blocked: Bool = false
    package var ip: String = ""
    package var port: Int = 0
    /// `nil` when the panel sends null; placeholders and the environment then use `port`
    /// (the reference uses 0: docs/differences.md#rec-2).
    package var queryPort: Int?
    package var rconPort: Int?
    /// Secret: masked in every echo, plan and error.
    package var rconPassword: String = ""
    /// The server directory relative to the node's work path.
    package var dir: String = ""
    /// The OS user the server runs as; empty means the user running the tool.
    package var user: String = ""
    package var startCommand: String = ""
    package var stopCommand: String = ""
    package var restartCommand: String = ""
    /// Millicores (1000 = one core).
    package var cpuLimit: Int?
    /// Bytes.
    package var ramLimit: Int?
    /// Server vars in document order.
    package var vars: [(key: String, value: String)] = []
    /// Settings in list order (later entries with the same name win).
    package var settings: [(key: String, value: String)] = []
    package var game = Game()
    package var gameMod = GameMod()

    /// A name given with `-n` that is not a UUID: used as is for the session, unit or container.
    package var nameOverride: String?
    /// The full server directory given with `-d`, instead of work path + `dir`.
    package var fullDirectory: String?

    package init() {}

    package struct Game: Equatable {
        package var code: String = ""
        /// `{game}`; falls back to `code` when the panel does not send it (docs/differences.md#rec-4).
        package var startCode: String = ""
        package var name: String = ""
        package var metadata: [String: String] = [:]
        package init() {}
    }

    package struct GameMod: Equatable {
        package var id: Int = 0
        package var name: String = ""
        package var defaultStartCommandLinux: String = ""
        package var defaultStartCommandWindows: String = ""
        /// Var templates in list order: name and default value as text.
        package var vars: [(key: String, value: String)] = []
        package var metadata: [String: String] = [:]
        package init() {}

        package static func == (lhs: GameMod, rhs: GameMod) -> Bool {
            lhs.id == rhs.id && lhs.name == rhs.name
                && lhs.defaultStartCommandLinux == rhs.defaultStartCommandLinux
                && lhs.defaultStartCommandWindows == rhs.defaultStartCommandWindows
                && pairsEqual(lhs.vars, rhs.vars) && lhs.metadata == rhs.metadata
        }
    }

    package static func == (lhs: ServerRecord, rhs: ServerRecord) -> Bool {
        lhs.id == rhs.id && lhs.uuid == rhs.uuid && lhs.uuidShort == rhs.uuidShort
            && lhs.enabled == rhs.enabled && lhs.installed == rhs.installed && lhs.blocked == rhs.blocked
            && lhs.ip == rhs.ip && lhs.port == rhs.port && lhs.queryPort == rhs.queryPort
            && lhs.rconPort == rhs.rconPort && lhs.rconPassword == rhs.rconPassword && lhs.dir == rhs.dir
            && lhs.user == rhs.user && lhs.startCommand == rhs.startCommand
            && lhs.stopCommand == rhs.stopCommand && lhs.restartCommand == rhs.restartCommand
            && lhs.cpuLimit == rhs.cpuLimit && lhs.ramLimit == rhs.ramLimit
            && pairsEqual(lhs.vars, rhs.vars) && pairsEqual(lhs.settings, rhs.settings)
            && lhs.game == rhs.game && lhs.gameMod == rhs.gameMod
            && lhs.nameOverride == rhs.nameOverride && lhs.fullDirectory == rhs.fullDirectory
    }

    /// `StartCommand()`: the server's own command, else the game mod's default
    /// for this operating system.
    package var effectiveStartCommand: String {
        if !startCommand.isEmpty { return startCommand }
        #if os(Windows)
        return gameMod.defaultStartCommandWindows
        #else
        return gameMod.defaultStartCommandLinux
        #endif
    }

    /// The query port for placeholders and the environment (`server_port` when null).
    package var effectiveQueryPort: Int { queryPort ?? port }
    package var effectiveRconPort: Int { rconPort ?? port }

    /// What identifies this server in messages: `server 7`, or its uuid or name when it has no id.
    package var label: String {
        if id != 0 { return "server \(id)" }
        if let nameOverride { return "server \(nameOverride)" }
        if !uuid.isEmpty { return "server \(uuid)" }
        return "server"
    }
}

private func pairsEqual(_ lhs: [(key: String, value: String)], _ rhs: [(key: String, value: String)]) -> Bool {
    lhs.elementsEqual(rhs) { $0.key == $1.key && $0.value == $1.value }
}
