/// The game-server record the GameAP panel serves (`core.md` §1.2), reduced to the fields the
/// process managers use. Decoded leniently by `RecordDecoder`.
public struct ServerRecord: Equatable {
    public var id: Int = 0
    public var uuid: String = ""
    public var uuidShort: String = ""
    public var enabled: Bool = true
    public var installed: Int = 1
    public var blocked: Bool = false
    public var ip: String = ""
    public var port: Int = 0
    /// `nil` when the panel sends null; placeholders and the environment then use `port`
    /// (the reference uses 0, `core.md` W-3).
    public var queryPort: Int?
    public var rconPort: Int?
    /// Secret: masked in every echo, plan and error.
    public var rconPassword: String = ""
    /// The server directory relative to the node's work path.
    public var dir: String = ""
    /// The OS user the server runs as; empty means the user running the tool.
    public var user: String = ""
    public var startCommand: String = ""
    public var stopCommand: String = ""
    public var restartCommand: String = ""
    /// Millicores (1000 = one core).
    public var cpuLimit: Int?
    /// Bytes.
    public var ramLimit: Int?
    /// Server vars in document order.
    public var vars: [(key: String, value: String)] = []
    /// Settings in list order (later entries with the same name win).
    public var settings: [(key: String, value: String)] = []
    public var game = Game()
    public var gameMod = GameMod()

    /// A name given with `-n` that is not a UUID: used as is for the session, unit or container.
    public var nameOverride: String?
    /// The full server directory given with `-d`, instead of work path + `dir`.
    public var fullDirectory: String?

    public init() {}

    public struct Game: Equatable {
        public var code: String = ""
        /// `{game}`; falls back to `code` when the panel does not send it (`core.md` W-6).
        public var startCode: String = ""
        public var name: String = ""
        public var metadata: [String: String] = [:]
        public init() {}
    }

    public struct GameMod: Equatable {
        public var id: Int = 0
        public var name: String = ""
        public var defaultStartCommandLinux: String = ""
        public var defaultStartCommandWindows: String = ""
        /// Var templates in list order: name and default value as text.
        public var vars: [(key: String, value: String)] = []
        public var metadata: [String: String] = [:]
        public init() {}

        public static func == (lhs: GameMod, rhs: GameMod) -> Bool {
            lhs.id == rhs.id && lhs.name == rhs.name
                && lhs.defaultStartCommandLinux == rhs.defaultStartCommandLinux
                && lhs.defaultStartCommandWindows == rhs.defaultStartCommandWindows
                && pairsEqual(lhs.vars, rhs.vars) && lhs.metadata == rhs.metadata
        }
    }

    public static func == (lhs: ServerRecord, rhs: ServerRecord) -> Bool {
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

    /// `StartCommand()` (`core.md` §2.4): the server's own command, else the game mod's default
    /// for this operating system.
    public var effectiveStartCommand: String {
        if !startCommand.isEmpty { return startCommand }
        #if os(Windows)
        return gameMod.defaultStartCommandWindows
        #else
        return gameMod.defaultStartCommandLinux
        #endif
    }

    /// The query port for placeholders and the environment (`server_port` when null).
    public var effectiveQueryPort: Int { queryPort ?? port }
    public var effectiveRconPort: Int { rconPort ?? port }

    /// What identifies this server in messages: `server 7`, or its uuid or name when it has no id.
    public var label: String {
        if id != 0 { return "server \(id)" }
        if let nameOverride { return "server \(nameOverride)" }
        if !uuid.isEmpty { return "server \(uuid)" }
        return "server"
    }
}

private func pairsEqual(_ lhs: [(key: String, value: String)], _ rhs: [(key: String, value: String)]) -> Bool {
    lhs.elementsEqual(rhs) { $0.key == $1.key && $0.value == $1.value }
}
