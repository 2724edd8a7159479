#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One process, as `/proc/<pid>/stat` shows it.
package struct ProcessEntry: Equatable {
    package let pid: Int32
    package let parent: Int32
    /// Start time, in clock ticks after boot: with the pid it identifies the process.
    package let startTicks: UInt64
    /// User plus system CPU time, in clock ticks.
    package let cpuTicks: UInt64
    package let residentPages: UInt64
    /// Ended and waiting for its parent to collect it (`Z`), or being removed (`X`).
    package let isZombie: Bool
}

/// A snapshot of the processes of the machine (Linux `/proc`), with their parent links.
/// Processes that vanish while it is read are left out; they are not errors.
package struct ProcessTable {
    package let entries: [Int32: ProcessEntry]
    private let children: [Int32: [Int32]]

    package init(_ entries: [ProcessEntry]) {
        var byPid: [Int32: ProcessEntry] = [:]
        var children: [Int32: [Int32]] = [:]
        for entry in entries {
            byPid[entry.pid] = entry
            children[entry.parent, default: []].append(entry.pid)
        }
        self.entries = byPid
        self.children = children
    }

    /// Reads every `/proc/<pid>/stat`.
    package static func read() -> ProcessTable {
        ProcessTable(ProcFileSystem.pids().compactMap(ProcFileSystem.stat))
    }

    /// The process and all its descendants that exist in the snapshot.
    package func tree(of roots: [Int32]) -> [ProcessEntry] {
        var seen = Set<Int32>()
        var queue = roots.filter { entries[$0] != nil }
        var result: [ProcessEntry] = []
        while let pid = queue.popLast() {
            guard seen.insert(pid).inserted, let entry = entries[pid] else { continue }
            result.append(entry)
            queue += children[pid] ?? []
        }
        return result
    }
}

/// Reading `/proc`.
package enum ProcFileSystem {
    package static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    package static let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))

    /// The numeric entries of `/proc`.
    package static func pids() -> [Int32] {
        numericEntries(of: "/proc")
    }

    /// The children of `pid` (of every thread of it).
    package static func children(of pid: Int32) -> [Int32] {
        numericEntries(of: "/proc/\(pid)/task").flatMap { thread -> [Int32] in
            guard let bytes = try? FileSystem.contents(of: "/proc/\(pid)/task/\(thread)/children", limit: 1 << 20)
            else { return [] }
            return String(decoding: bytes, as: UTF8.self).fields(separatedBy: UInt8(ascii: " ")).compactMap {
                Int32($0)
            }
        }
    }

    /// The processes `roots` and their descendants, read from each thread's `children` list
    /// (a child belongs to the thread that forked it), without a look at every process.
    package static func descendants(of roots: [Int32]) -> [ProcessEntry] {
        var seen = Set<Int32>()
        var queue = roots
        var found: [ProcessEntry] = []
        while let pid = queue.popLast() {
            guard seen.insert(pid).inserted, let entry = stat(pid) else { continue }
            found.append(entry)
            queue += children(of: pid)
        }
        return found
    }

    private static func numericEntries(of path: String) -> [Int32] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var pids: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let pid = Int32(name) { pids.append(pid) }
        }
        return pids
    }

    /// `/proc/<pid>/stat`, or nil when the process is gone. The command name is skipped from
    /// its last `)`, since it may hold spaces and parentheses.
    package static func stat(_ pid: Int32) -> ProcessEntry? {
        guard let bytes = try? FileSystem.contents(of: "/proc/\(pid)/stat", limit: 4096),
            let close = bytes.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " ")).map {
            String(decoding: $0, as: UTF8.self)
        }
        // After the name: state, ppid, ... utime (11), stime (12), ... starttime (19), vsize, rss (21).
        guard fields.count > 21, let parent = Int32(fields[1]), let user = UInt64(fields[11]),
            let system = UInt64(fields[12]),
            let start = UInt64(fields[19]), let rss = Int64(fields[21])
        else { return nil }
        let state = fields[0].first ?? " "
        return ProcessEntry(
            pid: pid, parent: parent, startTicks: start, cpuTicks: user + system, residentPages: UInt64(max(0, rss)),
            isZombie: state == "Z" || state == "X")
    }

    /// Whether a process of group `group` still runs (zombies waiting for their reaper do not
    /// count). Without `/proc`, any member, zombie or not, counts.
    package static func groupIsAlive(_ group: Int32) -> Bool {
        guard FileSystem.kind(of: "/proc/self/stat") == .regular else { return kill(-group, 0) == 0 }
        guard kill(-group, 0) == 0 else { return false }
        for pid in pids() {
            guard let bytes = try? FileSystem.contents(of: "/proc/\(pid)/stat", limit: 4096),
                let close = bytes.lastIndex(of: UInt8(ascii: ")"))
            else { continue }
            let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
            // After the name: state, ppid, pgrp.
            guard fields.count > 2, Int32(String(decoding: fields[2], as: UTF8.self)) == group else { continue }
            if fields[0].first != UInt8(ascii: "Z") { return true }
        }
        return false
    }

    /// `read_bytes` and `write_bytes` of `/proc/<pid>/io`: what reached the storage layer.
    /// Nil when the process is gone or not readable.
    package static func blockIO(_ pid: Int32) -> (read: UInt64, write: UInt64)? {
        guard let bytes = try? FileSystem.contents(of: "/proc/\(pid)/io", limit: 4096) else { return nil }
        var read: UInt64?
        var write: UInt64?
        for line in String(decoding: bytes, as: UTF8.self).lines {
            if line.hasPrefix("read_bytes: ") { read = UInt64(line.dropFirst(12)) }
            if line.hasPrefix("write_bytes: ") { write = UInt64(line.dropFirst(13)) }
        }
        guard let read, let write else { return nil }
        return (read, write)
    }

    /// The proportional set size of `/proc/<pid>/smaps_rollup` in bytes: resident memory with
    /// each shared page divided among the processes sharing it, so that the sizes of a tree's
    /// processes add up (their resident sizes would count a forked child's pages twice).
    /// Nil when the process is gone or the file is not readable.
    package static func proportionalSetBytes(_ pid: Int32) -> UInt64? {
        guard let bytes = try? FileSystem.contents(of: "/proc/\(pid)/smaps_rollup", limit: 16384) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).lines where line.hasPrefix("Pss:") {
            let digits = line.dropFirst(4).filter { $0 != " " && $0 != "\t" }.prefix { $0.isNumber }
            return UInt64(digits).map { $0 * 1024 }
        }
        return nil
    }

    /// `/proc/<pid>/cmdline`: the arguments, NUL-separated; nil when unreadable.
    package static func commandLine(_ pid: Int32) -> [UInt8]? {
        try? FileSystem.contents(of: "/proc/\(pid)/cmdline", limit: 1 << 16)
    }

    /// `/proc/<pid>/environ`: the environment the process was started with, NUL-separated; nil
    /// when the process is gone or not readable (another user's, to a tool that is not root).
    package static func environment(_ pid: Int32) -> [UInt8]? {
        try? FileSystem.contents(of: "/proc/\(pid)/environ", limit: 4 << 20)
    }

    /// The user the process runs as (its effective uid, the owner of `/proc/<pid>`).
    package static func owner(_ pid: Int32) -> uid_t? {
        FileSystem.owner(of: "/proc/\(pid)")
    }

    /// The command name and the state letter of `/proc/<pid>/stat`, for messages.
    package static func nameAndState(_ pid: Int32) -> (name: String, state: String)? {
        guard let bytes = try? FileSystem.contents(of: "/proc/\(pid)/stat", limit: 4096),
            let open = bytes.firstIndex(of: UInt8(ascii: "(")), let close = bytes.lastIndex(of: UInt8(ascii: ")")),
            open < close, close + 2 < bytes.count
        else { return nil }
        return (String(decoding: bytes[(open + 1)..<close], as: UTF8.self), String(UnicodeScalar(bytes[close + 2])))
    }
}
