#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` for indices `0..<count` on up to `width` threads and returns when all are done.
/// Threads of its own rather than Dispatch's pool: the work mostly waits on child processes,
/// so it must not be limited to the number of cores.
package enum Parallel {
    package static func forEach(_ count: Int, width: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1, width > 1 else {
            for index in 0..<count { body(index) }
            return
        }
        let queue = WorkQueue(count: count, body: body)
        let workers = min(width, count)
        var threads: [pthread_t] = []
        for _ in 1..<workers {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(queue).toOpaque()
            if pthread_create(
                &thread, nil,
                { context in
                    let queue = Unmanaged<WorkQueue>.fromOpaque(context!).takeRetainedValue()
                    queue.drain()
                    return nil
                }, context) == 0
            {
                threads.append(thread)
            } else {
                Unmanaged<WorkQueue>.fromOpaque(context).release()
            }
        }
        queue.drain()
        for thread in threads { pthread_join(thread, nil) }
    }

    /// Runs `body` on a thread of its own; `join` waits for it.
    package static func background(_ body: @escaping @Sendable () -> Void) -> BackgroundThread {
        BackgroundThread(body)
    }

    package final class BackgroundThread {
        private var thread = pthread_t()
        private var started = false

        init(_ body: @escaping @Sendable () -> Void) {
            final class Box {
                let body: @Sendable () -> Void
                init(_ body: @escaping @Sendable () -> Void) { self.body = body }
            }
            let context = Unmanaged.passRetained(Box(body)).toOpaque()
            started =
                pthread_create(
                    &thread, nil,
                    { context in
                        Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
                        return nil
                    }, context) == 0
            if !started {
                Unmanaged<Box>.fromOpaque(context).release()
                body()
            }
        }

        package func join() {
            guard started else { return }
            started = false
            pthread_join(thread, nil)
        }
    }

    private final class WorkQueue: Sendable {
        let count: Int
        let body: @Sendable (Int) -> Void
        let next = Locked(0)

        init(count: Int, body: @escaping @Sendable (Int) -> Void) {
            self.count = count
            self.body = body
        }

        func drain() {
            while true {
                let index: Int = next.withLock { next in
                    defer { next += 1 }
                    return next
                }
                guard index < count else { return }
                body(index)
            }
        }
    }
}
