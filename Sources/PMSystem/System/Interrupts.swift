import CPMSystem

/// SIGINT, SIGTERM and SIGHUP as a flag the tool checks, for the verbs that set something up for
/// a while and must undo it before they exit (a graceful stop's drop-in, a follower's pipe).
package enum Interrupts {
    /// From now on the three signals set `pending` instead of ending the tool.
    package static func intercept() { pm_catch_interrupts() }

    package static var pending: Bool { pm_interrupt_pending() != 0 }

    /// Once at start-up: SIGPIPE ignored (a write to a closed pipe fails with EPIPE instead of
    /// ending the tool) and SIGCHLD back to its default (children's exit statuses are kept).
    package static func prepare() { pm_prepare_signals() }

    /// From now on SIGUSR1 sets `stopNoticed` and SIGUSR2 clears it: how a stop tells a game's
    /// supervisor that the game's next exit is asked for.
    package static func interceptStopNotices() { pm_catch_stop_notices() }

    package static var stopNoticed: Bool { pm_stop_notice_pending() != 0 }
}
