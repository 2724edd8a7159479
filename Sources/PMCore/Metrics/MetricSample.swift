import PMSystem

/// One sample of a metric family, with its labels.
package struct MetricSample: Equatable {
    package enum Value: Equatable {
        case unsigned(UInt64)
        case signed(Int64)
        case real(Double)
    }

    package let family: MetricFamily
    package var labels: [(name: String, value: String)]
    package let value: Value
    /// Seconds since the epoch; written only with `--timestamps`.
    package let timestamp: Double?

    package init(
        _ family: MetricFamily, _ value: Value, labels: [(name: String, value: String)] = [], timestamp: Double? = nil
    ) {
        self.family = family
        self.value = value
        self.labels = labels
        self.timestamp = timestamp
    }

    package static func == (lhs: MetricSample, rhs: MetricSample) -> Bool {
        lhs.family == rhs.family && lhs.value == rhs.value && lhs.timestamp == rhs.timestamp
            && lhs.labels.elementsEqual(rhs.labels) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// A metric family: name, type and help text.
package struct MetricFamily: Equatable, Hashable {
    package enum Kind: String { case gauge, counter, untyped }

    package let name: String
    package let kind: Kind
    package let help: String

    package init(_ name: String, _ kind: Kind, _ help: String) {
        self.name = name
        self.kind = kind
        self.help = help
    }

    package static let up = MetricFamily(
        "gameap_server_up", .gauge, "Whether the game server process is running (1) or not (0).")
    package static let cpuUsagePercent = MetricFamily(
        "gameap_server_cpu_usage_percent", .gauge, "CPU usage of the game server (100 = one core).")
    package static let cpuSecondsTotal = MetricFamily(
        "gameap_server_cpu_seconds_total", .counter, "CPU time the game server has used, user and system, in seconds.")
    package static let memoryUsageBytes = MetricFamily(
        "gameap_server_memory_usage_bytes", .gauge, "Memory the game server uses, in bytes.")
    package static let memoryLimitBytes = MetricFamily(
        "gameap_server_memory_limit_bytes", .gauge, "Memory limit of the game server, in bytes.")
    package static let memoryUsagePercent = MetricFamily(
        "gameap_server_memory_usage_percent", .gauge, "Memory usage as a percentage of the limit.")
    package static let networkReceiveBytesTotal = MetricFamily(
        "gameap_server_network_receive_bytes_total", .counter, "Bytes the game server received over the network.")
    package static let networkTransmitBytesTotal = MetricFamily(
        "gameap_server_network_transmit_bytes_total", .counter, "Bytes the game server sent over the network.")
    package static let blockIOReadBytesTotal = MetricFamily(
        "gameap_server_block_io_read_bytes_total", .counter, "Bytes the game server read from block devices.")
    package static let blockIOWriteBytesTotal = MetricFamily(
        "gameap_server_block_io_write_bytes_total", .counter, "Bytes the game server wrote to block devices.")
    package static let restartsTotal = MetricFamily(
        "gameap_server_restarts_total", .counter, "Restarts of the game server after exits no stop asked for.")
    package static let failed = MetricFamily(
        "gameap_server_failed", .gauge,
        "Whether the game server is down after a failure no stop asked for (1) or not (0).")
    package static let lastExitCode = MetricFamily(
        "gameap_server_last_exit_code", .gauge,
        "Exit code of the game server's last run (128 + N for signal N).")
    package static let processPIDs = MetricFamily(
        "gameap_server_process_pids", .gauge, "Number of processes (tasks) of the game server.")
}
