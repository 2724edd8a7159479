import PMSystem

/// Which Docker engine to talk to, and in which API version, decided once from the process
/// manager's options and the environment exactly as the reference does:
///
/// - when any of `host`, `cert_path`, `api_version` is set in `process_manager.config`, those
///   decide and the environment is ignored entirely;
/// - otherwise `DOCKER_HOST`, `DOCKER_API_VERSION` (and the TLS variables) do;
/// - the default is `unix:///var/run/docker.sock`, with the version negotiated over `/_ping`.
///
/// TLS (`cert_path`, `DOCKER_CERT_PATH`, `DOCKER_TLS_VERIFY`, `https://`) is refused with an
/// error that names `ssh://` as the way to a remote engine.
package struct EngineSelection: Equatable {
    package let endpoint: EngineEndpoint
    /// The configured version, or nil to negotiate with the engine.
    package let apiVersion: APIVersion?

    package init(endpoint: EngineEndpoint, apiVersion: APIVersion?) {
        self.endpoint = endpoint
        self.apiVersion = apiVersion
    }

    /// `options` is `process_manager.config` (with `-o` entries laid over it); `environment`
    /// looks up a variable (the process's own by default).
    package static func docker(
        options: [String: String],
        environment: (String) -> String? = ProcessEnvironment.value
    ) throws -> EngineSelection {
        let value = { (text: String?) in text.flatMap { $0.isEmpty ? nil : $0 } }
        let keys = ["host", "cert_path", "api_version"]
        if keys.contains(where: { value(options[$0]) != nil }) {
            let source = { (key: String) in "process_manager.config \(key)" }
            if value(options["cert_path"]) != nil { throw HTTPError.tlsUnsupported(source: source("cert_path")) }
            return try EngineSelection(
                host: value(options["host"]), hostSource: source("host"),
                version: value(options["api_version"]), versionSource: source("api_version"))
        }
        for name in ["DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY"] where value(environment(name)) != nil {
            throw HTTPError.tlsUnsupported(source: name)
        }
        return try EngineSelection(
            host: value(environment("DOCKER_HOST")), hostSource: "DOCKER_HOST",
            version: value(environment("DOCKER_API_VERSION")), versionSource: "DOCKER_API_VERSION")
    }

    private init(host: String?, hostSource: String, version: String?, versionSource: String) throws {
        endpoint = try host.map { try EngineEndpoint.parse($0, source: hostSource) } ?? .dockerDefault
        apiVersion = try version.map { try APIVersion.parse($0, source: versionSource) }
    }
}
