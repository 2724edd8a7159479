import PMCore
import PMHTTP
import PMSystem

/// A running container's usage from `GET /containers/{name}/stats?stream=false&one-shot=true`.
/// One-shot stats carry no previous sample, so the CPU percent comes from the state directory's
/// baseline of `cpu_stats`; the reference asked the engine to wait a second per server
/// (docs/differences.md#dock-5). Memory is counted as `docker stats` counts it: usage less
/// inactive file pages (docs/differences.md#dock-2). Without stats the report still says the
/// server is up (docs/differences.md#dock-4).
enum DockerStats {
    static func report(
        stats: JSONValue?, container: ContainerManager.Container, labels: [(name: String, value: String)],
        resample: @escaping @Sendable () throws -> JSONValue?
    ) -> MetricsReport {
        ContainerUsage.report(
            stats.map { usage($0, container: container, labels: labels, resample: resample) }, labels: labels)
    }

    static func usage(
        _ stats: JSONValue, container: ContainerManager.Container, labels: [(name: String, value: String)],
        resample: @escaping @Sendable () throws -> JSONValue?
    ) -> ContainerUsage {
        var usage = ContainerUsage()
        usage.cpu = cpuReading(stats, container: container, labels: labels, resample: resample)
        usage.memoryUsed = memoryUsed(stats)
        usage.memoryLimit = stats["memory_stats", "limit"]?.unsigned
        let networks = stats["networks"]?.object?.members.map(\.value) ?? []
        usage.received = networks.reduce(0) { $0 &+ ($1["rx_bytes"]?.unsigned ?? 0) }
        usage.sent = networks.reduce(0) { $0 &+ ($1["tx_bytes"]?.unsigned ?? 0) }
        let io = stats["blkio_stats", "io_service_bytes_recursive"]?.array ?? []
        func blockIO(_ op: String) -> UInt64 {
            io.filter { $0["op"]?.string?.lowercased() == op }.reduce(0) { $0 &+ ($1["value"]?.unsigned ?? 0) }
        }
        usage.read = blockIO("read")
        usage.written = blockIO("write")
        usage.pids = stats["pids_stats", "current"]?.unsigned ?? 0
        return usage
    }

    /// `usage` less `total_inactive_file` (cgroup v1) or `inactive_file` (v2) when smaller.
    static func memoryUsed(_ stats: JSONValue) -> UInt64 {
        let usage = stats["memory_stats", "usage"]?.unsigned ?? 0
        for key in ["total_inactive_file", "inactive_file"] {
            if let inactive = stats["memory_stats", "stats", key]?.unsigned, inactive < usage {
                return usage - inactive
            }
        }
        return usage
    }

    static func cpuReading(
        _ stats: JSONValue, container: ContainerManager.Container, labels: [(name: String, value: String)],
        resample: @escaping @Sendable () throws -> JSONValue?
    ) -> CPUReading? {
        guard let total = stats["cpu_stats", "cpu_usage", "total_usage"]?.unsigned else { return nil }
        return ContainerUsage.cpuReading(nanoseconds: total, container: container, labels: labels) {
            try resample().flatMap { cpuReading($0, container: container, labels: labels, resample: resample) }
        }
    }
}
