import XCTest

@testable import PMSystem

/// One answer for the threads of a batch, as fresh as each asks.
final class SharedSnapshotTests: XCTestCase {
    /// A fetch that answers how many times it was called.
    private func counting(_ fetches: Locked<Int>) -> @Sendable () -> Int {
        {
            fetches.withLock {
                $0 += 1
                return $0
            }
        }
    }

    func testAnAnswerIsSharedUntilACallerNeedsANewerOne() throws {
        let snapshot = SharedSnapshot<Int>()
        let fetches = Locked(0)
        let fetch = counting(fetches)
        XCTAssertEqual(try snapshot.value(fetch: fetch), 1)
        XCTAssertEqual(try snapshot.value(fetch: fetch), 1, "any answer of this run will do")
        let now = Clock.monotonic
        XCTAssertEqual(try snapshot.value(notBefore: now, fetch: fetch), 2, "the first answer began before now")
        XCTAssertEqual(try snapshot.value(notBefore: now, fetch: fetch), 2)

        Parallel.forEach(16, width: 16) { _ in _ = try? snapshot.value(fetch: fetch) }
        XCTAssertEqual(fetches.withLock { $0 }, 2, "sixteen threads share the latest answer")
    }

    func testAnAnswerOlderThanTheLimitIsFetchedAgain() throws {
        let snapshot = SharedSnapshot<Int>(maxAge: 0.05)
        let fetches = Locked(0)
        let fetch = counting(fetches)
        XCTAssertEqual(try snapshot.value(fetch: fetch), 1)
        XCTAssertEqual(try snapshot.value(fetch: fetch), 1)
        Clock.sleep(seconds: 0.1)
        XCTAssertEqual(try snapshot.value(fetch: fetch), 2)
    }

    /// A backend that fails (or hangs until its deadline) is asked once for the batch.
    func testAFailureIsSharedLikeAnAnswer() {
        struct Hung: Error {}
        let snapshot = SharedSnapshot<Int>()
        let fetches = Locked(0)
        for _ in 0..<3 {
            XCTAssertThrowsError(
                try snapshot.value { () throws -> Int in
                    fetches.withLock { $0 += 1 }
                    throw Hung()
                }
            ) { XCTAssertTrue($0 is Hung) }
        }
        XCTAssertEqual(fetches.withLock { $0 }, 1)
    }
}
