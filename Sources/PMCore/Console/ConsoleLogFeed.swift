import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `pm-output --follow` on a `ConsoleLog`, as `tail -F` reads a log: what was appended since
/// the last call, following the file across a rotation (the rest of the old file first, then
/// the new one from its start). Text lines come without their times unless asked for; the
/// raw file comes as it is.
package final class ConsoleLogFeed: ConsoleFeed {
    private let log: ConsoleLog
    private let file: String
    private let timestamps: Bool
    private var fd: Int32 = -1
    private var offset = 0
    private var identity: (device: UInt64, inode: UInt64)?
    /// The start of a line not yet complete (a write read half-way).
    private var partial: [UInt8] = []

    /// Follows the log from its current end.
    package init(_ log: ConsoleLog, raw: Bool, timestamps: Bool) throws {
        self.log = log
        file = raw ? ConsoleLog.rawFileName : ConsoleLog.fileName
        self.timestamps = timestamps
        try reopen()
        if fd >= 0 { offset = Int(lseek(fd, 0, SEEK_END)) }
    }

    deinit { finish() }

    /// The last `lines` lines before the point the feed started from.
    package func history(lines: Int) throws -> [UInt8]? {
        guard fd >= 0, offset > 0 else { return [] }
        let start = max(0, offset - LogFile.maximumBytes)
        let before = try LogFile.read(fd, at: start, length: offset - start, name: file)
        let last = LogFile.fromLineStart(before, whole: start == 0, keeping: lines)
        return file == ConsoleLog.fileName ? ConsoleLog.text(last, timestamps: timestamps) : last
    }

    package func newOutput() throws -> [UInt8] {
        if fd < 0 { try reopen() }
        var bytes = readToEnd()
        if try rotated() {
            bytes += readToEnd()
            close(fd)
            fd = -1
            try reopen()
            bytes += readToEnd()
        }
        return shape(bytes)
    }

    package func finish() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    private func reopen() throws {
        guard let opened = try log.open(file) else { return }
        fd = opened
        offset = 0
        identity = Self.identity(of: opened)
    }

    /// Whether the name now stands for another file than the one being read.
    private func rotated() throws -> Bool {
        guard let current = try log.open(file) else { return false }
        defer { close(current) }
        guard let now = Self.identity(of: current), let identity else { return false }
        return now != identity
    }

    private func readToEnd() -> [UInt8] {
        guard fd >= 0 else { return [] }
        let size = Int(lseek(fd, 0, SEEK_END))
        if size < offset { offset = 0 }
        guard size > offset else { return [] }
        let length = min(size - offset, LogFile.maximumBytes)
        let bytes = (try? LogFile.read(fd, at: offset, length: length, name: file)) ?? []
        offset += bytes.count
        return bytes
    }

    /// Text: whole lines only, without their times unless asked for. Raw: as it is.
    private func shape(_ bytes: [UInt8]) -> [UInt8] {
        guard file == ConsoleLog.fileName else { return bytes }
        partial += bytes
        guard let end = partial.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let lines = Array(partial[...end])
        partial.removeFirst(end + 1)
        return ConsoleLog.text(lines, timestamps: timestamps)
    }

    private static func identity(of fd: Int32) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}
