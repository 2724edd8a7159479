import PMSystem

/// What the tools themselves did to a server, kept in the state directory (`runs/<id>-<uuid>`,
/// written by the tools, never by a game's user): the last `pm-start`, the restarts of
/// `pm-start --if-down` since, and a `pm-stop`. It tells a stop on purpose from a crash for
/// every manager, and gives `--if-down` the times its delay and limit count from.
package struct RestartLedger {
    package enum Entry: String {
        case start, restart, stop
    }

    /// What the ledger holds since the last start.
    package struct State: Equatable {
        /// The last entry is a stop.
        package var stoppedOnPurpose = false
        /// The restarts of `--if-down` since the last start or stop.
        package var restartTimes: [Double] = []
        /// The time of the last entry.
        package var lastAt: Double?

        package init() {}
    }

    private let state: StateDirectory
    private let name: String

    package init(_ server: Server, state: StateDirectory) {
        self.state = state
        name = String(server.owner.token.map { $0 == "/" ? "-" : $0 })
    }

    /// Adds `entry`. A start or stop begins the ledger again.
    package func record(_ entry: Entry, at time: Double = Clock.wall) throws {
        let line = "\(Timestamp.rfc3339Milliseconds(time))\t\(entry.rawValue)\n"
        let path = Path.join(state.path, "runs/\(name)")
        do {
            let directory = try state.directory("runs")
            let file = Path.join(directory, name)
            var text = ""
            if entry == .restart {
                text = String(
                    decoding: (try? FileSystem.lockedContents(of: file, limit: Self.limit)) ?? [], as: UTF8.self)
                // Restarts older than a day no longer count for any window.
                text = text.split(separator: "\n").filter { line in
                    line.split(separator: "\t").first.flatMap { Timestamp.parseRFC3339(String($0)) }.map {
                        time - $0 < 86400
                    } ?? false
                }.suffix(Self.keptLines).map { $0 + "\n" }.joined()
            }
            try FileSystem.rewriteLocked(file, Array((text + line).utf8), mode: 0o600)
        } catch let error as StateError {
            throw RestartError.unwritableLedger(path: path, reason: "\(error)")
        } catch let error as SystemError {
            throw RestartError.unwritableLedger(path: path, reason: error.reason)
        }
    }

    /// The ledger; empty when there is none (a server started before ledgers, or never).
    package func read() -> State {
        let file = Path.join(state.path, "runs/\(name)")
        guard let bytes = try? FileSystem.lockedContents(of: file, limit: Self.limit) else { return State() }
        var result = State()
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let at = Timestamp.parseRFC3339(String(fields[0])),
                let entry = Entry(rawValue: String(fields[1]))
            else { continue }
            result.lastAt = at
            switch entry {
            case .start:
                result = State()
                result.lastAt = at
            case .restart:
                result.stoppedOnPurpose = false
                result.restartTimes.append(at)
            case .stop:
                result.stoppedOnPurpose = true
                result.restartTimes = []
            }
        }
        return result
    }

    private static let limit = 64 << 10
    private static let keptLines = 1000
}
