import PMCore
import PMHTTP
import PMSystem

/// A running container's usage from libpod's `GET /containers/stats?containers=NAME&stream=false`
/// (docs/differences.md#pod-2), which answers `{"Error": null, "Stats": [{...}]}`. CPU time is
/// `CPUNano`; the percent comes from the state directory's baseline, as for Docker. Podman 5
/// replaced `NetInput`/`NetOutput` with a `Network` map, which is summed.
enum PodmanStats {
    static func report(
        stats: JSONValue?, container: ContainerManager.Container, labels: [(name: String, value: String)],
        resample: @escaping @Sendable () throws -> JSONValue?
    ) -> MetricsReport {
        ContainerUsage.report(
            entry(stats).map { usage($0, container: container, labels: labels, resample: resample) }, labels: labels)
    }

    static func usage(
        _ entry: JSONValue, container: ContainerManager.Container, labels: [(name: String, value: String)],
        resample: @escaping @Sendable () throws -> JSONValue?
    ) -> ContainerUsage {
        var usage = ContainerUsage()
        usage.cpu = cpuReading(entry, container: container, labels: labels, resample: resample)
        usage.memoryUsed = entry["MemUsage"]?.unsigned ?? 0
        usage.memoryLimit = entry["MemLimit"]?.unsigned
        let networks = entry["Network"]?.object?.members.map(\.value) ?? []
        usage.received = entry["NetInput"]?.unsigned ?? networks.reduce(0) { $0 &+ ($1["RxBytes"]?.unsigned ?? 0) }
        usage.sent = entry["NetOutput"]?.unsigned ?? networks.reduce(0) { $0 &+ ($1["TxBytes"]?.unsigned ?? 0) }
        usage.read = entry["BlockInput"]?.unsigned ?? 0
        usage.written = entry["BlockOutput"]?.unsigned ?? 0
        usage.pids = entry["PIDs"]?.unsigned ?? 0
        return usage
    }

    /// The first entry of `Stats`, when the answer carries no error.
    static func entry(_ stats: JSONValue?) -> JSONValue? {
        guard let stats, stats["Error"] == nil || stats["Error"] == .null else { return nil }
        return stats["Stats"]?.array?.first
    }

    static func cpuReading(
        _ entry: JSONValue, container: ContainerManager.Container, labels: [(name: String, value: String)],
        resample: @escaping @Sendable () throws -> JSONValue?
    ) -> CPUReading? {
        guard let nanoseconds = entry["CPUNano"]?.unsigned else { return nil }
        return ContainerUsage.cpuReading(nanoseconds: nanoseconds, container: container, labels: labels) {
            try resample().flatMap { Self.entry($0) }.flatMap {
                cpuReading($0, container: container, labels: labels, resample: resample)
            }
        }
    }
}
