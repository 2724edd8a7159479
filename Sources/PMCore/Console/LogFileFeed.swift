import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `pm-output --follow` on a log file, as `tail -F` reads one: what was appended since the
/// last call, across a rotation (the rest of the old file first, then the new one from its
/// start) and a truncation (read again from the start). The log is opened by name through
/// `open`, which gives a descriptor, or nil when there is no such file yet; the file being
/// read is kept open, so nothing written to it before a rotation is lost.
package final class LogFileFeed: ConsoleFeed {
    private let name: String
    private let open: () throws -> Int32?
    private var fd: Int32 = -1
    private var offset = 0
    private var identity: (device: UInt64, inode: UInt64)?

    /// Follows the log from its current end; `name` is for messages.
    package init(name: String, open: @escaping () throws -> Int32?) throws {
        self.name = name
        self.open = open
        try reopen()
        if fd >= 0 { offset = Int(lseek(fd, 0, SEEK_END)) }
    }

    deinit { finish() }

    /// Whether the log was there when the feed started (or has appeared since).
    package var hasFile: Bool { fd >= 0 }

    /// The last `lines` lines before the point the feed started from; nil without a log.
    package func history(lines: Int) throws -> [UInt8]? {
        guard fd >= 0 else { return nil }
        return try LogFile.lastLines(of: fd, name: name, count: lines, end: offset)
    }

    package func newOutput() throws -> [UInt8] {
        if fd < 0 { try reopen() }
        var bytes = try readToEnd()
        if try rotated() {
            bytes += try readToEnd()
            finish()
            try reopen()
            bytes += try readToEnd()
        }
        return bytes
    }

    package func finish() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    private func reopen() throws {
        guard let opened = try open() else { return }
        fd = opened
        offset = 0
        identity = Self.identity(of: opened)
    }

    /// Whether the name now stands for another file than the one being read.
    private func rotated() throws -> Bool {
        guard fd >= 0, let current = try open() else { return false }
        defer { close(current) }
        guard let now = Self.identity(of: current), let identity else { return false }
        return now != identity
    }

    private func readToEnd() throws -> [UInt8] {
        guard fd >= 0 else { return [] }
        let size = Int(lseek(fd, 0, SEEK_END))
        if size < offset { offset = 0 }
        guard size > offset else { return [] }
        let bytes = try LogFile.read(fd, at: offset, length: min(size - offset, LogFile.maximumBytes), name: name)
        offset += bytes.count
        return bytes
    }

    private static func identity(of fd: Int32) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }
}
