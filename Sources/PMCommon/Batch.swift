import PMCore
import PMHTTP
import PMManagers
import PMSystem

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

    package static func run<Item: Sendable>(
        _ items: [Item], width: Int = Batch.width,
        _ body: @escaping @Sendable (Item, OutputChannel, OutputChannel) -> ExitStatus
    )
        -> [ExitStatus]
    {
        guard items.count > 1 else {
            return items.map { body($0, .standardOutput, .standardError) }
        }
        let outs = items.map { _ in OutputChannel() }
        let errs = items.map { _ in OutputChannel() }
        // Each server's status once it is done, and how many servers have been copied out.
        let progress = Locked((statuses: [ExitStatus?](repeating: nil, count: items.count), flushed: 0))
        Parallel.forEach(items.count, width: width) { index in
            let status = body(items[index], outs[index], errs[index])
            progress.withLock { progress in
                progress.statuses[index] = status
                while progress.flushed < items.count, progress.statuses[progress.flushed] != nil {
                    errs[progress.flushed].flush(into: .standardError)
                    outs[progress.flushed].flush(into: .standardOutput)
                    progress.flushed += 1
                }
            }
        }
        return progress.withLock { $0.statuses.map { $0 ?? .unknown } }
    }
}
