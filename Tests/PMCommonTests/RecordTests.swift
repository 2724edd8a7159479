import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

final class RecordTests: XCTestCase {
    func testExampleRecordAndItsDerivedValues() throws {
        let record = try Fixtures.record(Fixtures.cs16JSON)
        XCTAssertEqual(record.id, 7)
        XCTAssertEqual(record.uuid, "3f6c1b2a-9d4e-4c1a-8b7e-5a2d9c0f1e34")
        XCTAssertEqual(record.port, 27015)
        XCTAssertEqual(record.user, "gameap")
        XCTAssertEqual(record.game.startCode, "cstrike")
        XCTAssertEqual(record.game.metadata, ["docker_image": "debian:bookworm-slim"])
        let variables = ServerVariables(record).merged
        XCTAssertEqual(
            variables,
            [
                "default_map": "de_dust2", "fps": "500", "maxplayers": "32", "sv_lan": "0",
                "hostname": "Andrey's Server",
                "autostart": "1", "autostart_current": "1", "update_before_start": "0"
            ])
        var unresolved = record
        unresolved.user = ""
        let server = try Server(record: unresolved, config: Fixtures.config())
        XCTAssertEqual(server.workDirectory, "/srv/gameap/servers/3f6c1b2a-9d4e-4c1a-8b7e-5a2d9c0f1e34")
        XCTAssertEqual(server.name, "7tm1makt9qe1lirub8mg")
        XCTAssertEqual(server.legacyName, record.uuid)
        XCTAssertEqual(
            try server.template.arguments(wrapper: "{command}", command: record.effectiveStartCommand),
            [
                "./hlds_run", "-game", "cstrike", "+ip", "203.0.113.10", "+port", "27015", "+map", "de_dust2",
                "+maxplayers", "32", "+sys_ticrate", "500", "+hostname", "Andrey's Server", "+rcon_password",
                "s3cr3tRc0n"
            ])
        XCTAssertEqual(
            server.environment.map { "\($0.name)=\($0.value)" },
            [
                "AUTOSTART=1", "AUTOSTART_CURRENT=1", "DEFAULT_MAP=de_dust2", "FPS=500", "HOSTNAME=Andrey's Server",
                "MAXPLAYERS=32", "PORT=27015", "QUERY_PORT=27015", "RCON_PORT=27015", "SERVER_PORT=27015", "SV_LAN=0",
                "UPDATE_BEFORE_START=0"
            ])
    }

    func testLenientForms() throws {
        let record = try Fixtures.record(
            """
            {"id": "12", "uuid": "u", "server_port": "27015", "query_port": null, "enabled": 1, "blocked": "false",
             "installed": true, "vars": "{\\"maxplayers\\": 16, \\"lan\\": true, \\"gone\\": null}",
             "settings": [{"name": "autostart", "value": true}, {"name": "n", "value": 5}, {"name": "skip"}],
             "game": {"code": "valve"}, "game_mod": {"vars": [{"var": "fps", "default": 1.5}, \
            {"var": "x", "default": {}},
             {"var": "big", "default": 90071992547409930}]}}
            """)
        XCTAssertEqual(record.id, 12)
        XCTAssertEqual(record.port, 27015)
        XCTAssertNil(record.queryPort)
        XCTAssertEqual(record.effectiveQueryPort, 27015, "a null query port falls back to the game port (REC-2)")
        XCTAssertTrue(record.enabled)
        XCTAssertFalse(record.blocked)
        XCTAssertEqual(record.installed, 1)
        XCTAssertEqual(record.vars.map { "\($0.key)=\($0.value)" }, ["maxplayers=16", "lan=1"])
        XCTAssertEqual(record.settings.map { "\($0.key)=\($0.value)" }, ["autostart=1", "n=5"])
        XCTAssertEqual(record.game.startCode, "valve", "start_code falls back to code (REC-4)")
        XCTAssertEqual(
            record.gameMod.vars.map { "\($0.key)=\($0.value)" }, ["fps=1.5", "x=", "big=90071992547409930"],
            "numbers are kept exactly as written (REC-5)")
    }

    func testEachBadFieldIsNamed() {
        let cases: [(String, String)] = [
            (#"{"id": [1]}"#, "id"),
            (#"{"id": 1, "server_port": 70000}"#, "server_port"),
            (#"{"id": 1, "server_port": 1.5}"#, "server_port"),
            (#"{"id": 1, "query_port": "x"}"#, "query_port"),
            (#"{"id": 1, "uuid": 5}"#, "uuid"),
            (#"{"id": 1, "dir": "a\nb"}"#, "dir"),
            (#"{"id": 1, "su_user": "a\u0007"}"#, "su_user"),
            (#"{"id": 1, "enabled": "maybe"}"#, "enabled"),
            (#"{"id": 1, "installed": 7}"#, "installed"),
            (#"{"id": 1, "vars": [1]}"#, "vars"),
            (#"{"id": 1, "vars": {"a": [1]}}"#, "vars.a"),
            (#"{"id": 1, "vars": "not json"}"#, "vars"),
            (#"{"id": 1, "settings": [1]}"#, "settings[0]"),
            (#"{"id": 1, "settings": [{"name": "a", "value": {}}]}"#, "settings[0].value"),
            (#"{"id": 1, "game": "cs"}"#, "game"),
            (#"{"id": 1, "game_mod": {"vars": [{"var": []}]}}"#, "game_mod.vars[0].var"),
            (#"{"id": 1, "game_mod": {"vars": {}}}"#, "game_mod.vars"),
            (#"{"id": 1, "start_command": "a\u0000b"}"#, "start_command"),
            (#"{"id": 1e400}"#, "id"),
            (#"{"id": -1}"#, "id"),
            (#"{"id": 1, "ram_limit": true}"#, "ram_limit")
        ]
        for (json, field) in cases {
            XCTAssertThrowsError(try Fixtures.record(json), json) { error in
                XCTAssertEqual((error as? RecordError)?.field, field, json)
            }
        }
    }

    func testHugeStringsAreRefused() {
        let huge = String(repeating: "x", count: 70000)
        XCTAssertThrowsError(try Fixtures.record(#"{"id": 1, "start_command": "\#(huge)"}"#)) { error in
            XCTAssertEqual((error as? RecordError)?.field, "start_command")
        }
    }

    func testEmptyRecordAndMissingIdentity() {
        XCTAssertThrowsError(try Fixtures.record("{}"))
        XCTAssertThrowsError(try Fixtures.record("[]"))
        XCTAssertThrowsError(try Server(record: Fixtures.record(#"{"dir": "x"}"#), config: Fixtures.config()))
    }

    func testUnknownAndUnusedKeysAreIgnored() throws {
        let record = try Fixtures.record(
            #"{"id": 1, "expires": {"weird": true}, "steam_app_id": "90a", "last_process_check": 5}"#)
        XCTAssertEqual(record.id, 1)
    }

    func testStartCommandFallsBackToTheModDefault() throws {
        XCTAssertEqual(
            try Fixtures.record(
                #"{"id":1,"start_command":"./server.sh -game cstrike","#
                    + #""game_mod":{"default_start_cmd_linux":"./default.sh"}}"#
            ).effectiveStartCommand, "./server.sh -game cstrike")
        XCTAssertEqual(
            try Fixtures.record(
                #"{"id":1,"start_command":"","game_mod":{"default_start_cmd_linux":"./default.sh -game valve"}}"#
            ).effectiveStartCommand, "./default.sh -game valve")
        XCTAssertEqual(try Fixtures.record(#"{"id":1,"start_command":null}"#).effectiveStartCommand, "")
    }

    func testUnknownUserIsInvalid() throws {
        let record = try Fixtures.record(#"{"id": 1, "dir": "x", "su_user": "no-such-user-pm"}"#)
        XCTAssertThrowsError(try Server(record: record, config: Fixtures.config())) { error in
            XCTAssertEqual((error as? RecordError)?.field, "su_user")
        }
        let bad = try Fixtures.record(#"{"id": 1, "dir": "x", "su_user": "-rf"}"#)
        XCTAssertThrowsError(try Server(record: bad, config: Fixtures.config()))
    }
}
