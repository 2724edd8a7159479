import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The reference's placeholder and BuildCommandArgs vectors.
final class TemplateTests: XCTestCase {
    func testBuiltInPlaceholders() throws {
        let server = try Fixtures.vectorServer()
        XCTAssertEqual(
            server.template.placeholders.replace(
                in:
                    "ip={ip} port={port} query_port={query_port} rcon_port={rcon_port} rcon_password={rcon_password} "
                    + "dir={dir} uuid={uuid} id={id}"
            ),
            "ip=127.0.0.1 port=27015 query_port=27016 rcon_port=27017 rcon_password=rconpass "
                + "dir=/work-path/server-dir uuid=test-uuid id=1"
        )
        XCTAssertEqual(
            server.template.placeholders.replace(
                in: "{node_work_path} {node_tools_path} {SERVER_PORT} {PORT} {host} {nope} {{id}}"),
            "/work-path /work-path/tools 27015 27015 127.0.0.1 {nope} {1}")
    }

    func testVariablePrecedenceAndCaseVariants() throws {
        let mod = [("hostname", "Default Hostname")]
        XCTAssertEqual(
            try Fixtures.vectorServer(modVars: mod).template.placeholders.replace(in: "+set hostname '{hostname}'"),
            "+set hostname 'Default Hostname'")
        XCTAssertEqual(
            try Fixtures.vectorServer(modVars: mod, vars: [("hostname", "Vars Hostname")]).template.placeholders
                .replace(in: "+set hostname '{hostname}'"), "+set hostname 'Vars Hostname'")
        XCTAssertEqual(
            try Fixtures.vectorServer(
                modVars: mod, vars: [("hostname", "Vars Hostname")], settings: [("hostname", "Settings Hostname")]
            ).template.placeholders.replace(in: "+set hostname '{hostname}'"), "+set hostname 'Settings Hostname'")
        XCTAssertEqual(
            try Fixtures.vectorServer(modVars: mod, settings: [("hostname", "Settings Hostname")]).template.placeholders
                .replace(in: "+set hostname '{HOSTNAME}'"), "+set hostname 'Settings Hostname'")
        XCTAssertEqual(
            try Fixtures.vectorServer(vars: [("port", "999"), ("Port", "888")]).template.placeholders.replace(
                in: "./run {port} {Port} {PORT} {pOrT}"), "./run 27015 888 27015 {pOrT}")
    }

    /// The exact spelling beats a case variant of another key, whatever the map order (docs/differences.md#rec-11).
    func testDuplicateCaseFoldedKeysAreDeterministic() throws {
        for _ in 0..<20 {
            let server = try Fixtures.vectorServer(vars: [("Map", "upper"), ("map", "lower")])
            XCTAssertEqual(server.template.placeholders.replace(in: "{map} {Map} {MAP}"), "lower upper upper")
        }
    }

    /// Go's replacer compares bytes: a decomposed `é` is not the precomposed one, though Swift
    /// strings call them equal. Earlier matches of different lengths at one `{` still follow rank.
    func testPlaceholdersMatchBytes() throws {
        let server = try Fixtures.vectorServer(vars: [("caf\u{E9}", "precomposed"), ("a}b", "brace")])
        XCTAssertEqual(
            server.template.placeholders.replace(in: "{caf\u{E9}} {cafe\u{301}} {CAF\u{C9}}"),
            "precomposed {cafe\u{301}} precomposed")
        XCTAssertEqual(server.template.placeholders.replace(in: "{a}b} {id}"), "brace 1")
        // "{a}" and "{a}b}" both match at the same "{": the earlier registered ("a" sorts first) wins.
        let both = try Fixtures.vectorServer(vars: [("a}b", "brace"), ("a", "short")])
        XCTAssertEqual(both.template.placeholders.replace(in: "{a}b} {id}"), "shortb} 1")
    }

    func testSubstitutedValuesAreNeverRescanned() throws {
        let server = try Fixtures.vectorServer(vars: [("hostname", "{id}")])
        XCTAssertEqual(server.template.placeholders.replace(in: "{hostname}"), "{id}")
    }

    func testBuildCommandArgsKeepsEveryValueOneArgument() throws {
        for value in [
            "Andrey's Server", "$$$ Andrey's Server\"$$\"", "$(id)", "`reboot`", "a; rm -rf / | cat", "  padded  ",
            "100% $HOME", "C:\\path\\to\\thing", "{id}"
        ] {
            let server = try Fixtures.vectorServer(vars: [("hostname", value)])
            XCTAssertEqual(
                try server.template.arguments(wrapper: "{command}", command: "./run --name {hostname}"),
                ["./run", "--name", value])
        }
    }

    func testBuildCommandArgsVectors() throws {
        let server = try Fixtures.vectorServer(vars: [("hostname", "My Server")])
        XCTAssertEqual(
            try server.template.arguments(wrapper: "{command}", command: "./run --name '{hostname}'"),
            ["./run", "--name", "My Server"])
        XCTAssertEqual(
            try server.template.arguments(
                wrapper: "./wrapper --ip {ip} -- {command}", command: "./run.sh +set hostname '{hostname}'"),
            ["./wrapper", "--ip", "127.0.0.1", "--", "./run.sh", "+set", "hostname", "My Server"])
        XCTAssertEqual(try server.template.arguments(wrapper: "{command}", command: ""), [])
        XCTAssertEqual(try server.template.arguments(wrapper: "", command: "./run --name x"), [])
        XCTAssertEqual(
            try server.template.arguments(wrapper: "", command: "./run 'unterminated"), [],
            "an empty wrapper never splits the command")
        XCTAssertEqual(try server.template.arguments(wrapper: "--cmd={command}", command: "x"), ["--cmd={command}"])
        XCTAssertThrowsError(try server.template.arguments(wrapper: "{command}", command: "./run --name 'unterminated"))
        { error in
            XCTAssertTrue("\(error)".contains("failed to split server command"), "\(error)")
        }
        XCTAssertThrowsError(try server.template.arguments(wrapper: "'oops {command}", command: "x")) { error in
            XCTAssertTrue("\(error)".contains("failed to split command wrapper template"), "\(error)")
        }
    }

    /// A quoted `"{command}"` is one argument, the command shell-quoted, as runner.sh expects
    /// (docs/differences.md#cmd-1).
    func testQuotedCommandIsOneShellQuotedArgument() throws {
        let server = try Fixtures.vectorServer(vars: [("hostname", "Andrey's Server")])
        let arguments = try server.template.arguments(
            wrapper: "{node_work_path}/runner.sh start -d {dir} -c \"{command}\"",
            command: "./run +hostname '{hostname}' +ip {ip}")
        XCTAssertEqual(
            arguments,
            [
                "/work-path/runner.sh", "start", "-d", "/work-path/server-dir", "-c",
                "./run +hostname 'Andrey'\\''s Server' +ip 127.0.0.1"
            ])
        XCTAssertEqual(
            try ShellWords.split(arguments[5]), ["./run", "+hostname", "Andrey's Server", "+ip", "127.0.0.1"])
    }

    /// Console input is one argument, never split and never expanded (docs/differences.md#sim-4).
    func testConsoleInputIsLiteral() throws {
        let server = try Fixtures.vectorServer()
        XCTAssertEqual(
            try server.template.arguments(wrapper: "./send -c \"{command}\" {id}", literal: "say it's {rcon_password}"),
            ["./send", "-c", "say it's {rcon_password}", "1"])
    }

    func testMakeFullCommand() throws {
        let server = try Fixtures.vectorServer(settings: [("hostname", "Settings Hostname")])
        XCTAssertEqual(
            server.template.fullCommand(
                template: "./wrapper --ip {ip} -- {command}", command: "./run.sh +set hostname '{hostname}'"),
            "./wrapper --ip 127.0.0.1 -- ./run.sh +set hostname 'Settings Hostname'")
    }
}
