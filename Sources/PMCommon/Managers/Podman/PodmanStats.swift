/// The samples of a running container from libpod's `GET /containers/stats?containers=NAME&stream=false`
/// (`containers.md` §3.5, §9 item 2): `{"Error": null, "Stats": [{...}]}`. CPU time is
/// `CPUNano`; the percent comes from the state directory's baseline, as for Docker. Podman 5
/// replaced `NetInput`/`NetOutput` with a `Network` map, which is summed.
struct PodmanStats {
    let report: MetricsReport

    init(stats: JSONValue?, container: ContainerManager.Container, labels: [(name: String, value: String)],
         resample: @escaping () throws -> JSONValue?) {
        var samples: [MetricSample] = []
        let now = Clock.wall
        func sample(_ family: MetricFamily, _ value: MetricSample.Value) {
            samples.append(MetricSample(family, value, labels: labels, timestamp: now))
        }
        sample(.up, .unsigned(1))
        guard let entry = Self.entry(stats) else {
            report = MetricsReport(samples: samples, cpu: nil)
            return
        }
        let cpu = Self.cpuReading(entry, container: container, labels: labels, resample: resample)
        if let cpu { sample(.cpuSecondsTotal, .real(cpu.seconds)) }
        let used = entry["MemUsage"]?.unsigned ?? 0
        sample(.memoryUsageBytes, .unsigned(used))
        if let limit = entry["MemLimit"]?.unsigned, limit > 0 {
            sample(.memoryLimitBytes, .unsigned(limit))
            sample(.memoryUsagePercent, .real(Double(used) / Double(limit) * 100))
        }
        let networks = entry["Network"]?.object?.members.map(\.value) ?? []
        let received = entry["NetInput"]?.unsigned ?? networks.reduce(0) { $0 &+ ($1["RxBytes"]?.unsigned ?? 0) }
        let sent = entry["NetOutput"]?.unsigned ?? networks.reduce(0) { $0 &+ ($1["TxBytes"]?.unsigned ?? 0) }
        sample(.networkReceiveBytesTotal, .unsigned(received))
        sample(.networkTransmitBytesTotal, .unsigned(sent))
        sample(.blockIOReadBytesTotal, .unsigned(entry["BlockInput"]?.unsigned ?? 0))
        sample(.blockIOWriteBytesTotal, .unsigned(entry["BlockOutput"]?.unsigned ?? 0))
        sample(.processPIDs, .unsigned(entry["PIDs"]?.unsigned ?? 0))
        report = MetricsReport(samples: samples, cpu: cpu)
    }

    /// The first entry of `Stats`, when the answer carries no error.
    static func entry(_ stats: JSONValue?) -> JSONValue? {
        guard let stats, stats["Error"] == nil || stats["Error"] == .null else { return nil }
        return stats["Stats"]?.array?.first
    }

    static func cpuReading(_ entry: JSONValue, container: ContainerManager.Container, labels: [(name: String, value: String)],
                           resample: @escaping () throws -> JSONValue?) -> CPUReading? {
        guard let nanoseconds = entry["CPUNano"]?.unsigned else { return nil }
        let identity = "\(container.id.prefix(64))@\(container.startedAt)".filter { !$0.isWhitespace }
        return CPUReading(identity: identity, seconds: Double(nanoseconds) / 1e9, labels: labels) {
            try resample().flatMap { Self.entry($0) }.flatMap { cpuReading($0, container: container, labels: labels, resample: resample) }
        }
    }
}
