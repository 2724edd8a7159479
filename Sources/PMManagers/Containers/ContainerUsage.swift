import PMCore
import PMHTTP
import PMSystem

/// What an engine's stats say of a running container, in the units `pm-metrics` reports; the
/// engines' stats shapes are read into it (`DockerStats`, `PodmanStats`).
struct ContainerUsage {
    var cpu: CPUReading?
    var memoryUsed: UInt64 = 0
    var memoryLimit: UInt64?
    var received: UInt64 = 0
    var sent: UInt64 = 0
    var read: UInt64 = 0
    var written: UInt64 = 0
    var pids: UInt64 = 0

    /// `up`, then, when there are stats, the rest (the limit and the percent only with a limit).
    static func report(_ usage: ContainerUsage?, labels: [(name: String, value: String)]) -> MetricsReport {
        let now = Clock.wall
        var samples: [MetricSample] = []
        func sample(_ family: MetricFamily, _ value: MetricSample.Value) {
            samples.append(MetricSample(family, value, labels: labels, timestamp: now))
        }
        sample(.up, .unsigned(1))
        guard let usage else { return MetricsReport(samples: samples, cpu: nil) }
        if let cpu = usage.cpu { sample(.cpuSecondsTotal, .real(cpu.seconds)) }
        sample(.memoryUsageBytes, .unsigned(usage.memoryUsed))
        if let limit = usage.memoryLimit, limit > 0 {
            sample(.memoryLimitBytes, .unsigned(limit))
            sample(.memoryUsagePercent, .real(Double(usage.memoryUsed) / Double(limit) * 100))
        }
        sample(.networkReceiveBytesTotal, .unsigned(usage.received))
        sample(.networkTransmitBytesTotal, .unsigned(usage.sent))
        sample(.blockIOReadBytesTotal, .unsigned(usage.read))
        sample(.blockIOWriteBytesTotal, .unsigned(usage.written))
        sample(.processPIDs, .unsigned(usage.pids))
        return MetricsReport(samples: samples, cpu: usage.cpu)
    }

    /// The CPU reading of a container's CPU time, keyed on its id and start time (a restart
    /// gives another key, so no percent spans two runs).
    static func cpuReading(
        nanoseconds: UInt64, container: ContainerManager.Container, labels: [(name: String, value: String)],
        resample: @escaping @Sendable () throws -> CPUReading?
    ) -> CPUReading {
        let identity = "\(container.id.prefix(64))@\(container.startedAt)".filter { !$0.isWhitespace }
        return CPUReading(identity: identity, seconds: Double(nanoseconds) / 1e9, labels: labels, resample: resample)
    }
}
