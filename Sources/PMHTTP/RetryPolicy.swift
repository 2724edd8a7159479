import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How often a connect is tried again: only when the engine could not be reached at all
/// (refused, no socket file yet, a full listen queue), never once a request was sent, so no
/// request ever reaches the engine twice. Delays start at 100 ms and double up to 5 s; three
/// retries by default (the reference README's promise).
package struct RetryPolicy: Equatable {
    package var retries: Int
    package var initialDelay: Double
    package var maximumDelay: Double

    package init(retries: Int = 3, initialDelay: Double = 0.1, maximumDelay: Double = 5) {
        self.retries = retries
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    package static let standard = RetryPolicy()
    package static let none = RetryPolicy(retries: 0)

    /// The pause before retry `number` (1, 2, …): 0.1, 0.2, 0.4 … seconds, at most `maximumDelay`.
    package func delay(beforeRetry number: Int) -> Double {
        min(maximumDelay, initialDelay * Double(1 << min(max(0, number - 1), 30)))
    }

    /// Whether connect(2) failing with `code` may succeed later.
    package static func isRetryable(_ code: Int32) -> Bool {
        code == ECONNREFUSED || code == ENOENT || code == EAGAIN
    }

    /// Runs `connect`, trying again after retryable failures; the error of the last attempt
    /// tells how many attempts were made.
    func run<T>(_ connect: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try connect()
            } catch HTTPError.connectFailed(let endpoint, let code, _) {
                guard attempt <= retries, Self.isRetryable(code) else {
                    throw HTTPError.connectFailed(endpoint: endpoint, code: code, attempts: attempt)
                }
                Clock.sleep(seconds: delay(beforeRetry: attempt))
                attempt += 1
            }
        }
    }
}
