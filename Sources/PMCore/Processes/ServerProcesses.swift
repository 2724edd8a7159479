import PMSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The processes of one server that the tools can see on this machine: the trees of some roots
/// (a tmux pane's process) and of every process of the server's user that carries the
/// server's marker (`ServerMarker`), those that left the roots' trees included. Only processes of that user
/// count as marked: another user cannot put a process of theirs into this server, nor hide one.
package struct ServerProcesses {
    /// How long a hard stop waits for SIGKILL to take effect before it reports survivors.
    package static let killWait = 5.0

    package let marker: ServerMarker
    package let uid: uid_t
    package let roots: [Int32]
    /// `server 7`, for messages.
    package let label: String
    /// Which of the server's processes count.
    package enum Scope: Sendable {
        case all
        /// All but the tools' helpers for the server (its console logger): a stop ends the game
        /// and its session first, and the helpers after, so that they see the game's last output.
        case game
        case helpers
    }

    package let scope: Scope

    package init(marker: ServerMarker, uid: uid_t, roots: [Int32] = [], label: String, scope: Scope = .all) {
        self.marker = marker
        self.uid = uid
        self.roots = roots
        self.label = label
        self.scope = scope
    }

    package init(_ server: Server, roots: [Int32] = [], scope: Scope = .all) {
        self.init(
            marker: server.marker, uid: server.account?.uid ?? geteuid(), roots: roots, label: server.label,
            scope: scope)
    }

    /// The server's processes: the trees of the roots and of the marked processes of `snapshot`
    /// as they are now (a child that cleared its environment is still the server's); zombies
    /// left out.
    func members(of snapshot: ProcessSnapshot) -> [ProcessEntry] {
        let marked = snapshot.marks.filter { mark in
            guard mark.uid == uid, marker.match(name: mark.name, owner: mark.owner) == .mine else { return false }
            switch scope {
            case .all: return true
            case .game: return !mark.isHelper
            case .helpers: return mark.isHelper
            }
        }
        .filter { ProcFileSystem.stat($0.entry.pid)?.startTicks == $0.entry.startTicks }
        .map(\.entry.pid)
        return ProcFileSystem.descendants(of: roots + marked).filter { !$0.isZombie }
    }

    /// The server's processes now running; `fresh: false` takes any look at `/proc` of this
    /// run (enough to find what an earlier run of the server left, which existed before).
    package func find(fresh: Bool = true) -> [ProcessHandle] {
        members(of: ProcessSnapshots.shared.snapshot(notBefore: fresh ? Clock.monotonic : 0))
            .compactMap { ProcessHandle(pid: $0.pid, startTicks: $0.startTicks) }
    }

    /// The server's helpers in `role` now running (the game's supervisor).
    package func helpers(_ role: String) -> [ProcessHandle] {
        ProcessSnapshots.shared.snapshot(notBefore: Clock.monotonic).marks.filter { mark in
            mark.uid == uid && mark.helper == role && marker.match(name: mark.name, owner: mark.owner) == .mine
        }.compactMap { ProcessHandle(pid: $0.entry.pid, startTicks: $0.entry.startTicks) }
    }

    /// The processes whose parent is not one of them: the tops of what a start script left.
    package func markedRoots(in snapshot: ProcessSnapshot) -> [Int32] {
        let members = members(of: snapshot)
        let pids = Set(members.map(\.pid))
        return members.filter { !pids.contains($0.parent) }.map(\.pid).sorted()
    }

    /// The game's main processes: each marked root, or, where a root is a wrapper with one
    /// child (a start script's `sh -c`), that child, down to the first process with none or
    /// several.
    package func mainProcesses(in snapshot: ProcessSnapshot) -> [Int32] {
        markedRoots(in: snapshot).map { root in
            var pid = root
            var seen: Set<Int32> = [root]
            while case let children = ProcFileSystem.children(of: pid), children.count == 1,
                let only = children.first, seen.insert(only).inserted
            {
                pid = only
            }
            return pid
        }
    }

    /// The hard stop: SIGTERM (and SIGCONT, for a stopped process) to every process of the
    /// server, up to `grace` seconds for them to end, then SIGKILL to what is left and to what
    /// started meanwhile, again each second, for up to `killWait` seconds. Throws when a
    /// process survives that (one in uninterruptible sleep, or one the tool may not signal),
    /// or when the tool is interrupted before the end. A dry run describes it, when there is
    /// anything to stop.
    package func terminate(
        grace: Double, killWait: Double = ServerProcesses.killWait, fresh: Bool = true,
        _ context: VerbContext
    ) throws {
        let first = find(fresh: fresh)
        guard !first.isEmpty else { return }
        if let plan = context.executor.plan {
            plan.write(
                "send SIGTERM to the \(first.count) processes of the server "
                    + "(\(ServerMarker.nameVariable)=\(marker.name)), then SIGKILL after "
                    + "\(Clock.text(seconds: grace)) seconds\n"
            )
            return
        }
        for process in first {
            process.send(SIGTERM)
            process.send(SIGCONT)
        }
        var left = ProcessHandle.waitForAll(first, seconds: grace)
        try checkInterrupted(left)
        let deadline = Clock.monotonic + killWait
        repeat {
            left += newcomers(besides: left)
            guard !left.isEmpty else { return }
            for process in left { process.send(SIGKILL) }
            left = ProcessHandle.waitForAll(left, seconds: min(1, max(0, deadline - Clock.monotonic)))
            try checkInterrupted(left)
        } while Clock.monotonic < deadline
        let survivors = left + newcomers(besides: left)
        guard survivors.isEmpty else {
            throw LifecycleError.survivedKill(processes: Self.describe(survivors), server: label)
        }
    }

    /// The server's processes that are not in `known`: started since it was found.
    private func newcomers(besides known: [ProcessHandle]) -> [ProcessHandle] {
        let pids = Set(known.map(\.pid))
        return find().filter { !pids.contains($0.pid) }
    }

    private func checkInterrupted(_ left: [ProcessHandle]) throws {
        guard Interrupts.pending, !left.isEmpty else { return }
        throw LifecycleError.interruptedWithProcessesLeft(processes: Self.describe(left), server: label)
    }

    /// `process 1234 (srcds_linux, state D: uninterruptible sleep)`, for messages.
    static func describe(_ processes: [ProcessHandle]) -> String {
        let each = processes.prefix(5).map { process -> String in
            let detail =
                ProcFileSystem.nameAndState(process.pid).map { found in
                    " (\(found.name), state \(found.state)\(found.state == "D" ? ": uninterruptible sleep" : ""))"
                } ?? ""
            return "process \(process.pid)\(detail)"
        }
        let more = processes.count > 5 ? " and \(processes.count - 5) more" : ""
        return each.joined(separator: ", ") + more
    }
}
