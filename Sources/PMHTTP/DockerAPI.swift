import PMSystem

/// The Docker Engine API over an `HTTPClient`. Request paths
/// get the `/v{V}` prefix: V is the configured version, else the one negotiated over
/// `/_ping` before the first request (and again before each later one until negotiation
/// succeeds; meanwhile `/v1.55` is used). Answers of 400 and more become `HTTPError.engine`
/// with the engine's message; 404 is `isNotFound`.
/// Sendable: the negotiation's results (`negotiatedVersion`, `silence`, `pingHeaders`) are
/// read and written only under `lock`.
package final class DockerAPI: @unchecked Sendable {
    package let client: HTTPClient
    private let fixedVersion: APIVersion?
    private var negotiatedVersion: APIVersion?
    /// The engine did not answer the negotiation in time: every request fails with this at
    /// once, so that a silent engine costs one `engine_timeout`, not one per request.
    private var silence: HTTPError?
    private let lock = Lock()

    /// A fixed path prefix instead of `/v{V}` (Podman's `/v4.0.0/libpod`); no negotiation.
    private let fixedPrefix: String?

    package init(client: HTTPClient, apiVersion: APIVersion?) {
        self.client = client
        self.fixedVersion = apiVersion
        self.fixedPrefix = nil
    }

    /// An API whose paths all start with `pathPrefix` (Podman's libpod API);
    /// its error answers are read the same way.
    package init(client: HTTPClient, pathPrefix: String) {
        self.client = client
        self.fixedVersion = nil
        self.fixedPrefix = pathPrefix
    }

    package convenience init(selection: EngineSelection, options: HTTPOptions = HTTPOptions()) {
        self.init(client: HTTPClient(endpoint: selection.endpoint, options: options), apiVersion: selection.apiVersion)
    }

    /// The version of the next request: fixed, negotiated, or the maximum while negotiation fails.
    package var version: APIVersion {
        if let fixedVersion { return fixedVersion }
        // One negotiation per run, failed or not: a one-shot tool must not ask an engine that
        // does not answer again before every request (each would wait out the timeout).
        return lock.withLock {
            if let negotiatedVersion { return negotiatedVersion }
            var version: APIVersion?
            do {
                version = try APIVersion.negotiated(engine: pingVersionHeader())
            } catch let error as HTTPError {
                if case .timedOut = error { silence = error }
            } catch {}
            negotiatedVersion = version ?? APIVersion.dockerMaximum
            return negotiatedVersion ?? APIVersion.dockerMaximum
        }
    }

    /// Sends a request to `/v{V}` + its path and reads the whole answer.
    package func send(_ request: HTTPRequest) throws -> HTTPResponse {
        let versioned = try self.versioned(request)
        let response = try client.send(versioned)
        guard response.status < 400 else { throw engineError(response, request: versioned) }
        return response
    }

    /// Like `send`, but returns once the head is in and streams the body (logs, pull, wait).
    package func stream(_ request: HTTPRequest) throws -> HTTPResponseStream {
        let versioned = try self.versioned(request)
        let stream = try client.stream(versioned)
        guard stream.status < 400 else {
            let body = (try? stream.readAll(limit: 1 << 20)) ?? []
            stream.close()
            throw engineError(HTTPResponse(head: stream.head, body: body), request: versioned)
        }
        return stream
    }

    /// The hijacked attach: `Content-Type: text/plain`, upgraded to a raw stream.
    package func attach(_ request: HTTPRequest) throws -> HTTPUpgradedConnection {
        var versioned = try self.versioned(request)
        if !versioned.headers.contains("Content-Type") { versioned.headers.add("Content-Type", "text/plain") }
        return try client.upgrade(versioned)
    }

    /// `GET /_ping` (unversioned): the engine is there and answers.
    package func ping() throws -> HTTPResponse {
        let response = try client.send(HTTPRequest("GET", "/_ping"), bodyLimit: 1 << 10)
        guard response.status < 400 else { throw engineError(response, request: HTTPRequest("GET", "/_ping")) }
        return response
    }

    private func versioned(_ request: HTTPRequest) throws -> HTTPRequest {
        var versioned = request
        versioned.target = (fixedPrefix ?? version.pathPrefix) + request.target
        if let silence = lock.withLock({ silence }) { throw silence }
        return versioned
    }

    /// The `Api-Version` header of `HEAD /_ping`, or of `GET /_ping` when the HEAD fails or
    /// is not 200; an error when the GET fails too. When no engine could be reached at all,
    /// the GET is not tried: it would only wait out the same connect retries again.
    private func pingVersionHeader() throws -> String? {
        do {
            let head = try client.send(HTTPRequest("HEAD", "/_ping"))
            if head.status == 200 {
                pingHeaders = head.headers
                return head.headers["Api-Version"]
            }
        } catch {
            // No engine, or one that does not answer: a GET would wait out the same again.
            if case HTTPError.connectFailed = error { throw error }
            if case HTTPError.timedOut = error { throw error }
        }
        let answer = try ping()
        pingHeaders = answer.headers
        return answer.headers["Api-Version"]
    }

    /// The headers of the engine's `/_ping`, kept from the negotiation.
    private var pingHeaders: HTTPHeaders?

    /// Whether the engine is Podman behind its Docker-compatible API (its `/_ping` carries
    /// `Libpod-Api-Version`): the negotiation's answer when there was one, else one ping.
    package var isPodman: Bool {
        lock.withLock {
            if pingHeaders == nil { pingHeaders = (try? ping())?.headers ?? HTTPHeaders() }
            return pingHeaders?["Libpod-Api-Version"] != nil
        }
    }

    private func engineError(_ response: HTTPResponse, request: HTTPRequest) -> HTTPError {
        var message = response.errorMessage
        if message.isEmpty {
            let url = "\(client.endpoint)\(request.target)"
            message =
                "request returned \(response.status) for API route and version \(url), "
                + "check if the server supports the requested API version"
        }
        return HTTPError.engine(status: response.status, message: message)
    }
}
