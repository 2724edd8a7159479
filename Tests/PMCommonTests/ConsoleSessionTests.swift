import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// Defects found in review, each pinned.
/// Following a console by polling its output.
final class ConsoleSessionTests: XCTestCase {
    func testPolledFollowPrintsWhatIsNewAfterTheStartScrolledAway() {
        let shown = "one\ntwo\nthree\nfour\nfive\n"
        XCTAssertEqual(
            String(decoding: ConsoleSession.newPart(of: shown + "six\n", after: shown), as: UTF8.self), "six\n")
        XCTAssertEqual(
            String(
                decoding: ConsoleSession.newPart(of: "three\nfour\nfive\nsix\nseven\n", after: "zero\n" + shown),
                as: UTF8.self),
            "six\nseven\n")
        XCTAssertEqual(ConsoleSession.newPart(of: "something else entirely\n", after: shown), [])
    }
}
