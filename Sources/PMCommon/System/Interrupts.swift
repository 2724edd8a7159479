import CPMSystem

/// SIGINT, SIGTERM and SIGHUP as a flag the tool checks, for the verbs that set something up for
/// a while and must undo it before they exit (a graceful stop's drop-in, a follower's pipe).
public enum Interrupts {
    /// From now on the three signals set `pending` instead of ending the tool.
    public static func intercept() { pm_catch_interrupts() }

    public static var pending: Bool { pm_interrupted != 0 }
}
