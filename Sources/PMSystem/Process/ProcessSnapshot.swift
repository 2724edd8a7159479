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
        /// The role of a helper of the tools (`ServerMarker.helperVariable`), not part of the
        /// game; nil for the game's processes.
        package let helper: String?

        package var isHelper: Bool { helper != nil }
    }

    package let marks: [Mark]

    package static func read() -> ProcessSnapshot {
        var marks: [Mark] = []
        for pid in ProcFileSystem.pids() {
            guard let environment = ProcFileSystem.environment(pid), let found = ServerMarker.found(in: environment),
                let entry = ProcFileSystem.stat(pid), let uid = ProcFileSystem.owner(pid)
            else { continue }
            marks.append(Mark(entry: entry, uid: uid, name: found.name, owner: found.owner, helper: found.helper))
        }
        return ProcessSnapshot(marks: marks)
    }
}

/// The latest look at `/proc`, shared by the threads of a batch: fifty servers stopping at once
/// look a few times, not fifty. A hard stop asks for a look that began at `notBefore` or later
/// (what runs now); 0 takes any look of this run.
package final class ProcessSnapshots: Sendable {
    package static let shared = ProcessSnapshots()
    private let latest = SharedSnapshot<ProcessSnapshot>()

    package func snapshot(notBefore: Double) -> ProcessSnapshot {
        // Reading /proc does not fail: what cannot be read is left out of the snapshot.
        (try? latest.value(notBefore: notBefore) { ProcessSnapshot.read() }) ?? ProcessSnapshot.read()
    }
}
