import CPMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One process of the machine, not necessarily a child of the tool, held through a pidfd
/// (Linux 5.3+) so that signals and waits reach that process and never one that reused its pid.
/// Where the kernel has no pidfds (or valgrind hides them), the pid and its start time stand in,
/// checked before each signal.
package final class ProcessHandle {
    package let pid: Int32
    /// The start time in clock ticks after boot: with the pid, the process's identity.
    package let startTicks: UInt64
    private let descriptor: Int32

    /// Holds `pid`, provided it is still the process that started at `startTicks` (nil: any
    /// process under that pid now). Nil when there is no such process, or it is a zombie.
    package init?(pid: Int32, startTicks: UInt64? = nil) {
        guard pid > 0 else { return nil }
        let descriptor = pm_pidfd_open(pid)
        guard let now = Self.liveStartTicks(pid), startTicks == nil || startTicks == now else {
            if descriptor >= 0 { close(descriptor) }
            return nil
        }
        self.pid = pid
        self.startTicks = now
        self.descriptor = descriptor
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Whether the process has ended (a zombie waiting for its parent has).
    package var hasExited: Bool {
        if descriptor >= 0 {
            var fds = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            return poll(&fds, 1, 0) != 0
        }
        return Self.liveStartTicks(pid) != startTicks
    }

    /// Sends `signal`; false when the process is gone.
    @discardableResult
    package func send(_ signal: Int32) -> Bool {
        if descriptor >= 0 {
            if pm_pidfd_send_signal(descriptor, signal) == 0 { return true }
            guard errno == ENOSYS else { return false }
        }
        guard Self.liveStartTicks(pid) == startTicks else { return false }
        return kill(pid, signal) == 0
    }

    /// Waits until one of `processes` ends, `seconds` pass or the tool is interrupted; whether
    /// one ended.
    @discardableResult
    package static func waitForAny(_ processes: [ProcessHandle], seconds: Double) -> Bool {
        wait(processes, seconds: seconds) { $0.contains { $0.hasExited } }
    }

    /// Waits until all of `processes` end, `seconds` pass or the tool is interrupted; those
    /// still running.
    package static func waitForAll(_ processes: [ProcessHandle], seconds: Double) -> [ProcessHandle] {
        _ = wait(processes, seconds: seconds) { $0.allSatisfy { $0.hasExited } }
        return processes.filter { !$0.hasExited }
    }

    private static func wait(
        _ processes: [ProcessHandle], seconds: Double, until done: ([ProcessHandle]) -> Bool
    ) -> Bool {
        let deadline = Clock.monotonic + seconds
        while true {
            if done(processes) { return true }
            let remaining = deadline - Clock.monotonic
            if remaining <= 0 || Interrupts.pending { return false }
            let open = processes.filter { $0.descriptor >= 0 && !$0.hasExited }
            // A process without a pidfd is looked at every 20 ms.
            let slice = open.count == processes.count ? remaining : min(remaining, 0.02)
            if open.isEmpty {
                Clock.sleep(seconds: slice)
            } else {
                var fds = open.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
                _ = poll(&fds, nfds_t(fds.count), Int32((slice * 1000).rounded(.up)))
            }
        }
    }

    /// The start time of `pid` from `/proc/<pid>/stat`; nil when there is no such process or it
    /// is a zombie.
    static func liveStartTicks(_ pid: Int32) -> UInt64? {
        guard let entry = ProcFileSystem.stat(pid), !entry.isZombie else { return nil }
        return entry.startTicks
    }
}
