import Foundation
import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The generated unit files: the reference's golden example with the differences of
/// docs/differences.md, the reference's quoting vectors, and hostile records for every
/// security fix, each checked by `systemd-analyze verify`.
final class UnitFileTests: XCTestCase {
    static let account = Account(name: "gameap", uid: 1000, gid: 1000, groups: [1000], home: "/home/gameap")
    static let system = SystemdScope(kind: .system, unitsDirectory: "/etc/systemd/system", user: account)

    /// The record of the reference's golden example.
    static func goldenServer(
        workPath: String = "/srv/gameap", edit: (inout ServerRecord) -> Void = { _ in }
    ) throws -> Server {
        var record = ServerRecord()
        record.id = 1
        record.uuid = "759b875e-d910-11eb-aff7-d796d7fcf7ef"
        record.dir = "servers/cs"
        record.user = "gameap"
        record.ip = "1.3.3.7"
        record.port = 27015
        record.queryPort = 27016
        record.rconPort = 27017
        record.rconPassword = "paS$w0rD"
        record.cpuLimit = 1500
        record.ramLimit = 2_147_483_648
        record.vars = [("hostname", "Andrey's 100% $erver"), ("default_map", "de_dust2"), ("maxplayers", "32")]
        record.settings = [("autostart", "1")]
        record.startCommand =
            "./hlds_run -game cstrike +ip {ip} +port {port} +map {default_map} +maxplayers {maxplayers} +hostname "
            + "'{hostname}' +rcon_password {rcon_password}"
        edit(&record)
        return try Server(record: record, config: Fixtures.config(workPath: workPath), resolveUser: false)
    }

    /// The start command's words with the program as the manager resolves it.
    static func command(_ server: Server) throws -> [String] {
        var words = try server.template.arguments(wrapper: "{command}", command: server.record.startCommand)
        words[0] = Path.join(server.workDirectory, words[0])
        return words
    }

    static func units(_ server: Server, scope: SystemdScope = system, account: Account? = account) throws -> UnitFiles {
        let names = SystemdUnits(name: server.name, scope: scope, workPath: server.config.workPath)
        return try UnitFiles(server: server, scope: scope, units: names, command: try command(server), account: account)
    }

    func testGoldenServiceUnitOfTheReferenceExample() throws {
        let service = try Self.units(try Self.goldenServer()).service
        XCTAssertEqual(
            service,
            """
            [Unit]
            Description=GameAP Server service (UUID emdoenmp238umrvnqub0)
            After=network.target network-online.target
            Wants=network-online.target

            [Service]
            Type=simple
            ExecStart=/srv/gameap/servers/cs/hlds_run -game cstrike +ip 1.3.3.7 +port 27015 +map de_dust2 \
            +maxplayers 32 +hostname "Andrey's 100%% $$erver" +rcon_password paS$$w0rD
            Sockets=gameap-server-emdoenmp238umrvnqub0.socket
            StandardInput=socket
            StandardOutput=append:/srv/gameap/.systemd-services/emdoenmp238umrvnqub0.log
            StandardError=append:/srv/gameap/.systemd-services/emdoenmp238umrvnqub0.log
            WorkingDirectory=/srv/gameap/servers/cs
            Restart=always
            KillMode=control-group
            TimeoutStopSec=10000ms
            CPUAccounting=yes
            MemoryAccounting=yes
            TasksAccounting=yes
            IOAccounting=yes
            IPAccounting=yes
            User=gameap
            Group=1000
            MemoryMax=2147483648
            CPUQuota=150%
            Environment="AUTOSTART=1"
            Environment="DEFAULT_MAP=de_dust2"
            Environment="GAMEAP_PM_OWNER=1/759b875e-d910-11eb-aff7-d796d7fcf7ef"
            Environment="GAMEAP_PM_SERVER=emdoenmp238umrvnqub0"
            Environment="HOSTNAME=Andrey's 100%% $erver"
            Environment="MAXPLAYERS=32"
            Environment="PORT=27015"
            Environment="QUERY_PORT=27016"
            Environment="RCON_PORT=27017"
            Environment="SERVER_PORT=27015"

            [Install]
            WantedBy=multi-user.target

            """)
    }

    func testGoldenSocketUnitIsPrivateToTheServersUser() throws {
        XCTAssertEqual(
            try Self.units(try Self.goldenServer()).socket,
            """
            [Unit]
            Description=GameAP Server socket (UUID emdoenmp238umrvnqub0)

            [Socket]
            ListenFIFO=/srv/gameap/.systemd-services/emdoenmp238umrvnqub0.stdin
            SocketMode=0600
            SocketUser=gameap
            SocketGroup=1000
            Service=gameap-server-emdoenmp238umrvnqub0.service

            """)
    }

    func testUserScopeHasNoUserGroupOrNetworkLinesAndTheDefaultTarget() throws {
        let scope = SystemdScope(kind: .user, unitsDirectory: "/home/gameap/.config/systemd/user", user: Self.account)
        let files = try Self.units(try Self.goldenServer(), scope: scope, account: nil)
        XCTAssertFalse(files.service.contains("\nUser="))
        XCTAssertFalse(files.service.contains("\nGroup="))
        XCTAssertFalse(files.service.contains("network"))
        XCTAssertTrue(files.service.hasSuffix("WantedBy=default.target\n"))
        XCTAssertFalse(files.socket.contains("SocketUser="))
        XCTAssertTrue(files.socket.contains("SocketMode=0600\n"))
    }

    func testExecStartQuotingVectors() throws {
        let vectors = [
            ("hlds_run", "hlds_run"), ("", "\"\""), ("Andrey Server", "\"Andrey Server\""),
            ("Andrey's Server", "\"Andrey's Server\""), ("a\"b", "\"a\\\"b\""), ("a\\b", "\"a\\\\b\""),
            ("$HOME", "$$HOME"), ("100%", "100%%"), ("$x y", "\"$$x y\""), ("a;b", "a;b"),
            // Fixed (docs/differences.md#sd-1, docs/differences.md#sd-2): a lone ';' and every
            // control character are quoted.
            (";", "\";\""), ("x\ry", "\"x\\ry\""), ("tab\there", "\"tab\\there\""), ("a\nb", "\"a\\nb\""),
            ("bell\u{7}", "\"bell\\x07\""), ("del\u{7f}", "\"del\\x7f\"")
        ]
        for (argument, expected) in vectors {
            XCTAssertEqual(
                try UnitFileQuoting.execArgument(argument, what: "test"), expected, argument.debugDescription)
        }
        XCTAssertEqual(
            try UnitFileQuoting.execLine(["/usr/bin/srv", "--name", "Andrey's Server", "--pct", "100%"], what: "test"),
            "/usr/bin/srv --name \"Andrey's Server\" --pct 100%%")
        XCTAssertThrowsError(try UnitFileQuoting.execArgument("a\u{0}b", what: "the start command")) { error in
            XCTAssertEqual(ExitStatus(for: error), .invalid)
            XCTAssertTrue("\(error)".contains("NUL"), "\(error)")
        }
    }

    func testEnvironmentEscaping() throws {
        XCTAssertEqual(
            try UnitFileQuoting.environment("HOSTNAME", "My \"Great\" Server"),
            #"Environment="HOSTNAME=My \"Great\" Server""#)
        XCTAssertEqual(try UnitFileQuoting.environment("PCT", "100%"), #"Environment="PCT=100%%""#)
        XCTAssertEqual(try UnitFileQuoting.environment("X", "$HOME ${X}"), #"Environment="X=$HOME ${X}""#)
        XCTAssertEqual(try UnitFileQuoting.environment("X", "a'b"), #"Environment="X=a'b""#)
        XCTAssertEqual(
            try UnitFileQuoting.environment("X", "a\rExecStartPre=+/evil"), #"Environment="X=a\rExecStartPre=+/evil""#)
        XCTAssertEqual(try UnitFileQuoting.environment("X", "a\\"), #"Environment="X=a\\""#)
    }

    func testCPUQuotaKeepsTheTenthOfAPercent() {
        XCTAssertEqual(UnitFiles.cpuQuota(millicores: 1500), "150%")
        XCTAssertEqual(UnitFiles.cpuQuota(millicores: 5), "0.5%")
        XCTAssertEqual(UnitFiles.cpuQuota(millicores: 1234), "123.4%")
        XCTAssertEqual(UnitFiles.cpuQuota(millicores: 1), "0.1%")
    }

    func testPathsAreCleanedAndRefusedWhenTheyCannotBeWritten() throws {
        let trailing = SystemdUnits(name: "x", scope: Self.system, workPath: "/srv/gameap/")
        XCTAssertEqual(trailing.log, "/srv/gameap/.systemd-services/x.log")
        XCTAssertEqual(SystemdUnits(name: "x", scope: Self.system, workPath: "").fifo, "/.systemd-services/x.stdin")
        XCTAssertEqual(try UnitFileQuoting.path("/srv/100%/a", what: "t"), "/srv/100%%/a")
        for bad in ["/srv/a\rb", "/srv/a\\b", "/srv/a ", "/srv/\u{1}"] {
            XCTAssertThrowsError(try UnitFileQuoting.path(bad, what: "the server directory"), bad.debugDescription)
        }
        let server = try Self.goldenServer(workPath: "/srv/work%h")
        XCTAssertTrue(try Self.units(server).service.contains("WorkingDirectory=/srv/work%%h/servers/cs\n"))
    }

    /// Hostile values in vars (used in the start command and exported) never add a line or a
    /// directive: every line of the unit is one of the template's.
    func testHostileValuesNeverAddADirective() throws {
        let hostile = [
            "x\rExecStartPre=+/srv/evil.sh", "x\nExecStartPre=+/srv/evil.sh", ";", "a\u{b}\u{c}b", "\u{1b}[31m",
            "%h %n", "$(id) `reboot`", "\\", "quote\" \\\" '", "trailing\\"
        ]
        let plain = try Self.units(try Self.goldenServer()).service
        for value in hostile {
            let server = try Self.goldenServer { $0.vars += [("hostname", value), ("evil\rKey", value)] }
            let service = try Self.units(server).service
            XCTAssertEqual(
                Self.keys(service).sorted(), (Self.keys(plain) + ["Environment"]).sorted(), value.debugDescription)
            XCTAssertFalse(service.utf8.contains { $0 < 0x20 && $0 != UInt8(ascii: "\n") }, value.debugDescription)
        }
    }

    /// The unit's lines by key (sections and blank lines apart).
    static func keys(_ unit: String) -> [String] {
        unit.split(separator: "\n").compactMap { line in
            line.hasPrefix("[") ? nil : line.split(separator: "=", maxSplits: 1).first.map(String.init)
        }
    }

    func testNULCannotBeWrittenAndIsRefusedWithExitTwo() throws {
        let server = try Self.goldenServer { $0.vars = [("hostname", "a\u{0}b")] }
        XCTAssertThrowsError(try Self.units(server)) { XCTAssertEqual(ExitStatus(for: $0), .invalid) }
    }

    /// `systemd-analyze verify` accepts the units of the golden record and of every hostile one
    /// (real paths, an existing user and program), with no warning at all.
    func testSystemdAnalyzeVerifiesEveryGeneratedUnit() throws {
        try Backend.require(.program("systemd-analyze"))
        let user = try TestUser.ensure()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pm-verify-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(
            atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let values = [
            "plain", "x\rExecStartPre=+/bin/evil", "x\nExecStartPre=+/bin/evil", ";", "\u{1b}[31m", "%h %n $HOME",
            "quote\" \\\" '", "trailing\\", "tab\there"
        ]
        for (index, value) in values.enumerated() {
            let work = "\(root)/\(index) work%dir"
            let server = try Self.goldenServer(workPath: work) {
                $0.vars = [("hostname", value), ("weird-key ü", value)]
            }
            try FileManager.default.createDirectory(atPath: server.workDirectory, withIntermediateDirectories: true)
            let program = server.workDirectory + "/hlds_run"
            XCTAssertTrue(
                FileManager.default.createFile(
                    atPath: program, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755]))
            for kind in [SystemdScope.Kind.system, .user] {
                let scope = SystemdScope(kind: kind, unitsDirectory: "\(root)/\(index)-\(kind)-units", user: user)
                let names = SystemdUnits(name: server.name, scope: scope, workPath: work)
                let account = kind == .system ? user : nil
                let files = try UnitFiles(
                    server: server, scope: scope, units: names, command: try Self.command(server), account: account)
                try FileManager.default.createDirectory(atPath: scope.unitsDirectory, withIntermediateDirectories: true)
                try files.service.write(toFile: names.serviceFile, atomically: true, encoding: .utf8)
                try files.socket.write(toFile: names.socketFile, atomically: true, encoding: .utf8)
                // The user manager's verify needs a runtime directory of its own.
                let verify =
                    ["systemd-analyze"] + (kind == .user ? ["--user"] : []) + [
                        "verify", names.serviceFile, names.socketFile
                    ]
                let result = try ProcessLauncher().run(
                    CommandSpec(verify, environment: [EnvironmentEntry("XDG_RUNTIME_DIR", root)]),
                    output: .capture(limit: 1 << 16))
                XCTAssertEqual(result.termination, .exited(0), "\(kind) \(value.debugDescription): \(result.text)")
                XCTAssertEqual(result.text, "", "\(kind) \(value.debugDescription)")
            }
        }
    }
}
