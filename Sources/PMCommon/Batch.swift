import PMSystem
import PMHTTP
import PMCore
import PMManagers

/// Runs a verb for many servers at once and keeps their output apart: each server writes into
/// buffers that are copied to stdout and stderr in input order as soon as every earlier server
/// is done; after that, a server's channels write straight through. One server writes straight
/// to stdout and stderr.
package enum Batch {
    /// At most this many servers are handled at the same time.
    package static let width = 16
    /// For verbs that mostly wait on the games (a graceful stop waits for each game to save):
    /// a wide batch costs threads, not work.
    package static let waitingWidth = 64

    package static func run<Item>(_ items: [Item], width: Int = Batch.width,
                                 _ body: @escaping (Item, OutputChannel, OutputChannel) -> ExitStatus) -> [ExitStatus] {
        guard items.count > 1 else {
            return items.map { body($0, .standardOutput, .standardError) }
        }
        let outs = items.map { _ in OutputChannel() }
        let errs = items.map { _ in OutputChannel() }
        var statuses = [ExitStatus?](repeating: nil, count: items.count)
        var flushed = 0
        let lock = Lock()
        Parallel.forEach(items.count, width: width) { index in
            let status = body(items[index], outs[index], errs[index])
            lock.withLock {
                statuses[index] = status
                while flushed < items.count, statuses[flushed] != nil {
                    errs[flushed].flush(into: .standardError)
                    outs[flushed].flush(into: .standardOutput)
                    flushed += 1
                }
            }
        }
        return statuses.map { $0 ?? .unknown }
    }
}
