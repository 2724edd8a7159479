import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `pm-output --follow` on a log file: what was appended since the last call. A log that
/// shrank (truncated by a new start) is read again from its beginning. The log is opened
/// again for each look (a new start replaces it), by `open`, which gives a descriptor or nil.
package final class LogFileFeed: ConsoleFeed {
    private let name: String
    private let open: () -> Int32?
    private var offset: Int

    /// Follows the log from its current end; `name` is for messages.
    package init(name: String, open: @escaping () -> Int32?) {
        self.name = name
        self.open = open
        offset = 0
        if let fd = open() {
            offset = max(0, Int(lseek(fd, 0, SEEK_END)))
            close(fd)
        }
    }

    package func newOutput() throws -> [UInt8] {
        guard let fd = open() else { return [] }
        defer { close(fd) }
        let size = Int(lseek(fd, 0, SEEK_END))
        if size < offset { offset = 0 }
        guard size > offset else { return [] }
        let length = min(size - offset, LogFile.maximumBytes)
        let bytes = try LogFile.read(fd, at: size - length, length: length, name: name)
        offset = size - length + bytes.count
        return bytes
    }

    package func finish() {}
}
