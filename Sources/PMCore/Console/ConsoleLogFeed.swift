import PMSystem

/// `pm-output --follow` on a `ConsoleLog` (`LogFileFeed` on its file): text comes in whole
/// lines, without their times unless asked for; the raw file comes as it is.
package final class ConsoleLogFeed: ConsoleFeed {
    private let file: LogFileFeed
    private let isRaw: Bool
    private let timestamps: Bool
    /// The start of a line not yet complete (a write read half-way).
    private var partial: [UInt8] = []

    /// Follows the log from its current end.
    package init(_ log: ConsoleLog, raw: Bool, timestamps: Bool) throws {
        let name = raw ? ConsoleLog.rawFileName : ConsoleLog.fileName
        file = try LogFileFeed(name: Path.join(log.path, name)) { try log.open(name) }
        isRaw = raw
        self.timestamps = timestamps
    }

    /// Whether the server has this log.
    package var hasLog: Bool { file.hasFile }

    /// Text already: the session writes it as it is.
    package var deliversText: Bool { !isRaw }

    package func history(lines: Int) throws -> [UInt8]? {
        try file.history(lines: lines).map { isRaw ? $0 : ConsoleLog.text($0, timestamps: timestamps) }
    }

    package func newOutput() throws -> [UInt8] {
        let bytes = try file.newOutput()
        guard !isRaw else { return bytes }
        partial += bytes
        guard let end = partial.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let lines = Array(partial[...end])
        partial.removeFirst(end + 1)
        return ConsoleLog.text(lines, timestamps: timestamps)
    }

    package func finish() { file.finish() }
}
