#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The end of a log file, read backwards in chunks so that a large log costs only its tail.
/// The result starts at a line boundary (the reference's 30000-byte tail could start mid-line
/// or mid-character, `systemd-windows.md` §12.28).
public enum FileTail {
    public static let chunkSize = 65536

    /// The last `lines` lines of the file (0: all of it), and never more than its last
    /// `byteLimit` bytes; nil when the file does not exist.
    public static func read(_ path: String, lines: Int, byteLimit: Int = 16 << 20) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SystemError("cannot open", path: path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SystemError("cannot stat", path: path) }
        let size = Int(info.st_size)
        let floor = max(0, size - byteLimit)
        guard lines > 0 else {
            return cut(try readRange(fd, from: floor, count: size - floor, path: path), lines: 0, atFileStart: floor == 0)
        }
        var start = size
        var chunks: [[UInt8]] = []
        var newlines = 0
        // One more line break than lines wanted: the break that ends the line before them.
        while start > floor && newlines <= lines {
            let from = max(floor, start - chunkSize)
            let chunk = try readRange(fd, from: from, count: start - from, path: path)
            newlines += chunk.lazy.filter { $0 == UInt8(ascii: "\n") }.count
            chunks.append(chunk)
            start = from
        }
        return cut(Array(chunks.reversed().joined()), lines: lines, atFileStart: start == 0)
    }

    private static func readRange(_ fd: Int32, from offset: Int, count: Int, path: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SystemError("cannot read", path: path)
            }
            if n == 0 { return Array(bytes[..<done]) }
            done += n
        }
        return bytes
    }

    /// The last `lines` lines of `tail`; a first line that may have been cut is dropped unless
    /// the tail begins the file.
    static func cut(_ tail: [UInt8], lines: Int, atFileStart: Bool) -> [UInt8] {
        var end = tail.count
        if tail.last == UInt8(ascii: "\n") { end -= 1 }
        var found = 0
        var index = end
        while index > 0 {
            index -= 1
            if tail[index] == UInt8(ascii: "\n") {
                found += 1
                if lines > 0 && found == lines { return Array(tail[(index + 1)...]) }
            }
        }
        guard !atFileStart, let firstBreak = tail.firstIndex(of: UInt8(ascii: "\n")) else { return tail }
        return Array(tail[(firstBreak + 1)...])
    }
}
