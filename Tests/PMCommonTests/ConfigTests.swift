import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

final class ConfigTests: XCTestCase {
    /// Every construct of the daemon's sample configurations.
    func testReadsTheSampleConfiguration() throws {
        let text = """
            ds_id: 1
            listen_ip: 0.0.0.0
            # listen_port: 31717
            api_host: "https://panel.example.com"
            api_key: 'it''s secret'
            work_path: /srv/gameap   # trailing comment
            steamcmd_path: /srv/gameap/steamcmd

            if_list:
              - eth0
              - eth1
            drives_list: []
            grpc:
              address: panel.example.com:31718
            remote_repository_replacements:
              files.gameap.ru: cdn.gameap.com
              files.gameap.com:
                - cdn1.gameap.com
                - replace: cdn2.gameap.com
                  priority: 10
            process_manager:
              name: simple
              config:
                scope: user
                image: "debian:bookworm-slim"
            scripts:
              start: '{node_work_path}/runner.sh start -d {dir} -c "{command}"'
              getconsole: |
                ./get
                console
              sendcommand: >-
            """
        XCTAssertThrowsError(try YAMLReader.parse(text)) { error in
            XCTAssertEqual((error as? YAMLError)?.line, 31)
        }
        let config = try ConfigLoader.parse(
            YAMLReader.parse(
                text.replacingOccurrences(of: "  sendcommand: >-", with: "  sendcommand: \"./send \\\"{command}\\\"\""))
        )
        XCTAssertEqual(config.workPath, "/srv/gameap")
        XCTAssertEqual(config.steamcmdPath, "/srv/gameap/steamcmd")
        XCTAssertEqual(config.managerName, "simple")
        XCTAssertEqual(config.managerOptions, ["scope": "user", "image": "debian:bookworm-slim"])
        XCTAssertEqual(config.scripts.start, "{node_work_path}/runner.sh start -d {dir} -c \"{command}\"")
        XCTAssertEqual(config.scripts.getConsole, "./get\nconsole\n")
        XCTAssertEqual(config.scripts.sendCommand, "./send \"{command}\"")
        XCTAssertEqual(config.scripts.stop, "{command}", "defaults as the daemon's")
        XCTAssertEqual(config.effectiveToolsPath, "/srv/gameap/tools")
    }

    func testNodeShapes() throws {
        let node = try YAMLReader.parse(
            """
            ---
            a:
            - 1
            - - x
              - y
            - k: v
              m: [p, "q r", 's']
            b: |-
              line one

              line three
            c: |+
              kept

            d: ~
            e: {}
            "quoted key": "\\u00e9\\t"
            f: 'it''s # not a comment'  # a comment
            g: "# not a comment" # a comment
            h: k:v#x
            """)
        XCTAssertEqual(node["f"], .scalar("it's # not a comment", line: 0))
        XCTAssertEqual(node["g"], .scalar("# not a comment", line: 0))
        XCTAssertEqual(node["h"], .scalar("k:v#x", line: 0))
        XCTAssertEqual(
            node["a"],
            .sequence(
                [
                    .scalar("1", line: 0), .sequence([.scalar("x", line: 0), .scalar("y", line: 0)], line: 0),
                    .mapping(
                        [
                            ("k", .scalar("v", line: 0)),
                            (
                                "m",
                                .sequence(
                                    [.scalar("p", line: 0), .scalar("q r", line: 0), .scalar("s", line: 0)], line: 0)
                            )
                        ], line: 0)
                ], line: 0))
        XCTAssertEqual(node["b"], .scalar("line one\n\nline three", line: 0))
        XCTAssertEqual(node["c"], .scalar("kept\n\n", line: 0))
        XCTAssertEqual(node["d"], .null(line: 0))
        XCTAssertEqual(node["e"], .mapping([], line: 0))
        XCTAssertEqual(node["quoted key"], .scalar("é\t", line: 0))
    }

    func testUnsupportedConstructsNameTheirLine() {
        let cases: [(String, Int)] = [
            ("a: 1\nb: &anchor 2", 2), ("a: *alias", 1), ("a: !!str x", 1), ("a: >\n  folded", 1), ("a: {b: 1}", 1),
            ("a: 1\n---\nb: 2", 2), ("a:\n\tb: 1", 2), ("a: 1\n  b: 2", 2), ("a: 1\na: 2", 2), ("a: \"open", 1),
            ("a: [1, [2]]", 1), ("just text", 1), ("a: 1\n - b", 2)
        ]
        for (text, line) in cases {
            XCTAssertThrowsError(try YAMLReader.parse(text), text) { error in
                XCTAssertEqual((error as? YAMLError)?.line, line, text)
            }
        }
    }

    func testDuplicateKeysInSmallAndLargeMappings() {
        for count in [3, 15, 16, 17, 40] {
            let keys = (0..<count).map { "key\($0): \($0)" }
            XCTAssertNoThrow(try YAMLReader.parse(keys.joined(separator: "\n")))
            for duplicate in [0, count / 2, count - 1] {
                let text = (keys + ["key\(duplicate): again"]).joined(separator: "\n")
                XCTAssertThrowsError(try YAMLReader.parse(text), "\(count) keys, key\(duplicate) twice") { error in
                    XCTAssertEqual((error as? YAMLError)?.line, count + 1)
                }
            }
        }
    }

    func testWrongShapesInUsedKeys() {
        XCTAssertThrowsError(try ConfigLoader.parse(YAMLReader.parse("work_path:\n  - a"))) { error in
            XCTAssertEqual((error as? YAMLError)?.line, 2)
        }
        XCTAssertThrowsError(try ConfigLoader.parse(YAMLReader.parse("process_manager:\n  config: [a]")))
        XCTAssertThrowsError(try ConfigLoader.parse(YAMLReader.parse("use_network_service_user: perhaps")))
        XCTAssertThrowsError(try ConfigLoader.parse(YAMLReader.parse("- a")))
    }

    func testLoadingFiles() throws {
        XCTAssertThrowsError(try ConfigLoader.read("/nonexistent/pm.yaml")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/pm.yaml"))
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pm-config-\(UUID().uuidString).yaml")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "work_path: /x\nprocess_manager:\n  name: tmux\n  config:\n    scope: user\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        let config = try ConfigLoader.read(path)
        XCTAssertEqual(config.workPath, "/x")
        XCTAssertEqual(config.source, path)
        try "a: 1\nb: [".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConfigLoader.read(path)) { error in
            XCTAssertEqual((error as? ConfigError)?.line, 2)
        }
    }

    func testWindowsLineEnds() throws {
        let config = try ConfigLoader.parse(
            YAMLReader.parse("work_path: /srv/gameap\r\nprocess_manager:\r\n  name: tmux\r\n"))
        XCTAssertEqual(config.workPath, "/srv/gameap")
        XCTAssertEqual(config.managerName, "tmux")
    }

    func testEmptyConfigurationGivesDefaults() throws {
        XCTAssertEqual(try ConfigLoader.parse(YAMLReader.parse("# nothing\n")), DaemonConfig())
    }

    func testSettingPriority() {
        let settings = ManagerSettings(
            flags: ["k1": "flag"], variables: ["k1": "var", "k2": "", "docker_image": "", "k6": "var"],
            modMetadata: ["k2": "mod", "k3": ""], gameMetadata: ["k3": "game"],
            options: [
                "image": "short", "docker_image": "long", "k4": "option", "k6": "option",
                "docker_tag": "long tag", "tag": ""
            ])
        XCTAssertEqual(settings.value(SettingKey(rawValue: "k1")), "flag")
        XCTAssertEqual(settings.value(SettingKey(rawValue: "k2")), "mod")
        XCTAssertEqual(settings.value(SettingKey(rawValue: "k3")), "game")
        XCTAssertEqual(settings.value(SettingKey(rawValue: "k4")), "option")
        XCTAssertEqual(settings.value(.dockerImage), "short")
        XCTAssertNil(settings.value(SettingKey(rawValue: "k5")))
        XCTAssertEqual(
            settings.value(SettingKey(rawValue: "docker_tag")), "long tag",
            "an empty short option falls through to the long one")
        XCTAssertNil(settings.value(SettingKey(rawValue: "k4"), includingOptions: false))
        XCTAssertEqual(settings.value(SettingKey(rawValue: "k6")), "var")
        XCTAssertEqual(settings.trustedValue(SettingKey(rawValue: "k6")), "option", "server vars are not trusted")
        XCTAssertEqual(settings.trustedValue(SettingKey(rawValue: "k1")), "flag")
        XCTAssertEqual(settings.trustedValue(SettingKey(rawValue: "k3")), "game")
        XCTAssertEqual(settings.trustedValue(.dockerImage), "short")
        XCTAssertThrowsError(
            try ManagerSettings(flags: ["t": "soon"], variables: [:], modMetadata: [:], gameMetadata: [:], options: [:])
                .seconds(SettingKey(rawValue: "t")))
    }

    func testYAMLNestingAndManyKeysStayBounded() {
        let deep = String(repeating: "- ", count: 100_000) + "x"
        XCTAssertThrowsError(try YAMLReader.parse(deep)) { error in
            XCTAssertTrue("\(error)".contains("nested deeper"), "\(error)")
        }
        let keys = (0..<60_000).map { "key\($0): \($0)" }.joined(separator: "\n")
        let began = Date()
        XCTAssertNoThrow(try YAMLReader.parse(keys))
        XCTAssertLessThan(Date().timeIntervalSince(began), 10)
    }
}
