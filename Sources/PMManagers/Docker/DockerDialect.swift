import PMCore
import PMHTTP
import PMSystem

/// The Docker Engine API: `?name=` on create, `t` for the stop's grace,
/// `1` for booleans, one-shot stats in Docker's shape, `{"StatusCode": n}` from wait.
struct DockerDialect: ContainerDialect {
    let kind = ManagerKind.docker
    let closesInputAfterAttach = false

    func createBody(
        _ server: Server, _ settings: ContainerSettings, name: String, command: [String], user: String
    ) throws -> JSONValue {
        try DockerContainerSpec.runtime(server, settings, name: name, command: command, user: user)
    }

    func installationBody(
        _ server: Server, name: String, image: ImageReference, command: [String], script: ContainerMount,
        user: String
    ) -> JSONValue {
        DockerContainerSpec.installation(server, image: image.name, command: command, script: script, user: user)
    }

    func create(name: String, _ body: JSONValue) -> HTTPRequest {
        .json("POST", "/containers/create", query: ["name": name], body)
    }

    func imageProbe(_ image: ImageReference) -> HTTPRequest { HTTPRequest("GET", "/images/\(image.name)/json") }

    func pull(_ image: ImageReference) -> HTTPRequest {
        HTTPRequest("POST", "/images/create", query: image.pullQuery)
    }

    func stop(_ name: String, grace: Int) -> HTTPRequest {
        HTTPRequest("POST", "/containers/\(name)/stop", query: ["t": String(grace)], readTimeout: Double(grace) + 60)
    }

    func remove(_ name: String, force: Bool) -> HTTPRequest {
        HTTPRequest("DELETE", "/containers/\(name)", query: force ? ["force": "1"] : [:])
    }

    func logs(_ name: String, tail: String?, follow: Bool, since: Double?, timestamps: Bool) -> HTTPRequest {
        var query = ["stdout": "1", "stderr": "1"]
        if follow { query["follow"] = "1" }
        if let since { query["since"] = String(Int(since.rounded(.down))) }
        if timestamps { query["timestamps"] = "1" }
        query["tail"] = tail ?? "all"
        return HTTPRequest("GET", "/containers/\(name)/logs", query: query, readTimeout: follow ? .infinity : nil)
    }

    func stats(_ name: String) -> HTTPRequest {
        HTTPRequest("GET", "/containers/\(name)/stats", query: ["stream": "false", "one-shot": "true"])
    }

    func metrics(
        stats: JSONValue?, container: ContainerManager.Container, labels: [(name: String, value: String)],
        resample: @escaping @Sendable () throws -> JSONValue?
    ) -> MetricsReport {
        DockerStats.report(stats: stats, container: container, labels: labels, resample: resample)
    }

    func updateRestartPolicy(_ name: String, _ policy: String) -> HTTPRequest? {
        .json(
            "POST", "/containers/\(name)/update",
            .object(JSONObject([("RestartPolicy", .object(JSONObject([("Name", .string(policy))])))])))
    }

    func wait(_ id: String) -> HTTPRequest {
        HTTPRequest("POST", "/containers/\(id)/wait", query: ["condition": "not-running"], readTimeout: .infinity)
    }

    func exitStatus(ofWait response: HTTPResponse) -> Int? {
        (try? response.json())?["StatusCode"]?.integer
    }
}
