import PMSystem

/// The toolbox's HTTP/1.1 client for container engines: one request per connection over a
/// unix socket, TCP or an ssh tunnel. Connects that find no engine are retried with backoff;
/// a request once sent is never repeated. Every wait is bounded by a timeout (connect, and
/// each read and write) unless the request asks to wait for ever.
///
/// - `send` reads the whole answer (bounded by `maximumBodySize`);
/// - `stream` returns as soon as the head is in and delivers the body as it arrives;
/// - `upgrade` performs Docker's hijack (`Connection: Upgrade`, `Upgrade: tcp`, answer 101)
///   and hands over the raw connection.
package struct HTTPClient {
    package let endpoint: EngineEndpoint
    package var options: HTTPOptions

    package init(endpoint: EngineEndpoint, options: HTTPOptions = HTTPOptions()) {
        self.endpoint = endpoint
        self.options = options
    }

    /// Sends `request` and reads the whole answer, which must arrive within the read timeout
    /// in all; at most `bodyLimit` (default `options.maximumBodySize`) bytes of body.
    package func send(_ request: HTTPRequest, bodyLimit: Int? = nil) throws -> HTTPResponse {
        let stream = try open(request, whole: true)
        let body = try stream.readAll(limit: bodyLimit ?? options.maximumBodySize)
        return HTTPResponse(head: stream.head, body: body, trailers: stream.trailers)
    }

    /// Sends `request` and returns once the response head has arrived, within the read timeout
    /// in all; the body then comes in pieces, each within the read timeout, all within the
    /// request's `totalTimeout` when it has one.
    package func stream(_ request: HTTPRequest) throws -> HTTPResponseStream {
        try open(request, whole: false)
    }

    /// `whole`: the body too within the limit the head had (the read timeout from the start);
    /// else the body within the request's `totalTimeout` from now, or without a total limit.
    private func open(_ request: HTTPRequest, whole: Bool) throws -> HTTPResponseStream {
        let (head, input) = try exchange(request, upgrading: false)
        if !whole { input.limitTotal(to: request.totalTimeout) }
        do {
            return try HTTPResponseStream(
                head: head, method: request.method, input: input, headerLimit: options.maximumHeaderSize)
        } catch {
            input.connection.close()
            throw error
        }
    }

    /// Sends `request` as an upgrade to a raw stream and returns that stream. Any answer but
    /// `101` is an error carrying the engine's message.
    package func upgrade(_ request: HTTPRequest) throws -> HTTPUpgradedConnection {
        var request = request
        if !request.headers.contains("Connection") { request.headers.add("Connection", "Upgrade") }
        if !request.headers.contains("Upgrade") { request.headers.add("Upgrade", "tcp") }
        let (head, input) = try exchange(request, upgrading: true)
        guard head.status == 101 else {
            let stream = try HTTPResponseStream(
                head: head, method: request.method, input: input, headerLimit: options.maximumHeaderSize)
            let body = (try? stream.readAll(limit: 1 << 20)) ?? []
            stream.close()
            throw HTTPError.upgradeRefused(
                status: head.status, message: HTTPResponse(head: head, body: body).errorMessage)
        }
        return HTTPUpgradedConnection(head: head, input: input)
    }

    /// Connects, writes the request and reads the head of the final answer: up to eight
    /// interim 1xx answers are skipped, but a 101 is final when upgrading. When an ssh tunnel
    /// ends before the engine answered, the error is what ssh said.
    private func exchange(_ request: HTTPRequest, upgrading: Bool) throws -> (HTTPResponseHead, ConnectionInput) {
        let bytes = try request.serialized(
            basePath: endpoint.basePath, host: endpoint.hostHeader, userAgent: options.userAgent)
        let timeout = request.readTimeout ?? options.readTimeout
        let connection = try connect()
        do {
            try HTTPError.onSocket { try connection.write(bytes, timeout: timeout) }
            let input = ConnectionInput(connection: connection, timeout: timeout)
            input.limitTotal(to: timeout)
            for _ in 0..<8 {
                let head = try HTTPResponseHead.read(from: input, limit: options.maximumHeaderSize)
                if head.status >= 200 || (upgrading && head.status == 101) { return (head, input) }
            }
            throw HTTPError.malformedResponse(
                endpoint: endpoint.description, reason: "more than 8 interim (1xx) answers")
        } catch {
            if case HTTPError.connectionClosed = error, let said = connection.tunnelFailure() {
                connection.close()
                throw HTTPError.sshFailed(endpoint: endpoint.description, reason: said)
            }
            connection.close()
            throw error
        }
    }

    /// A connection to the endpoint, retried per `options.retry`.
    func connect() throws -> SocketConnection {
        let name = endpoint.description
        let timeout = options.connectTimeout
        switch endpoint.transport {
        case .unix(let path):
            return try options.retry.run {
                SocketConnection(
                    descriptor: try HTTPError.onSocket {
                        try SocketDialer.unix(path: path, endpoint: name, timeout: timeout)
                    },
                    endpoint: name)
            }
        case .tcp(let host, let port):
            return try options.retry.run {
                SocketConnection(
                    descriptor: try HTTPError.onSocket {
                        try SocketDialer.tcp(host: host, port: port, endpoint: name, timeout: timeout)
                    },
                    endpoint: name)
            }
        case .ssh(let user, let host, let port):
            return try SSHTunnel(user: user, host: host, port: port).open(endpoint: name, connectTimeout: timeout)
        }
    }
}
