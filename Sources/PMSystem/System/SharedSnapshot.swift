/// The latest answer of something costly to ask (every process in `/proc`, a tmux server's
/// panes, systemd's units), shared by the threads of a batch: fifty servers ask once, not fifty
/// times. A caller says how fresh the answer must be: one whose fetch began at `notBefore` or
/// later, and never older than `maxAge` seconds. A failure is kept like an answer: when the
/// backend hangs, the batch waits for it once. Threads that need a new answer while one is
/// being fetched wait for that one.
package final class SharedSnapshot<Value: Sendable>: Sendable {
    private let maxAge: Double
    private let latest = Locked<(began: Double, value: Result<Value, any Error>)?>(nil)

    package init(maxAge: Double = .infinity) {
        self.maxAge = maxAge
    }

    package func value(notBefore: Double = 0, fetch: () throws -> Value) throws -> Value {
        try latest.withLock { latest in
            let now = Clock.monotonic
            if let latest, latest.began >= notBefore, now - latest.began <= maxAge { return try latest.value.get() }
            let value = Result { try fetch() }
            latest = (now, value)
            return try value.get()
        }
    }
}
