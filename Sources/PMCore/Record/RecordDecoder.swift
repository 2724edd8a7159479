import PMSystem

/// Decodes panel JSON into `ServerRecord` with lenient rules (docs/differences.md#rec-1): numeric
/// strings for integers, 0/1 for booleans, vars as an object or a JSON string holding one,
/// settings with any scalar value. A value that cannot be used fails the record with an error
/// naming the field; keys the toolbox does not use are never looked at.
package enum RecordDecoder {
    package static let portRange = 0...65535

    package static func decode(_ json: JSONValue) throws -> ServerRecord {
        guard case .object(let object) = json else {
            throw RecordError(field: "", "a server record must be a JSON object, got \(json.typeName)")
        }
        guard !object.isEmpty else { throw RecordError(field: "", "the server record is empty") }
        func field(_ key: String) -> LenientValue { LenientValue(field: key, value: object[key]) }

        var record = ServerRecord()
        record.id = try field("id").integer(in: 0...Int(Int64.max)) ?? 0
        record.uuid = try field("uuid").name()
        record.uuidShort = try field("uuid_short").name()
        record.enabled = try field("enabled").boolean(default: true)
        record.installed = try installed(field("installed"))
        record.blocked = try field("blocked").boolean(default: false)
        record.ip = try field("server_ip").name()
        record.port = try field("server_port").integer(in: portRange) ?? 0
        record.queryPort = try field("query_port").integer(in: portRange)
        record.rconPort = try field("rcon_port").integer(in: portRange)
        record.rconPassword = try field("rcon").string()
        record.dir = try field("dir").name()
        record.user = try field("su_user").name()
        record.startCommand = try field("start_command").string()
        record.stopCommand = try field("stop_command").string()
        record.restartCommand = try field("restart_command").string()
        record.cpuLimit = try field("cpu_limit").integer(in: 0...Int(Int32.max))
        record.ramLimit = try field("ram_limit").integer(in: 0...Int(Int64.max))
        record.vars = try vars(object["vars"])
        record.settings = try settings(object["settings"])
        record.game = try game(object["game"])
        record.gameMod = try gameMod(object["game_mod"])
        return record
    }

    private static func installed(_ field: LenientValue) throws -> Int {
        if case .bool(let flag)? = field.value { return flag ? 1 : 0 }
        return try field.integer(in: 0...2) ?? 1
    }

    /// `vars`: an object, a JSON string holding an object (the Go panel, docs/differences.md#rec-3), or null.
    private static func vars(_ value: JSONValue?) throws -> [(key: String, value: String)] {
        switch value {
        case nil, .null?: return []
        case .string(let text)?:
            if text.trimmingWhitespace.isEmpty { return [] }
            guard let inner = try? JSONParser.parse(text) else {
                throw RecordError(field: "vars", "is a string that does not hold a JSON object")
            }
            return try vars(inner)
        case .object(let object)?:
            return try object.members.compactMap { member in
                let key = try LenientValue.checkName(member.key, field: "vars")
                return try LenientValue(field: "vars.\(key)", value: member.value).scalarText().map { (key, $0) }
            }
        case let other?: throw RecordError(field: "vars", "expected an object, got \(other.typeName)")
        }
    }

    /// `settings`: a list of `{name, value}` objects (or a plain name→value object).
    private static func settings(_ value: JSONValue?) throws -> [(key: String, value: String)] {
        switch value {
        case nil, .null?: return []
        case .object(let object)?:
            return try object.members.compactMap { member in
                let key = try LenientValue.checkName(member.key, field: "settings")
                return try LenientValue(field: "settings.\(key)", value: member.value).scalarText().map { (key, $0) }
            }
        case .array(let entries)?:
            return try entries.enumerated().compactMap { position, entry in
                let path = "settings[\(position)]"
                guard case .object(let setting) = entry else {
                    throw RecordError(field: path, "expected an object, got \(entry.typeName)")
                }
                guard let name = try LenientValue(field: "\(path).name", value: setting["name"]).scalarText(),
                    !name.isEmpty
                else { return nil }
                _ = try LenientValue.checkName(name, field: "\(path).name")
                guard let text = try LenientValue(field: "\(path).value", value: setting["value"]).scalarText() else {
                    return nil
                }
                return (name, text)
            }
        case let other?: throw RecordError(field: "settings", "expected an array, got \(other.typeName)")
        }
    }

    private static func game(_ value: JSONValue?) throws -> ServerRecord.Game {
        var game = ServerRecord.Game()
        guard let object = try optionalObject(value, field: "game") else { return game }
        game.code = try LenientValue(field: "game.code", value: object["code"]).name()
        game.name = try LenientValue(field: "game.name", value: object["name"]).string()
        let startCode = try LenientValue(field: "game.start_code", value: object["start_code"]).string()
        game.startCode = startCode.isEmpty ? game.code : startCode
        game.metadata = try LenientValue(field: "game.metadata", value: object["metadata"]).stringMap()
        return game
    }

    private static func gameMod(_ value: JSONValue?) throws -> ServerRecord.GameMod {
        var mod = ServerRecord.GameMod()
        guard let object = try optionalObject(value, field: "game_mod") else { return mod }
        func field(_ key: String) -> LenientValue { LenientValue(field: "game_mod.\(key)", value: object[key]) }
        mod.id = try field("id").integer(in: 0...Int(Int64.max)) ?? 0
        mod.name = try field("name").string()
        mod.defaultStartCommandLinux = try field("default_start_cmd_linux").string()
        mod.defaultStartCommandWindows = try field("default_start_cmd_windows").string()
        mod.metadata = try field("metadata").stringMap()
        switch object["vars"] {
        case nil, .null?: break
        case .array(let templates)?:
            mod.vars = try templates.enumerated().map { position, entry in
                try varTemplate(entry, path: "game_mod.vars[\(position)]")
            }
        case let other?: throw RecordError(field: "game_mod.vars", "expected an array, got \(other.typeName)")
        }
        return mod
    }

    /// A var template: `var` is the name, `default` becomes text (numbers exactly as written,
    /// booleans `1`/`0`, anything else empty) (docs/differences.md#rec-5).
    private static func varTemplate(_ entry: JSONValue, path: String) throws -> (key: String, value: String) {
        guard case .object(let template) = entry else {
            throw RecordError(field: path, "expected an object, got \(entry.typeName)")
        }
        let name = try LenientValue.checkName(
            try LenientValue(field: "\(path).var", value: template["var"]).scalarText() ?? "",
            field: "\(path).var")
        let fallback: String
        switch template["default"] {
        case .string(let text)?: fallback = try LenientValue(field: "\(path).default", value: .string(text)).string()
        case .number(let literal)?: fallback = literal
        case .bool(let flag)?: fallback = flag ? "1" : "0"
        default: fallback = ""
        }
        return (name, fallback)
    }

    private static func optionalObject(_ value: JSONValue?, field: String) throws -> JSONObject? {
        switch value {
        case nil, .null?: return nil
        case .object(let object)?: return object
        case let other?: throw RecordError(field: field, "expected an object, got \(other.typeName)")
        }
    }
}
