import PMSystem

/// One game server as a manager sees it: the record, the configuration, and everything derived
/// from them, computed and checked once before any command runs.
package struct Server {
    package let record: ServerRecord
    package let config: DaemonConfig
    /// The server directory (work path + dir), inside the work path.
    package let workDirectory: String
    /// The session, unit or container name: the XID, or the `-n` name.
    package let name: String
    /// The reference's legacy name (the raw uuid), looked for when `name` is not found.
    package let legacyName: String
    /// Who the server is, written next to its name in the backend (two servers can share a name).
    package let owner: ServerOwner
    /// The user the server runs as; nil runs it as the user running the tool.
    package let account: Account?
    package let variables: [String: String]
    package let environment: [EnvironmentEntry]
    package let template: CommandTemplate
    package let settings: ManagerSettings
    package let masker: SecretMasker

    /// Builds the server, or throws the first problem with the record (exit status 2).
    /// `resolveUser: false` skips the OS user lookup (for managers whose users live elsewhere).
    package init(
        record: ServerRecord, config: DaemonConfig, flagSettings: [String: String] = [:],
        resolveUser: Bool = true
    ) throws {
        guard record.id != 0 || !record.uuid.isEmpty || record.nameOverride != nil else {
            throw RecordError(field: "", "the server record has neither an id nor a uuid (use --id, --uuid or -n)")
        }
        try Self.checkUserName(record.user)
        self.record = record
        self.config = config
        workDirectory = try WorkDirectory.resolve(record: record, workPath: config.workPath)
        name = record.nameOverride ?? XID.name(uuid: record.uuid, id: record.id)
        legacyName = record.uuid
        owner = ServerOwner(id: record.id, uuid: record.uuid)
        if resolveUser && !record.user.isEmpty {
            guard let account = Account.lookup(name: record.user) else {
                throw RecordError(field: "su_user", "there is no user \(record.user) on this system")
            }
            self.account = account
        } else {
            account = nil
        }
        let variables = ServerVariables(record)
        self.variables = variables.merged
        environment = variables.environment(
            port: record.port, queryPort: record.effectiveQueryPort,
            rconPort: record.effectiveRconPort)
        template = CommandTemplate(
            placeholders: Self.placeholders(record, config, variables: self.variables, directory: workDirectory))
        settings = ManagerSettings(
            flags: flagSettings, variables: self.variables, modMetadata: record.gameMod.metadata,
            gameMetadata: record.game.metadata, options: config.managerOptions)
        masker = SecretMasker(
            SecretValues.of(record: record, variables: self.variables, settings: settings, users: config.users))
    }

    /// The templates of a command that runs elsewhere, where `{dir}` is `directory` (the
    /// server directory inside a container, docs/differences.md#dock-6).
    package func template(directory: String) -> CommandTemplate {
        CommandTemplate(placeholders: Self.placeholders(record, config, variables: variables, directory: directory))
    }

    private static func placeholders(
        _ record: ServerRecord, _ config: DaemonConfig, variables: [String: String],
        directory: String
    ) -> Placeholders {
        Placeholders(
            builtIns: [
                ("dir", directory), ("uuid", record.uuid), ("uuid_short", record.uuidShort), ("id", String(record.id)),
                ("host", record.ip), ("ip", record.ip), ("port", String(record.port)),
                ("SERVER_PORT", String(record.port)), ("PORT", String(record.port)),
                ("query_port", String(record.effectiveQueryPort)), ("rcon_port", String(record.effectiveRconPort)),
                ("rcon_password", record.rconPassword), ("game", record.game.startCode), ("user", record.user),
                ("node_work_path", config.workPath), ("node_tools_path", config.effectiveToolsPath)
            ], variables: variables)
    }

    /// A POSIX login name: letters, digits, `_`, `.`, `-` (not first), optional final `$`.
    static func checkUserName(_ user: String) throws {
        guard !user.isEmpty else { return }
        let bytes = Array(user.utf8)
        let valid =
            bytes.count <= 32 && bytes.first != UInt8(ascii: "-")
            && bytes.enumerated().allSatisfy { index, byte in
                ASCII.isLetter(byte) || ASCII.isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "-") || (byte == UInt8(ascii: "$") && index == bytes.count - 1)
            }
        guard valid else { throw RecordError(field: "su_user", "\"\(user)\" is not a valid user name") }
    }

    /// The marker the game's processes carry (`ServerMarker`).
    package var marker: ServerMarker { ServerMarker(name: name, owner: owner.token) }

    /// The environment of the game itself: the server's, with the marker, which no var can
    /// replace, in name order.
    package var gameEnvironment: [EnvironmentEntry] {
        let marker = self.marker.environment
        let names = Set(marker.map(\.name))
        return (environment.filter { !names.contains($0.name) } + marker).sorted { $0.name < $1.name }
    }

    /// `server 7`, for messages.
    package var label: String { record.label }

    /// The command spec for a script of this server: run as its user in its directory (falling
    /// back to the work path), with its environment on a clean one (`CleanEnvironment`).
    package func spec(_ arguments: [String], timeout: Double?, readOnly: Bool = false) -> CommandSpec {
        var spec = CommandSpec(
            arguments, workingDirectory: workDirectory,
            fallbackDirectory: config.workPath.isEmpty ? nil : config.workPath,
            environment: environment, account: account, timeout: timeout, readOnly: readOnly)
        spec.inheritsEnvironment = false
        return spec
    }
}
