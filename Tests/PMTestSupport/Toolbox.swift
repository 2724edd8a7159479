import Foundation
import PMCommon
import PMCore
import PMHTTP
import PMManagers
import PMSystem
import XCTest

/// Runs the built pm-* executables as a user would.
enum Toolbox {
    /// Where `swift build` put the executables: next to this test bundle.
    static let binDirectory: URL = {
        if let override = ProcessInfo.processInfo.environment["PM_BIN_DIR"] { return URL(fileURLWithPath: override) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }()

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var stderrLines: [Substring] { stderr.split(separator: "\n") }
    }

    static func path(_ tool: String) -> String { binDirectory.appendingPathComponent(tool).path }

    /// Runs a tool; `stdin` nil gives it /dev/null. The tool runs through the project's own
    /// `ProcessLauncher` (Foundation's `Process` loses track of children here), with its
    /// standard streams in temporary files.
    @discardableResult
    static func run(
        _ tool: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
        timeout: TimeInterval = 60
    ) throws -> Result {
        try shell(
            "unset GAMEAP_DAEMON_CONFIG; exec \(ShellWords.join([path(tool)] + arguments))", stdin: stdin,
            environment: environment, timeout: timeout)
    }

    /// Runs `sh -c` with the tools first in PATH (for pipelines such as `pm-output | head -n 1`).
    static func shell(
        _ script: String, stdin: Data? = nil, environment: [String: String] = [:],
        timeout: TimeInterval = 60
    ) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pm-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("in").path
        let output = scratch.appendingPathComponent("out").path
        let errors = scratch.appendingPathComponent("err").path
        try (stdin ?? Data()).write(to: URL(fileURLWithPath: input))
        var entries = [
            EnvironmentEntry(
                "PATH", binDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"))
        ]
        entries += environment.sorted { $0.key < $1.key }.map { EnvironmentEntry($0.key, $0.value) }
        let wrapped =
            "exec <\(ShellWords.quote(input)) >\(ShellWords.quote(output)) 2>\(ShellWords.quote(errors)); \(script)"
        let spec = CommandSpec(["/bin/sh", "-c", wrapped], environment: entries, timeout: timeout)
        let result = try ProcessLauncher().run(spec, output: .discard)
        if case .timedOut = result.termination { XCTFail("\(script) did not finish within \(timeout) seconds") }
        // Lossy: a stray byte must not hide a tool's whole message from a failing assertion.
        let read = { (path: String) in
            FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        let status: Int32
        switch result.termination {
        case .exited(let code): status = code
        case .signaled(let signal): status = 128 + signal
        case .timedOut, .lost: status = -1
        }
        return Result(status: status, stdout: read(output), stderr: read(errors))
    }

    /// Fetches a value every 0.1 s until `done` accepts it or `seconds` pass; the last value.
    /// Whether `done` became true within `seconds`, asked every 20 ms.
    static func poll(seconds: Double, until done: () -> Bool) -> Bool {
        let deadline = Clock.monotonic + seconds
        while Clock.monotonic < deadline {
            if done() { return true }
            Clock.sleep(seconds: 0.02)
        }
        return done()
    }

    static func poll(seconds: Double, until done: (String) -> Bool, _ fetch: () throws -> String) rethrows -> String {
        var value = ""
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            value = try fetch()
            if done(value) { break }
            Thread.sleep(forTimeInterval: 0.1)
        } while Date() < deadline
        return value
    }
}
