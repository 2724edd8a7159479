import PMSystem

/// One HTTP/1.1 request to an engine: what a dry run could print and the client sends.
package struct HTTPRequest {
    package var method: String
    /// The path and query, below the endpoint's base path: `/v1.47/containers/json?all=1`.
    package var target: String
    package var headers: HTTPHeaders
    package var body: [UInt8]?
    /// Seconds to wait for each piece of the answer: nil for the client's default,
    /// `.infinity` for ever (following logs, waiting for a container, attach).
    package var readTimeout: Double?
    /// Seconds the whole answer of a stream may take (a pull); nil: a stream's body has no
    /// total limit. `send` always bounds the whole answer by the read timeout.
    package var totalTimeout: Double?

    package init(
        _ method: String, _ path: String, query: [String: String] = [:], headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8]? = nil, contentType: String? = nil, readTimeout: Double? = nil
    ) {
        self.method = method
        self.target = query.isEmpty ? path : path + "?" + FormEncoding.query(query)
        self.headers = headers
        self.body = body
        self.readTimeout = readTimeout
        if let contentType, !headers.contains("Content-Type") { self.headers.add("Content-Type", contentType) }
    }

    /// A request whose body is `value` as compact JSON.
    package static func json(
        _ method: String, _ path: String, query: [String: String] = [:], _ value: JSONValue
    ) -> HTTPRequest {
        HTTPRequest(
            method, path, query: query, body: Array(JSONWriter.string(value).utf8), contentType: "application/json")
    }

    /// The request as bytes on the wire: the request line with the base
    /// path, `Host`, `User-Agent` (unless the caller sets one), the caller's headers, `Content-Length` for a body (and
    /// `0`
    /// for a POST, PUT or PATCH without one), `Connection: close` unless the caller set
    /// `Connection`, a blank line and the body.
    func serialized(basePath: String, host: String, userAgent: String) throws -> [UInt8] {
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw HTTPError.invalidRequest("the method \(HTTPError.excerpt(method.utf8)) is not an HTTP token")
        }
        let path = basePath + target
        guard path.hasPrefix("/"), path.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw HTTPError.invalidRequest(
                "the path \(HTTPError.excerpt(path.utf8)) must start with / and hold no spaces or control characters")
        }
        var fields = HTTPHeaders([("Host", host)])
        if !headers.contains("User-Agent") { fields.add("User-Agent", userAgent) }
        for field in headers
        where !HTTPHeaders.same(field.name, "Host") && !HTTPHeaders.same(field.name, "Content-Length") {
            fields.add(field.name, field.value)
        }
        if let body {
            fields.add("Content-Length", String(body.count))
        } else if ["POST", "PUT", "PATCH"].contains(method) {
            fields.add("Content-Length", "0")
        }
        if !fields.contains("Connection") { fields.add("Connection", "close") }
        var text = "\(method) \(path) HTTP/1.1\r\n"
        for field in fields {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(Self.isTokenByte) else {
                throw HTTPError.invalidRequest(
                    "the header name \(HTTPError.excerpt(field.name.utf8)) is not an HTTP token")
            }
            guard !field.value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else {
                throw HTTPError.invalidRequest("the value of header \(field.name) holds a line break")
            }
            text += "\(field.name): \(field.value)\r\n"
        }
        return Array((text + "\r\n").utf8) + (body ?? [])
    }

    /// RFC 9110 `tchar`: letters, digits and ``!#$%&'*+-.^_`|~``.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        ASCII.isLetter(byte) || ASCII.isDigit(byte) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}
