import PMCore
import PMHTTP
import PMSystem

/// `pm-output --follow` and `pm-input --attach` for containers: the engine's log stream
/// (`logs?follow=...&tail=0`), demultiplexed by a reader thread into a buffer that each poll
/// takes. Polling whole logs instead cost a full download every half second and failed on
/// logs larger than the client's body limit. The request itself is made on the reader thread:
/// Podman sends the answer's head only with the first new line. Sendable: its state changes only
/// under `lock`.
final class EngineLogFeed: ConsoleFeed, @unchecked Sendable {
    private let lock = Lock()
    private var buffer: [UInt8] = []
    private var stream: HTTPResponseStream?
    private var finished = false

    init(open: @escaping @Sendable () throws -> HTTPResponseStream?) {
        _ = Parallel.background { [self] in self.read(open) }
    }

    private func read(_ open: () throws -> HTTPResponseStream?) {
        guard let opened = try? open() else { return }
        let keep: Bool = lock.withLock {
            stream = opened
            return !finished
        }
        guard keep else { return opened.close() }
        var decoder = MultiplexedStreamDecoder()
        while let piece = try? opened.next() {
            var decoded: [UInt8] = []
            guard (try? decoder.decode(piece, { _, payload in decoded += payload })) != nil else { return }
            lock.withLock { buffer += decoded }
        }
    }

    /// What arrived since the last call. The stream's end is not an error: the session learns
    /// from the status check that the server has stopped.
    func newOutput() throws -> [UInt8] {
        lock.withLock {
            defer { buffer = [] }
            return buffer
        }
    }

    /// Closes the stream; a reader still waiting for the engine's first answer ends with the
    /// tool.
    func finish() {
        let open: HTTPResponseStream? = lock.withLock {
            finished = true
            return stream
        }
        open?.close()
    }
}
