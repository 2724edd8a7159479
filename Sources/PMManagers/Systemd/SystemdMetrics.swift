import PMCore
import PMHTTP
import PMSystem

/// The samples of one service from `systemctl show`, with the
/// `service` label. Counters systemd does not know are 0; the memory limit and percent only
/// with a limit. The CPU reading is keyed on the unit's `InvocationID`, so a service restart
/// between two runs never yields a percent (docs/differences.md#sd-21); the percent itself is computed by
/// the metrics collector against the state directory's baseline.
struct SystemdMetrics {
    let report: MetricsReport

    init(service: String, properties: UnitProperties, resample: @escaping @Sendable () throws -> UnitProperties) throws
    {
        let labels = [(name: "service", value: service)]
        let status = SystemdManager.status(properties)
        let now = Clock.wall
        func sample(_ family: MetricFamily, _ value: MetricSample.Value) -> MetricSample {
            MetricSample(family, value, labels: labels, timestamp: now)
        }
        var samples = [try SystemdManager.upSample(status, labels: labels)]
        let cpu = Self.cpuReading(properties, labels: labels, resample: resample)
        if let cpu { samples.append(sample(.cpuSecondsTotal, .real(cpu.seconds))) }
        let used = properties.count("MemoryCurrent") ?? 0
        samples.append(sample(.memoryUsageBytes, .unsigned(used)))
        if let limit = properties.count("MemoryMax"), limit > 0 {
            samples.append(sample(.memoryLimitBytes, .unsigned(limit)))
            samples.append(sample(.memoryUsagePercent, .real(Double(used) / Double(limit) * 100)))
        }
        samples += [
            sample(.networkReceiveBytesTotal, .unsigned(properties.count("IPIngressBytes") ?? 0)),
            sample(.networkTransmitBytesTotal, .unsigned(properties.count("IPEgressBytes") ?? 0)),
            sample(.blockIOReadBytesTotal, .unsigned(properties.count("IOReadBytes") ?? 0)),
            sample(.blockIOWriteBytesTotal, .unsigned(properties.count("IOWriteBytes") ?? 0)),
            sample(.processPIDs, .unsigned(properties.count("TasksCurrent") ?? 0))
        ]
        report = MetricsReport(samples: samples, cpu: cpu, status: status)
    }

    /// CPU time from `CPUUsageNSec`, identified by the invocation (else main pid and start time).
    static func cpuReading(
        _ properties: UnitProperties, labels: [(name: String, value: String)],
        resample: @escaping @Sendable () throws -> UnitProperties
    ) -> CPUReading? {
        guard let nanoseconds = properties.count("CPUUsageNSec") else { return nil }
        var identity = properties["InvocationID"] ?? ""
        if identity.isEmpty || !identity.utf8.allSatisfy({ ASCII.isLetter($0) || ASCII.isDigit($0) }) {
            identity = "\(properties.count("MainPID") ?? 0)@\(properties.count("ExecMainStartTimestampMonotonic") ?? 0)"
        }
        return CPUReading(identity: identity, seconds: Double(nanoseconds) / 1e9, labels: labels) {
            cpuReading(try resample(), labels: labels, resample: resample)
        }
    }
}
