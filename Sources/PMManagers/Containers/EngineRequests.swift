import PMCore
import PMHTTP
import PMSystem

/// A container engine's API as one verb uses it: every request is echoed with `-v` (method,
/// path and, for a body, the JSON; secrets masked), and in a dry run a request that changes
/// something is printed instead of sent, answered with an empty success. Looking requests
/// (GET, HEAD) are always sent. The engine's failures become `ContainerError.engine`, with the
/// exit status `HTTPError.exitStatus` gives.
struct EngineRequests: Sendable {
    /// What the managers call: Docker's versioned API, or Podman's libpod paths.
    let send: @Sendable (HTTPRequest) throws -> HTTPResponse
    let stream: @Sendable (HTTPRequest) throws -> HTTPResponseStream
    let attach: @Sendable (HTTPRequest) throws -> HTTPUpgradedConnection
    let context: VerbContext
    let masker: SecretMasker
    /// `docker` or `podman`, for messages.
    let engineName: String

    /// Sends a request; an answer of 400 or more throws, 404 as `HTTPError.engine(404, ...)`.
    @discardableResult
    func perform(_ request: HTTPRequest, _ what: String) throws -> HTTPResponse {
        if let plan = planned(request) {
            plan.write(describe(request))
            return HTTPResponse(
                head: HTTPResponseHead(status: 204, reason: "No Content", headers: HTTPHeaders()), body: [])
        }
        echo(request)
        do {
            let response = try send(request)
            context.executor.echo?.write("< \(response.status)\n")
            return response
        } catch let error as HTTPError {
            context.executor.echo?.write("< \(error)\n")
            throw error
        }
    }

    /// Like `perform`, and turns every failure into a `ContainerError` saying `what` failed.
    @discardableResult
    func require(_ request: HTTPRequest, _ what: String) throws -> HTTPResponse {
        do {
            return try perform(request, what)
        } catch let error as HTTPError {
            throw failure(error, what)
        }
    }

    /// A streamed answer (pull progress, logs, wait); nil in a dry run for a changing request.
    func open(_ request: HTTPRequest, _ what: String) throws -> HTTPResponseStream? {
        try sendOrPlan(request, what, stream)
    }

    /// A hijacked attach; nil in a dry run.
    func hijack(_ request: HTTPRequest, _ what: String) throws -> HTTPUpgradedConnection? {
        try sendOrPlan(request, what, attach)
    }

    private func sendOrPlan<Answer>(
        _ request: HTTPRequest, _ what: String, _ call: (HTTPRequest) throws -> Answer
    ) throws -> Answer? {
        if let plan = planned(request) {
            plan.write(describe(request))
            return nil
        }
        echo(request)
        do {
            return try call(request)
        } catch let error as HTTPError {
            throw failure(error, what)
        }
    }

    func failure(_ error: HTTPError, _ what: String) -> ContainerError {
        .engine(what: what, error, masker: masker)
    }

    private func planned(_ request: HTTPRequest) -> OutputChannel? {
        guard let plan = context.executor.plan, request.method != "GET", request.method != "HEAD" else { return nil }
        return plan
    }

    private func echo(_ request: HTTPRequest) {
        context.executor.echo?.write(masker.apply("> \(request.method) \(request.target)\n") + body(request))
    }

    func describe(_ request: HTTPRequest) -> String {
        masker.apply("\(engineName) API: \(request.method) \(request.target)\n") + body(request)
    }

    private func body(_ request: HTTPRequest) -> String {
        guard let body = request.body, !body.isEmpty else { return "" }
        return GeneratedFiles.indented(masker.apply(String(decoding: body, as: UTF8.self)))
    }
}
