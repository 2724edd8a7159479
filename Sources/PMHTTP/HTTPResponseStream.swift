import PMSystem

/// A response whose body is read piece by piece as the engine sends it: followed logs, pull
/// progress, waits. The body is framed by `Content-Length`, by chunked transfer coding
/// (decoded incrementally; chunk extensions ignored, trailers kept in `trailers`) or by the end
/// of the connection; HEAD answers and 1xx, 204 and 304 have none (RFC 9112 section 6.3). Pieces are
/// at most 64 KiB, so memory stays bounded however long the body. The connection is closed
/// at the end of the body, on an error, or by `close()` (from any thread: a blocked `next()`
/// then throws `cancelled`).
package final class HTTPResponseStream {
    package let head: HTTPResponseHead
    /// The trailer fields of a chunked body, once it has been read to its end.
    package private(set) var trailers = HTTPHeaders()
    private let input: ConnectionInput
    private let headerLimit: Int
    private var state: State

    enum State: Equatable {
        case length(remaining: Int, total: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case untilClose
        case done
    }

    init(head: HTTPResponseHead, method: String, input: ConnectionInput, headerLimit: Int) throws {
        self.head = head
        self.input = input
        self.headerLimit = headerLimit
        self.state = try Self.framing(of: head, method: method, endpoint: input.connection.endpoint)
        if state == .done { input.connection.close() }
    }

    deinit { input.connection.close() }

    package var status: Int { head.status }

    /// Seconds each read may wait for the engine; nil or `.infinity` for ever.
    package var readTimeout: Double? {
        get { input.timeout }
        set { input.timeout = newValue }
    }

    /// The next piece of the body as soon as it arrives, or nil at its end.
    package func next() throws -> [UInt8]? {
        do {
            return try advance()
        } catch {
            close()
            throw error
        }
    }

    /// The whole body; more than `limit` bytes is an error (`bodyTooLarge`).
    package func readAll(limit: Int) throws -> [UInt8] {
        if case .length(let remaining, _) = state, remaining > limit { throw tooLarge(limit) }
        var body: [UInt8] = []
        while let piece = try next() {
            guard body.count + piece.count <= limit else { throw tooLarge(limit) }
            body += piece
        }
        return body
    }

    /// Calls `body` with each piece as it arrives, until the end of the body.
    package func forEach(_ body: ([UInt8]) throws -> Void) throws {
        while let piece = try next() { try body(piece) }
    }

    /// Calls `body` with each line (without LF or CR LF) as soon as it is complete, and with a
    /// last line that has no newline: newline-delimited JSON (pull progress). A line longer
    /// than `maximumLength` is an error.
    package func forEachLine(maximumLength: Int = 1 << 20, _ body: ([UInt8]) throws -> Void) throws {
        var pending: [UInt8] = []
        func emit() throws {
            if pending.last == 0x0D { pending.removeLast() }
            try body(pending)
            pending.removeAll(keepingCapacity: true)
        }
        while let piece = try next() {
            var from = piece.startIndex
            while let newline = piece[from...].firstIndex(of: 0x0A) {
                pending += piece[from..<newline]
                guard pending.count <= maximumLength else { throw tooLarge(maximumLength) }
                try emit()
                from = newline + 1
            }
            pending += piece[from...]
            guard pending.count <= maximumLength else { throw tooLarge(maximumLength) }
        }
        if !pending.isEmpty { try emit() }
    }

    /// Stops reading and closes the connection.
    package func close() {
        input.connection.close()
    }

    // MARK: - Decoding

    private func advance() throws -> [UInt8]? {
        while true {
            switch state {
            case .done:
                return nil
            case .untilClose:
                let piece = try input.some(maximum: ConnectionInput.pieceSize)
                if piece.isEmpty { finish() }
                return piece.isEmpty ? nil : piece
            case .length(let remaining, let total):
                let piece = try input.some(maximum: remaining)
                guard !piece.isEmpty else { throw closed("with \(remaining) of \(total) body bytes missing") }
                state = .length(remaining: remaining - piece.count, total: total)
                if piece.count == remaining { finish() }
                return piece
            case .chunkSize:
                let size = try chunkSize()
                if size == 0 {
                    var budget = headerLimit
                    trailers = try HTTPResponseHead.readFields(
                        from: input, budget: &budget, limit: headerLimit,
                        during: "in the middle of the trailers")
                    finish()
                } else {
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let piece = try input.some(maximum: min(remaining, ConnectionInput.pieceSize))
                guard !piece.isEmpty else { throw closed("in the middle of a chunk") }
                state = piece.count == remaining ? .chunkEnd : .chunkData(remaining: remaining - piece.count)
                return piece
            case .chunkEnd:
                guard try input.line(limit: 2) == .line([]) else { throw malformed("a chunk does not end with CR LF") }
                state = .chunkSize
            }
        }
    }

    /// A chunk size line: hex digits, then extensions after `;`, which are ignored.
    private func chunkSize() throws -> Int {
        switch try input.line(limit: 1024) {
        case .end:
            throw closed("in the middle of a chunked body")
        case .tooLong:
            throw malformed("a chunk size line is longer than 1 KiB")
        case .line(let line):
            let digits = line.prefix { $0 != UInt8(ascii: ";") && $0 != 0x20 && $0 != 0x09 }
            let isHex = { (byte: UInt8) in ASCII.isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66) }
            guard (1...15).contains(digits.count), digits.allSatisfy(isHex),
                let size = Int(String(decoding: digits, as: UTF8.self), radix: 16)
            else {
                throw malformed("invalid chunk size line \(HTTPError.excerpt(line))")
            }
            return size
        }
    }

    private func finish() {
        state = .done
        input.connection.close()
    }

    /// How the body of `head` is delimited.
    static func framing(of head: HTTPResponseHead, method: String, endpoint: String) throws -> State {
        if method == "HEAD" || head.status < 200 || head.status == 204 || head.status == 304 { return .done }
        let codings = head.headers.values("Transfer-Encoding").flatMap { $0.split(separator: ",") }
        if let last = codings.last {
            return String(last).trimmingWhitespace.lowercased() == "chunked" ? .chunkSize : .untilClose
        }
        let lengths = Set(
            head.headers.values("Content-Length").flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
                .map { String($0).trimmingWhitespace })
        guard let text = lengths.first else { return .untilClose }
        guard lengths.count == 1, (1...18).contains(text.utf8.count), text.utf8.allSatisfy(ASCII.isDigit),
            let length = Int(text)
        else {
            let all = head.headers.values("Content-Length").joined(separator: ", ")
            throw HTTPError.malformedResponse(
                endpoint: endpoint, reason: "invalid Content-Length \(HTTPError.excerpt(all.utf8))")
        }
        return length == 0 ? .done : .length(remaining: length, total: length)
    }

    private func closed(_ during: String) -> HTTPError {
        HTTPError.connectionClosed(endpoint: input.connection.endpoint, during: during)
    }

    private func malformed(_ reason: String) -> HTTPError {
        HTTPError.malformedResponse(endpoint: input.connection.endpoint, reason: reason)
    }

    private func tooLarge(_ limit: Int) -> HTTPError {
        close()
        return HTTPError.bodyTooLarge(endpoint: input.connection.endpoint, limit: limit)
    }
}
