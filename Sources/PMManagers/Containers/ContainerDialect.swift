import PMCore
import PMHTTP
import PMSystem

/// What differs between the engines a `ContainerManager` drives: Docker's Engine API and
/// Podman's libpod API. Paths are below the API's prefix.
protocol ContainerDialect: Sendable {
    /// `.docker` or `.podman`.
    var kind: ManagerKind { get }
    /// The engine closes a container's input when an attach ends (Podman), so console input
    /// goes through an exec (`ConsoleExec`).
    var closesInputAfterAttach: Bool { get }

    func createBody(
        _ server: Server, _ settings: ContainerSettings, name: String, command: [String], user: String
    ) throws -> JSONValue
    func installationBody(
        _ server: Server, name: String, image: ImageReference, command: [String], script: ContainerMount,
        user: String
    ) -> JSONValue
    func create(name: String, _ body: JSONValue) -> HTTPRequest
    /// Answered 2xx when the engine has the image, 404 when not.
    func imageProbe(_ image: ImageReference) -> HTTPRequest
    func pull(_ image: ImageReference) -> HTTPRequest
    func stop(_ name: String, grace: Int) -> HTTPRequest
    func remove(_ name: String, force: Bool) -> HTTPRequest
    /// `tail`: how many of the last lines; nil for all.
    /// The container's log: the last `tail` lines (nil: all), since `since` (seconds since the
    /// epoch), each after its time with `timestamps`, and on as it grows with `follow`.
    func logs(_ name: String, tail: String?, follow: Bool, since: Double?, timestamps: Bool) -> HTTPRequest
    func stats(_ name: String) -> HTTPRequest
    func metrics(
        stats: JSONValue?, container: ContainerManager.Container, labels: [(name: String, value: String)],
        resample: @escaping @Sendable () throws -> JSONValue?
    ) -> MetricsReport
    /// The exit status in the answer of `POST /containers/{id}/wait`.
    func exitStatus(ofWait response: HTTPResponse) -> Int?
    func wait(_ id: String) -> HTTPRequest
    /// Changes a container's restart policy (`no`, `always`); nil where the engine cannot
    /// (Podman 4's update changes resources only).
    func updateRestartPolicy(_ name: String, _ policy: String) -> HTTPRequest?
}

extension ContainerDialect {
    /// `docker` or `podman`, for messages.
    var engineName: String { kind.rawValue }
}
