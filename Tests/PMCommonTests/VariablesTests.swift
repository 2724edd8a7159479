import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

final class VariablesTests: XCTestCase {
    func testMergeOrderModDefaultsThenVarsThenSettings() throws {
        var record = ServerRecord()
        record.gameMod.vars = [("hostname", "Default"), ("map", "a")]
        record.vars = [("hostname", "Vars")]
        record.settings = [("hostname", "Settings")]
        XCTAssertEqual(ServerVariables(record).merged, ["hostname": "Settings", "map": "a"])
    }

    /// The reference's environment-name examples, with the deliberate ASCII-only difference
    /// (docs/differences.md#rec-7).
    func testEnvironmentNameNormalisation() {
        let vectors: [(String, String?)] = [
            ("some-value", "SOME_VALUE"), (" some variable with spaces ", "SOME_VARIABLE_WITH_SPACES"),
            ("some var with $%#", "SOME_VAR_WITH"), ("SERVER_PORT", "SERVER_PORT"), ("Max-Players", "MAX_PLAYERS"),
            ("value123test", "VALUE123TEST"), ("some--value", "SOME__VALUE"), ("some  value", "SOME__VALUE"),
            ("some_value", "SOME_VALUE"), ("", nil), ("$%#@!", nil), ("-value", "VALUE"), ("value-", "VALUE"),
            ("!@#test$%^value&*()", "TESTVALUE"),
            // Differences: systemd and shells accept ASCII names that do not start with a digit.
            ("тест value", "VALUE"), ("1abc", "_1ABC"), ("тест", nil)
        ]
        for (key, expected) in vectors {
            XCTAssertEqual(EnvironmentName.normalize(key), expected, key)
            if let name = expected { XCTAssertTrue(ASCII.isIdentifier(name.utf8), name) }
        }
    }

    /// The tools' own settings are not the game's, and a port of 0 is no port.
    func testToolSettingsAndMissingPortsStayOutOfTheEnvironment() {
        var record = ServerRecord()
        record.vars = [
            ("console_stop_command", "quit"), ("docker_image", "x"), ("Stop_Timeout", "9"), ("map", "de_dust2")
        ]
        record.settings = [("kill_timeout", "1"), ("secret_vars", "a"), ("script_timeout", "5"), ("autostart", "1")]
        let environment = ServerVariables(record).environment(port: 0, queryPort: 0, rconPort: 27017)
        XCTAssertEqual(environment.map { "\($0.name)=\($0.value)" }, ["AUTOSTART=1", "MAP=de_dust2", "RCON_PORT=27017"])
    }

    func testEnvironmentIsSortedDeterministicAndPortsWin() {
        var record = ServerRecord()
        record.vars = [("max-players", "1"), ("max_players", "2"), ("PORT", "9"), ("=", "x")]
        let environment = ServerVariables(record).environment(port: 27015, queryPort: 27016, rconPort: 27017)
        XCTAssertEqual(
            environment.map { "\($0.name)=\($0.value)" },
            ["MAX_PLAYERS=2", "PORT=27015", "QUERY_PORT=27016", "RCON_PORT=27017", "SERVER_PORT=27015"])
    }

    func testVarNamesAreBounded() {
        let long = String(repeating: "k", count: 300)
        XCTAssertThrowsError(try Fixtures.record(#"{"id": 1, "vars": {"\#(long)": "x"}}"#))
        XCTAssertThrowsError(try Fixtures.record(#"{"id": 1, "game_mod": {"vars": [{"var": "\#(long)"}]}}"#))
    }
}
