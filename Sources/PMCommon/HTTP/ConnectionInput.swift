/// An engine connection read through a buffer: lines for the response head, chunk sizes and
/// trailers; pieces of at most 64 KiB for bodies. Whatever was read past the head stays in
/// the buffer for the body or, after an upgrade, for the hijacked stream.
final class ConnectionInput {
    static let pieceSize = 64 << 10

    enum Line: Equatable {
        /// The line without its LF (and a CR before it).
        case line([UInt8])
        /// No LF within the limit.
        case tooLong
        /// The stream ended before a complete line.
        case end
    }

    let connection: EngineConnection
    /// Seconds each read may wait; nil or infinite for ever.
    var timeout: Double?
    private var buffer: [UInt8] = []
    private var start = 0

    init(connection: EngineConnection, timeout: Double?) {
        self.connection = connection
        self.timeout = timeout
    }

    /// The next line, at most `limit` bytes with its line end.
    func line(limit: Int) throws -> Line {
        var scanned = 0
        while true {
            if let newline = buffer[(start + scanned)...].firstIndex(of: 0x0A) {
                guard newline - start < limit else { return .tooLong }
                let end = newline > start && buffer[newline - 1] == 0x0D ? newline - 1 : newline
                let line = Array(buffer[start..<end])
                start = newline + 1
                return .line(line)
            }
            scanned = buffer.count - start
            if scanned >= limit { return .tooLong }
            if try !fill() { return .end }
        }
    }

    /// Up to `maximum` bytes: what the buffer holds, else one read; empty at the end of the stream.
    func some(maximum: Int) throws -> [UInt8] {
        if start < buffer.count {
            let count = min(maximum, buffer.count - start)
            defer { start += count }
            return Array(buffer[start..<start + count])
        }
        return try connection.read(maximum: min(maximum, Self.pieceSize), timeout: timeout)
    }

    /// Reads once more into the buffer; false at the end of the stream.
    private func fill() throws -> Bool {
        let more = try connection.read(maximum: Self.pieceSize, timeout: timeout)
        guard !more.isEmpty else { return false }
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer += more
        return true
    }
}
