import Foundation
import PMCommon
import PMCore
import PMHTTP
import PMManagers
import PMSystem

/// Test data shipped in `Tests/Fixtures`.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The reference's example record (server 7, "Public CS 1.6 #1").
    static var cs16JSON: String {
        (try? String(contentsOf: directory.appendingPathComponent("cs16.json"), encoding: .utf8)) ?? ""
    }

    static func record(_ json: String) throws -> ServerRecord {
        try RecordDecoder.decode(JSONParser.parse(json))
    }

    static func config(workPath: String = "/srv/gameap") -> DaemonConfig {
        var config = DaemonConfig()
        config.workPath = workPath
        return config
    }

    /// A server for templates: work path `/work-path`, id 1, uuid `test-uuid`, ip 127.0.0.1,
    /// ports 27015/27016/27017, rcon `rconpass`, dir `server-dir`.
    static func vectorServer(
        modVars: [(String, String)] = [], vars: [(String, String)] = [],
        settings: [(String, String)] = []
    ) throws -> Server {
        var record = ServerRecord()
        record.id = 1
        record.uuid = "test-uuid"
        record.ip = "127.0.0.1"
        record.port = 27015
        record.queryPort = 27016
        record.rconPort = 27017
        record.rconPassword = "rconpass"
        record.dir = "server-dir"
        record.gameMod.vars = modVars.map { ($0.0, $0.1) }
        record.vars = vars.map { ($0.0, $0.1) }
        record.settings = settings.map { ($0.0, $0.1) }
        return try Server(record: record, config: config(workPath: "/work-path"))
    }
}
