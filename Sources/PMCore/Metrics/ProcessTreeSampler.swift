import PMSystem

/// Totals over a process tree: what `pm-metrics` reports for tmux and simple servers.
package struct ProcessTreeSample: Equatable {
    package let cpuSeconds: Double
    package let memoryBytes: UInt64
    package let readBytes: UInt64
    package let writeBytes: UInt64
    package let processes: Int
    /// The roots' identity (pid and start time): changes when the server restarted.
    package let identity: String

    /// The families the process tree can give, with `labels`.
    package func samples(labels: [(name: String, value: String)], at time: Double) -> [MetricSample] {
        [
            MetricSample(.cpuSecondsTotal, .real(cpuSeconds), labels: labels, timestamp: time),
            MetricSample(.memoryUsageBytes, .unsigned(memoryBytes), labels: labels, timestamp: time),
            MetricSample(.blockIOReadBytesTotal, .unsigned(readBytes), labels: labels, timestamp: time),
            MetricSample(.blockIOWriteBytesTotal, .unsigned(writeBytes), labels: labels, timestamp: time),
            MetricSample(.processPIDs, .unsigned(UInt64(processes)), labels: labels, timestamp: time)
        ]
    }
}

/// Sums CPU time, resident memory (proportional set size, so shared pages count once), block
/// I/O and the number of processes over the trees of some root processes. Network bytes are not
/// per process on Linux, so they are not reported.
package enum ProcessTreeSampler {
    package static func sample(roots: [Int32], in table: ProcessTable) -> ProcessTreeSample? {
        let members = table.tree(of: roots)
        guard !members.isEmpty else { return nil }
        var cpuTicks: UInt64 = 0
        var memory: UInt64 = 0
        var read: UInt64 = 0
        var write: UInt64 = 0
        for member in members {
            cpuTicks += member.cpuTicks
            memory += ProcFileSystem.proportionalSetBytes(member.pid) ?? member.residentPages * ProcFileSystem.pageSize
            if let io = ProcFileSystem.blockIO(member.pid) {
                read += io.read
                write += io.write
            }
        }
        let identity = roots.compactMap { table.entries[$0] }.map { "\($0.pid)@\($0.startTicks)" }.sorted().joined(
            separator: ",")
        return ProcessTreeSample(
            cpuSeconds: Double(cpuTicks) / ProcFileSystem.ticksPerSecond,
            memoryBytes: memory, readBytes: read, writeBytes: write,
            processes: members.count, identity: identity)
    }

}

/// One `/proc` snapshot per round, shared by the servers of a batch.
package final class ProcessTableCache: Sendable {
    package static let shared = ProcessTableCache()
    private let table = Locked<ProcessTable?>(nil)

    package func current() -> ProcessTable {
        table.withLock { table in
            if let table { return table }
            let fresh = ProcessTable.read()
            table = fresh
            return fresh
        }
    }

    /// The next `current()` reads `/proc` again.
    package func invalidate() {
        table.withLock { $0 = nil }
    }
}
