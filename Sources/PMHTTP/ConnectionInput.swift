import PMSystem

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

    let connection: SocketConnection
    /// Seconds each read may wait; nil or infinite for ever.
    var timeout: Double?
    /// When the whole answer must be in, and the seconds that gave it (for the message): an
    /// engine that trickles one byte at a time is not waited on for ever. Nil: no total limit.
    var deadline: (at: Double, seconds: Double)?
    /// Bytes read so far: an engine that said nothing timed out reading, not answering.
    private var received = 0
    private var buffer: [UInt8] = []
    private var start = 0

    init(connection: SocketConnection, timeout: Double?) {
        self.connection = connection
        self.timeout = timeout
    }

    /// Bounds the whole answer, from now, by `seconds` (nil or infinite: no bound).
    func limitTotal(to seconds: Double?) {
        deadline = seconds.flatMap { $0.isFinite ? (Clock.monotonic + $0, $0) : nil }
    }

    /// One read, waiting at most the per-read timeout and what is left before the deadline.
    private func read(maximum: Int) throws -> [UInt8] {
        guard let deadline else {
            return try HTTPError.onSocket { try connection.read(maximum: maximum, timeout: timeout) }
        }
        let left = deadline.at - Clock.monotonic
        let total = HTTPError.timedOut(endpoint: connection.endpoint, seconds: deadline.seconds, phase: "whole answer")
        guard left > 0 else { throw total }
        let perRead = timeout ?? .infinity
        do {
            let bytes = try HTTPError.onSocket { try connection.read(maximum: maximum, timeout: min(perRead, left)) }
            received += bytes.count
            return bytes
        } catch HTTPError.timedOut {
            // An engine that answers, too slowly, met the deadline; a silent one, the read's
            // own limit (said as the limit it had, not what was left of it).
            if received > 0 && left < perRead { throw total }
            throw HTTPError.timedOut(
                endpoint: connection.endpoint, seconds: min(perRead, deadline.seconds), phase: "read")
        }
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
        return try read(maximum: min(maximum, Self.pieceSize))
    }

    /// Reads once more into the buffer; false at the end of the stream.
    private func fill() throws -> Bool {
        let more = try read(maximum: Self.pieceSize)
        guard !more.isEmpty else { return false }
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer += more
        return true
    }
}
