/// The samples of a running container from `GET /containers/{name}/stats?stream=false&one-shot=true`
/// (`containers.md` §2.6), with the `container` label. One-shot stats carry no previous sample,
/// so the CPU percent comes from the state directory's baseline of `cpu_stats` (keyed on the
/// container's id and start time); the reference asked the engine to wait a second per
/// server (§9 item 12). Memory is counted as `docker stats` counts it: usage less inactive
/// file pages (item 8). Without stats the report still says the server is up (item 11).
struct DockerStats {
    let report: MetricsReport

    init(stats: JSONValue?, container: ContainerManager.Container, labels: [(name: String, value: String)],
         resample: @escaping () throws -> JSONValue?) {
        var samples: [MetricSample] = []
        let now = Clock.wall
        func sample(_ family: MetricFamily, _ value: MetricSample.Value) {
            samples.append(MetricSample(family, value, labels: labels, timestamp: now))
        }
        sample(.up, .unsigned(1))
        guard let stats else {
            report = MetricsReport(samples: samples, cpu: nil)
            return
        }
        let cpu = Self.cpuReading(stats, container: container, labels: labels, resample: resample)
        if let cpu { sample(.cpuSecondsTotal, .real(cpu.seconds)) }
        let used = Self.memoryUsed(stats)
        sample(.memoryUsageBytes, .unsigned(used))
        if let limit = stats["memory_stats", "limit"]?.unsigned, limit > 0 {
            sample(.memoryLimitBytes, .unsigned(limit))
            sample(.memoryUsagePercent, .real(Double(used) / Double(limit) * 100))
        }
        let networks = stats["networks"]?.object?.members.map(\.value) ?? []
        sample(.networkReceiveBytesTotal, .unsigned(networks.reduce(0) { $0 &+ ($1["rx_bytes"]?.unsigned ?? 0) }))
        sample(.networkTransmitBytesTotal, .unsigned(networks.reduce(0) { $0 &+ ($1["tx_bytes"]?.unsigned ?? 0) }))
        let io = stats["blkio_stats", "io_service_bytes_recursive"]?.array ?? []
        func blockIO(_ op: String) -> UInt64 {
            io.filter { $0["op"]?.string?.lowercased() == op }.reduce(0) { $0 &+ ($1["value"]?.unsigned ?? 0) }
        }
        sample(.blockIOReadBytesTotal, .unsigned(blockIO("read")))
        sample(.blockIOWriteBytesTotal, .unsigned(blockIO("write")))
        sample(.processPIDs, .unsigned(stats["pids_stats", "current"]?.unsigned ?? 0))
        report = MetricsReport(samples: samples, cpu: cpu)
    }

    /// `usage` less `total_inactive_file` (cgroup v1) or `inactive_file` (v2) when smaller.
    static func memoryUsed(_ stats: JSONValue) -> UInt64 {
        let usage = stats["memory_stats", "usage"]?.unsigned ?? 0
        for key in ["total_inactive_file", "inactive_file"] {
            if let inactive = stats["memory_stats", "stats", key]?.unsigned, inactive < usage { return usage - inactive }
        }
        return usage
    }

    static func cpuReading(_ stats: JSONValue, container: ContainerManager.Container, labels: [(name: String, value: String)],
                           resample: @escaping () throws -> JSONValue?) -> CPUReading? {
        guard let total = stats["cpu_stats", "cpu_usage", "total_usage"]?.unsigned else { return nil }
        let identity = "\(container.id.prefix(64))@\(container.startedAt)".filter { !$0.isWhitespace }
        return CPUReading(identity: identity, seconds: Double(total) / 1e9, labels: labels) {
            try resample().flatMap { cpuReading($0, container: container, labels: labels, resample: resample) }
        }
    }
}
