#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only log that a server writes (systemd's `StandardOutput=append:`), read the way
/// `tail` reads it: whole lines from the end, never from the middle of a line or of a UTF-8
/// sequence (the reference cut the last 30000 bytes wherever they began: docs/differences.md#sd-22).
package enum LogFile {
    /// At most this much of the end of a log is read.
    package static let maximumBytes = 64 << 20

    /// The last `count` lines (0: the whole log), never more than its last `limit` bytes,
    /// starting at a line start.
    package static func lastLines(_ path: String, count: Int, limit: Int = maximumBytes) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError("cannot open", path: path) }
        defer { close(fd) }
        return try lastLines(of: fd, name: path, count: count, limit: limit)
    }

    /// `lastLines` of an open file, up to `end` (its size when nil); `name` is for messages.
    package static func lastLines(
        of fd: Int32, name path: String, count: Int, limit: Int = maximumBytes, end: Int? = nil
    ) throws -> [UInt8] {
        let size = end ?? Int(lseek(fd, 0, SEEK_END))
        guard size > 0 else { return [] }
        // A window over the end that doubles until it holds `count` lines (0: the largest).
        var window = count == 0 ? limit : 65536
        var tail: [UInt8]
        while true {
            let length = min(window, size, limit)
            tail = try read(fd, at: size - length, length: length, name: path)
            if length == size || length == limit || newlines(in: tail, excludingLast: true) >= count { break }
            window *= 2
        }
        return fromLineStart(tail, whole: tail.count == size, keeping: count)
    }

    /// The last `count` lines of `tail`; when `tail` does not begin at the start of the file,
    /// its first, partial line is dropped.
    package static func fromLineStart(_ tail: [UInt8], whole: Bool, keeping count: Int) -> [UInt8] {
        var begin = 0
        if !whole, let newline = tail.firstIndex(of: UInt8(ascii: "\n")) { begin = newline + 1 }
        guard count > 0 else { return Array(tail[begin...]) }
        var index = tail.count
        if tail.last == UInt8(ascii: "\n") { index -= 1 }
        var seen = 0
        while index > begin {
            index -= 1
            if tail[index] == UInt8(ascii: "\n") {
                seen += 1
                if seen == count { return Array(tail[(index + 1)...]) }
            }
        }
        return Array(tail[begin...])
    }

    private static func newlines(in bytes: [UInt8], excludingLast: Bool) -> Int {
        var total = 0
        for byte in bytes where byte == UInt8(ascii: "\n") { total += 1 }
        return excludingLast && bytes.last == UInt8(ascii: "\n") ? total - 1 : total
    }

    package static func read(_ fd: Int32, at offset: Int, length: Int, name: String) throws -> [UInt8] {
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            var done = 0
            while done < length {
                let n = pread(fd, buffer.baseAddress! + done, length - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    failed = n < 0
                    break
                }
                done += n
            }
            initialized = done
        }
        if failed { throw SystemError("cannot read", path: name) }
        return bytes
    }
}

/// Writing a console line into a FIFO whose reader is a server (systemd's `ListenFIFO=`).
/// The open never blocks: a FIFO that nobody reads means the server is not running (docs/differences.md#sd-10).
package enum FIFOWriter {
    package enum Failure: Error {
        case noReader, missing, full
        case system(SystemError)
    }

    /// Writes into the FIFO `name` of `directory`, opened without following a link.
    package static func send(
        _ bytes: [UInt8], to name: String, in directory: DirectoryHandle, timeout: Double = 2
    ) throws {
        let path = Path.join(directory.path, name)
        let fd: Int32
        do {
            fd = try directory.openFile(name, O_WRONLY | O_NONBLOCK | O_NOCTTY)
        } catch let error as SystemError {
            switch error.code {
            case ENXIO: throw Failure.noReader
            case ENOENT: throw Failure.missing
            default: throw Failure.system(error)
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFIFO else {
            throw Failure.system(SystemError("not a FIFO:", path: path, code: EINVAL))
        }
        let deadline = Clock.monotonic + timeout
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n >= 0 {
                offset += n
                continue
            }
            if errno == EINTR { continue }
            guard errno == EAGAIN, Clock.monotonic < deadline else {
                if errno == EAGAIN { throw Failure.full }
                throw Failure.system(SystemError("cannot write", path: path))
            }
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&descriptor, 1, 50)
        }
    }
}
