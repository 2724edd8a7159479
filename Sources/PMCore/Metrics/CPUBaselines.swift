import PMSystem

/// A reading of a server's CPU time, and how to take the next one.
package struct CPUReading: Sendable {
    /// What identifies the running processes (roots' pid and start time); a restart changes it.
    package let identity: String
    /// CPU seconds used so far (user + system).
    package let seconds: Double
    /// When, on the monotonic clock (shared by all processes since boot).
    package let at: Double
    /// The labels of the percent sample.
    package var labels: [(name: String, value: String)]
    /// Takes a fresh reading of the same processes, for the second of two samples.
    package let resample: (@Sendable () throws -> CPUReading?)?

    package init(
        identity: String, seconds: Double, at: Double = Clock.monotonic, labels: [(name: String, value: String)],
        resample: (@Sendable () throws -> CPUReading?)?
    ) {
        self.identity = identity
        self.seconds = seconds
        self.at = at
        self.labels = labels
        self.resample = resample
    }

    /// CPU usage between `earlier` and this reading, 100 = one core; nil when they are of
    /// different processes or too close in time.
    package func percent(since earlier: (identity: String, seconds: Double, at: Double)) -> Double? {
        let elapsed = at - earlier.at
        guard earlier.identity == identity, elapsed >= CPUBaselines.minimumGap, seconds >= earlier.seconds else {
            return nil
        }
        return (seconds - earlier.seconds) / elapsed * 100
    }
}

/// The last CPU reading of each server, kept in the state directory between runs of a one-shot
/// tool (`<state>/cpu/<name>`), so that a CPU percent can be computed without waiting. Files
/// are rewritten in place under a lock, so concurrent runs never read a torn one, and without
/// the new inode, rename and fsync of an atomic replace, which made most of a 50-server batch's
/// time (a lost reading only costs one CPU percent); a reading of other processes (the
/// server restarted), older than `maximumAge`, or not one whole line is not used.
package struct CPUBaselines {
    package static let maximumAge = 900.0
    package static let minimumGap = 0.05

    package let directory: String

    package init(state: StateDirectory) throws {
        directory = try state.directory("cpu")
    }

    package func baseline(
        for name: String, matching reading: CPUReading
    ) -> (identity: String, seconds: Double, at: Double)? {
        guard let bytes = try? FileSystem.lockedContents(of: Path.join(directory, name), limit: 4096),
            bytes.firstIndex(of: UInt8(ascii: "\n")) == bytes.count - 1
        else { return nil }
        let fields = String(decoding: bytes, as: UTF8.self).trimmingWhitespace.split(separator: " ")
        guard fields.count == 4, fields[0] == "v1", let seconds = Double(fields[2]), let at = Double(fields[3]) else {
            return nil
        }
        let baseline = (identity: String(fields[1]), seconds: seconds, at: at)
        guard baseline.identity == reading.identity, reading.at - at <= Self.maximumAge else { return nil }
        return baseline
    }

    package func save(_ reading: CPUReading, for name: String) throws {
        let line = "v1 \(reading.identity) \(reading.seconds) \(reading.at)\n"
        try FileSystem.rewriteLocked(Path.join(directory, name), Array(line.utf8), mode: 0o600)
    }
}
