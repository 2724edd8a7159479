import PMCore
import PMHTTP
import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Podman's libpod API: `/v4.0.0/libpod` paths, a SpecGenerator create body with the name
/// inside, `timeout` for the stop's grace, `true` for booleans. Fixed, on purpose (POD-1 to
/// POD-5 and POD-7 in docs/differences.md): wait answers a bare number, metrics come from
/// `/containers/stats?containers=...` (Podman 5's `Network` map summed), logs are
/// demultiplexed, 304 from stop and start is success, console input goes through an exec
/// (Podman closes a container's input when an attach ends), and every request has its own
/// timeout instead of one five-minute limit.
struct PodmanDialect: ContainerDialect {
    static let pathPrefix = "/v4.0.0/libpod"

    let kind = ManagerKind.podman
    let closesInputAfterAttach = true

    /// `socket_path`, else `/run/user/<uid>/podman/podman.sock` for a user that has one, else
    /// `/run/podman/podman.sock`. A bare path is taken as a unix socket.
    static func socket(options: [String: String], uid: uid_t = geteuid()) -> String {
        if let path = options["socket_path"]?.trimmingWhitespace, !path.isEmpty {
            return path.hasPrefix("/") ? "unix://" + path : path
        }
        let rootless = "/run/user/\(uid)/podman/podman.sock"
        if uid != 0 && FileSystem.exists(rootless) { return "unix://" + rootless }
        return "unix:///run/podman/podman.sock"
    }

    func createBody(
        _ server: Server, _ settings: ContainerSettings, name: String, command: [String], user: String
    ) throws -> JSONValue {
        try PodmanSpec.runtime(server, settings, name: name, command: command, user: user)
    }

    func installationBody(
        _ server: Server, name: String, image: ImageReference, command: [String], script: ContainerMount,
        user: String
    ) -> JSONValue {
        PodmanSpec.installation(server, name: name, image: image.name, command: command, script: script, user: user)
    }

    func create(name: String, _ body: JSONValue) -> HTTPRequest { .json("POST", "/containers/create", body) }

    func imageProbe(_ image: ImageReference) -> HTTPRequest { HTTPRequest("GET", "/images/\(image.name)/exists") }

    func pull(_ image: ImageReference) -> HTTPRequest {
        HTTPRequest("POST", "/images/pull", query: ["reference": image.name])
    }

    func stop(_ name: String, grace: Int) -> HTTPRequest {
        HTTPRequest(
            "POST", "/containers/\(name)/stop", query: ["timeout": String(grace)], readTimeout: Double(grace) + 60)
    }

    func remove(_ name: String, force: Bool) -> HTTPRequest {
        HTTPRequest("DELETE", "/containers/\(name)", query: force ? ["force": "true"] : [:])
    }

    func logs(_ name: String, tail: String?, follow: Bool, since: Double?, timestamps: Bool) -> HTTPRequest {
        var query = ["stdout": "true", "stderr": "true"]
        if follow { query["follow"] = "true" }
        if let since { query["since"] = String(Int(since.rounded(.down))) }
        if timestamps { query["timestamps"] = "true" }
        if let tail { query["tail"] = tail }
        return HTTPRequest("GET", "/containers/\(name)/logs", query: query, readTimeout: follow ? .infinity : nil)
    }

    func stats(_ name: String) -> HTTPRequest {
        HTTPRequest("GET", "/containers/stats", query: ["containers": name, "stream": "false"])
    }

    func metrics(
        stats: JSONValue?, container: ContainerManager.Container, labels: [(name: String, value: String)],
        resample: @escaping @Sendable () throws -> JSONValue?
    ) -> MetricsReport {
        PodmanStats.report(stats: stats, container: container, labels: labels, resample: resample)
    }

    func updateRestartPolicy(_ name: String, _ policy: String) -> HTTPRequest? { nil }

    func wait(_ id: String) -> HTTPRequest {
        HTTPRequest("POST", "/containers/\(id)/wait", readTimeout: .infinity)
    }

    /// libpod answers `0` (a bare number), not the object the reference decoded (docs/differences.md#pod-1).
    func exitStatus(ofWait response: HTTPResponse) -> Int? {
        if let number = Int(response.text.trimmingWhitespace) { return number }
        return (try? response.json())?["StatusCode"]?.integer
    }
}
