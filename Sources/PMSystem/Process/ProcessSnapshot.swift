#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One look at the processes that carry a server's marker: each one's marker, user and
/// `/proc/<pid>/stat`. Only what the tool may read is seen (a tool that is not root sees
/// other users' processes without their environment, so without a marker). Reading every
/// environment and only the marked processes' stat keeps a look at a few hundred processes
/// to a few milliseconds.
package struct ProcessSnapshot {
    package struct Mark {
        package let entry: ProcessEntry
        package let uid: uid_t
        package let name: String
        /// Nil for a process started before owners were written.
        package let owner: String?
    }

    package let marks: [Mark]

    package static func read() -> ProcessSnapshot {
        var marks: [Mark] = []
        for pid in ProcFileSystem.pids() {
            guard let environment = ProcFileSystem.environment(pid), let found = ServerMarker.found(in: environment),
                let entry = ProcFileSystem.stat(pid), let uid = ProcFileSystem.owner(pid)
            else { continue }
            marks.append(Mark(entry: entry, uid: uid, name: found.name, owner: found.owner))
        }
        return ProcessSnapshot(marks: marks)
    }
}

/// The latest snapshot, shared by the threads of a batch: fifty servers stopping at once look
/// at `/proc` a few times, not fifty. A caller says how fresh its snapshot must be: one whose
/// reading began at `notBefore` or later (a hard stop looks for what runs now; 0 takes any
/// look of this run). Sendable: `latest` is read and written under `lock`.
package final class ProcessSnapshots: @unchecked Sendable {
    package static let shared = ProcessSnapshots()
    private let lock = Lock()
    private var latest: (began: Double, snapshot: ProcessSnapshot)?

    package func snapshot(notBefore: Double) -> ProcessSnapshot {
        lock.withLock {
            if let latest, latest.began >= notBefore { return latest.snapshot }
            let began = Clock.monotonic
            let snapshot = ProcessSnapshot.read()
            latest = (began, snapshot)
            return snapshot
        }
    }
}
