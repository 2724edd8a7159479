import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// The reference's WinSW XML, byte for byte, and what hostile values become.
final class WinSWDefinitionTests: XCTestCase {
    private func definition(
        _ words: [String], environment: [EnvironmentEntry] = [EnvironmentEntry("PORT", "27015")],
        account: ServiceAccount = .user(name: "gameap", password: "secret"),
        startMode: ServiceStartMode = .auto, directory: String = #"C:\servers\cs"#
    ) throws -> WinSWDefinition {
        WinSWDefinition(
            id: "gameapServer1337", program: try ServiceProgram(words: words), workingDirectory: directory,
            environment: environment, account: account, startMode: startMode)
    }

    /// The spec's golden example, with the reference's start mode (`service_start: auto`).
    func testGoldenExample() throws {
        let expected = """
            <service>
              <id>gameapServer1337</id>
              <name>gameapServer1337</name>
              <executable>cmd.exe</executable>
              <arguments>/c C:\\servers\\cs\\start.bat</arguments>
              <workingdirectory>C:\\servers\\cs</workingdirectory>
              <env name="PORT" value="27015"></env>
              <onfailure action="restart" delay="1 sec"></onfailure>
              <onfailure action="restart" delay="2 sec"></onfailure>
              <onfailure action="restart" delay="5 sec"></onfailure>
              <onfailure action="restart" delay="5 sec"></onfailure>
              <resetfailure>1 hour</resetfailure>
              <autoRefresh>false</autoRefresh>
              <log mode="reset"></log>
              <serviceaccount>
                <username>gameap</username>
                <password>secret</password>
              </serviceaccount>
            </service>
            """
        XCTAssertEqual(try definition([#"C:\servers\cs\start.bat"#]).render(), expected)
        XCTAssertFalse(try definition([#"C:\servers\cs\start.bat"#]).render().hasSuffix("\n"), "no final newline")
    }

    /// The default start mode adds one line after `<name>` (docs/differences.md#win-17); nothing else changes.
    func testDemandStartAddsTheStartModeLine() throws {
        let auto = try definition([#"C:\servers\cs\start.bat"#]).render().split(
            separator: "\n", omittingEmptySubsequences: false)
        let demand = try definition([#"C:\servers\cs\start.bat"#], startMode: .demand).render().split(
            separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(demand.count, auto.count + 1)
        XCTAssertEqual(demand[3], "  <startmode>Manual</startmode>")
        XCTAssertEqual(Array(demand[..<3] + demand[4...]), auto)
    }

    func testTheSpecsEscapingExamples() throws {
        let xml = try definition(
            ["hlds.exe", "-game", "cstrike", "+hostname", "Andrey's Server"],
            environment: [EnvironmentEntry("X", "A&B <x> \"q\" 'a'\ttab\nnl\rcr")],
            account: .user(name: "gameap", password: "p&ss<w>\"rd'")
        ).render()
        XCTAssertTrue(xml.contains("<arguments>-game cstrike +hostname &#34;Andrey&#39;s Server&#34;</arguments>"), xml)
        XCTAssertTrue(
            xml.contains(
                #"<env name="X" value="A&amp;B &lt;x&gt; &#34;q&#34; &#39;a&#39;&#x9;tab&#xA;nl&#xD;cr"></env>"#), xml)
        XCTAssertTrue(xml.contains("<password>p&amp;ss&lt;w&gt;&#34;rd&#39;</password>"), xml)
    }

    /// Hostile values stay inside their element or attribute: quotes, `&`, `%PATH%` (WinSW
    /// expands it, documented), control characters (U+0001 becomes U+FFFD, as Go writes it),
    /// non-ASCII, and a value that spells a closing tag.
    func testHostileValuesCannotBreakOut() throws {
        let hostile = "a\"b&c %PATH% \u{01}d\u{7F} тест ✓ </arguments><executable>evil.exe</executable>"
        let xml = try definition(
            ["srcds.exe", "+hostname", hostile], environment: [EnvironmentEntry("HOSTNAME", hostile)]
        ).render()
        let expectedArgument =
            "&#34;a\\&#34;b&amp;c %PATH% \u{FFFD}d\u{7F} тест ✓ "
            + "&lt;/arguments&gt;&lt;executable&gt;evil.exe&lt;/executable&gt;&#34;"
        XCTAssertTrue(xml.contains("<arguments>+hostname \(expectedArgument)</arguments>"), xml)
        XCTAssertTrue(
            xml.contains(
                "<env name=\"HOSTNAME\" value=\"a&#34;b&amp;c %PATH% \u{FFFD}d\u{7F} тест ✓ "
                    + "&lt;/arguments&gt;"), xml)
        XCTAssertEqual(xml.components(separatedBy: "<executable>").count, 2, "one executable element")
        XCTAssertEqual(xml.split(separator: "\n").count, 19, "no value adds a line")
    }

    func testEnvironmentIsSortedByBytesAndAllPortsArePresent() throws {
        var record = ServerRecord()
        record.id = 1
        record.dir = "cs"
        record.port = 27015
        record.queryPort = 27016
        record.vars = [("zeta", "1"), ("Alpha", "2"), ("b_x", "3"), ("bx", "4")]
        var config = DaemonConfig()
        config.workPath = "/srv"
        let server = try Server(record: record, config: config, resolveUser: false)
        let xml = try definition(["x.exe"], environment: server.environment).render()
        let names = xml.split(separator: "\n").filter { $0.contains("<env ") }.map { $0.split(separator: "\"")[1] }
        XCTAssertEqual(names, ["ALPHA", "BX", "B_X", "PORT", "QUERY_PORT", "RCON_PORT", "SERVER_PORT", "ZETA"])
    }

    /// `use_network_service_user` (ignored by the reference's WinSW: docs/differences.md#win-6): the
    /// account WinSW documents for NETWORK SERVICE, no password.
    func testNetworkServiceAccount() throws {
        let xml = try definition(["x.exe"], account: .networkService).render()
        XCTAssertTrue(
            xml.hasSuffix(
                """
                  <serviceaccount>
                    <username>NT AUTHORITY\\NetworkService</username>
                  </serviceaccount>
                </service>
                """), xml)
        XCTAssertFalse(xml.contains("<password>"))
    }

    func testPlansShowTheMaskNotThePassword() throws {
        let shown = try definition(["x.exe"], account: .user(name: "gameap", password: "p&ss<w>")).render(
            maskingPassword: true)
        XCTAssertTrue(shown.contains("<password>******</password>"))
        XCTAssertFalse(shown.contains("p&amp;ss"))
    }

    func testNoArgumentsNoArgumentsElement() throws {
        XCTAssertFalse(try definition(["srcds.exe"]).render().contains("<arguments>"))
    }
}
