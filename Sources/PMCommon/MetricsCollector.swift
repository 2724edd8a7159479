import PMCore
import PMHTTP
import PMManagers
import PMSystem

/// Gathers the metrics of a batch and adds CPU percentages: against each
/// server's baseline from the state directory when it has a usable one; otherwise from a second
/// reading taken `--interval` seconds later, one sleep for the whole batch. A server without
/// either gets no CPU percent. Every reading then becomes the server's next baseline.
final class MetricsCollector: Sendable {
    private let collected = Locked<[(name: String, report: MetricsReport)]>([])

    func add(_ report: MetricsReport, for name: String) {
        collected.withLock { $0.append((name, report)) }
    }

    func finish(state: StateDirectory, interval: Double, warn: (String) -> Void) -> [MetricSample] {
        let baselines: CPUBaselines?
        do {
            baselines = try CPUBaselines(state: state)
        } catch {
            warn("CPU percentages need two samples each run: \(error)")
            baselines = nil
        }
        let reports = collected.withLock { $0 }
        var samples = reports.flatMap(\.report.samples)
        var latest: [(name: String, reading: CPUReading)] = []
        var pending: [(name: String, first: CPUReading)] = []
        for (name, report) in reports {
            guard let reading = report.cpu else { continue }
            if let baseline = baselines?.baseline(for: name, matching: reading),
                let percent = reading.percent(since: baseline)
            {
                samples.append(sample(percent, reading))
                latest.append((name, reading))
            } else {
                pending.append((name, reading))
            }
        }
        if !pending.isEmpty && interval > 0 {
            Clock.sleep(seconds: interval)
            ProcessTableCache.shared.invalidate()
            let second = resample(pending.map(\.first))
            for (index, entry) in pending.enumerated() {
                guard var reading = second[index] else { continue }
                reading.labels = entry.first.labels
                if let percent = reading.percent(since: (entry.first.identity, entry.first.seconds, entry.first.at)) {
                    samples.append(sample(percent, reading))
                }
                latest.append((entry.name, reading))
            }
        } else {
            latest += pending.map { ($0.name, $0.first) }
        }
        for entry in latest {
            do { try baselines?.save(entry.reading, for: entry.name) } catch {
                warn("cannot keep the CPU baseline of \(entry.name): \(error)")
            }
        }
        return samples
    }

    /// Second readings of many servers at once.
    private func resample(_ readings: [CPUReading]) -> [CPUReading?] {
        let results = Locked([CPUReading?](repeating: nil, count: readings.count))
        Parallel.forEach(readings.count, width: Batch.width) { index in
            let reading = try? readings[index].resample?()
            results.withLock { $0[index] = reading ?? nil }
        }
        return results.withLock { $0 }
    }

    private func sample(_ percent: Double, _ reading: CPUReading) -> MetricSample {
        MetricSample(
            .cpuUsagePercent, .real((percent * 100).rounded() / 100), labels: reading.labels, timestamp: Clock.wall)
    }
}
