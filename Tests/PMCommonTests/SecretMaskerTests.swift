import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// Defects found in review, each pinned.
/// Secrets are hidden in every spelling the tools can print them in.
final class SecretMaskerTests: XCTestCase {
    /// Secrets are masked before quoting, in every spelling an echo or plan can show.
    func testSecretsAreMaskedBeforeQuoting() {
        let masker = SecretMasker(["Pa$$w0rd"])
        let executor = Executor(runner: RecordingRunner(), echo: nil, masker: masker, plan: OutputChannel())
        let plan = executor.describe(
            CommandSpec(
                ["run", "--rcon", "Pa$$w0rd", "x Pa$$w0rd y"], workingDirectory: "/srv",
                environment: [EnvironmentEntry("RCON", "Pa$$w0rd")]))
        XCTAssertFalse(plan.contains("w0rd"), plan)
        XCTAssertEqual(masker.apply("send-keys -H 50 61 24 24 77 30 72 64 d"), "send-keys -H ****** d")
    }

    /// A secret inside an engine request's JSON body is masked in its escaped spelling too.
    func testSecretsAreMaskedInJSONBodies() {
        for secret in ["a\"b%c$d", "q\\w%e\"r$", "it's%\"x", "ab\u{1}cd"] {
            var body = ""
            JSONWriter.quote(secret, to: &body)
            let masked = SecretMasker([secret]).apply("{\"Cmd\":[\"./srv\",\(body)]}")
            XCTAssertFalse(masked.contains(String(body.dropFirst().dropLast())), masked)
            XCTAssertTrue(masked.contains(SecretMasker.mask), masked)
        }
    }
}
