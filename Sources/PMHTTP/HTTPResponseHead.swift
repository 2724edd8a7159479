import PMSystem

/// The status line and header fields of a response: `HTTP/1.1 200 OK`, then `Name: value`
/// lines up to a blank line. A head larger than the limit, a status line that is not HTTP or
/// a header line without a colon is an error that quotes what the engine sent.
package struct HTTPResponseHead: Equatable {
    package let status: Int
    package let reason: String
    package let headers: HTTPHeaders

    package init(status: Int, reason: String, headers: HTTPHeaders) {
        self.status = status
        self.reason = reason
        self.headers = headers
    }

    /// Reads one head; `limit` bounds all of its bytes.
    static func read(from input: ConnectionInput, limit: Int) throws -> HTTPResponseHead {
        let endpoint = input.connection.endpoint
        var budget = limit
        let line = try nextLine(input, budget: &budget, limit: limit, during: "before answering")
        guard let (status, reason) = parseStatusLine(line) else {
            throw HTTPError.malformedResponse(
                endpoint: endpoint, reason: "not an HTTP/1 status line: \(HTTPError.excerpt(line))")
        }
        let headers = try readFields(
            from: input, budget: &budget, limit: limit, during: "in the middle of the response head")
        return HTTPResponseHead(status: status, reason: reason, headers: headers)
    }

    /// Header (or trailer) lines up to the blank line that ends them.
    static func readFields(
        from input: ConnectionInput, budget: inout Int, limit: Int, during: String
    ) throws -> HTTPHeaders {
        var headers = HTTPHeaders()
        while true {
            let line = try nextLine(input, budget: &budget, limit: limit, during: during)
            if line.isEmpty { return headers }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
                line[..<colon].allSatisfy(HTTPRequest.isTokenByte)
            else {
                throw HTTPError.malformedResponse(
                    endpoint: input.connection.endpoint,
                    reason: "not a header line: \(HTTPError.excerpt(line))")
            }
            let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
            let value = line[(colon + 1)...].drop(while: isSpace).reversed().drop(while: isSpace).reversed()
            headers.add(String(decoding: line[..<colon], as: UTF8.self), String(decoding: value, as: UTF8.self))
        }
    }

    /// `HTTP/1.x NNN reason`; nil for anything else.
    static func parseStatusLine(_ line: [UInt8]) -> (status: Int, reason: String)? {
        let prefix = Array("HTTP/1.".utf8)
        guard line.count >= 12, line.starts(with: prefix), ASCII.isDigit(line[7]), line[8] == 0x20 else { return nil }
        let digits = line[9..<12]
        guard digits.allSatisfy(ASCII.isDigit), line.count == 12 || line[12] == 0x20 else { return nil }
        let status = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard (100...599).contains(status) else { return nil }
        return (status, String(decoding: line.dropFirst(13), as: UTF8.self))
    }

    private static func nextLine(
        _ input: ConnectionInput, budget: inout Int, limit: Int, during: String
    ) throws -> [UInt8] {
        let endpoint = input.connection.endpoint
        switch try input.line(limit: budget) {
        case .line(let line):
            budget -= line.count + 2
            return line
        case .tooLong:
            throw HTTPError.headersTooLarge(endpoint: endpoint, limit: limit)
        case .end:
            throw HTTPError.connectionClosed(endpoint: endpoint, during: during)
        }
    }
}
