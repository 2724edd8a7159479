import PMSystem

/// When a game that exited by itself is started again (settings `restart_policy`,
/// `restart_delay`, `restart_delay_max`, `restart_limit`, `restart_window`): the delay doubles
/// for each restart within the window, up to the cap; past the limit the server stays down,
/// failed.
package struct RestartPolicy: Equatable, Sendable {
    package enum Mode: String, Sendable, CaseIterable {
        case no
        /// A non-zero exit status or a signal.
        case onFailure = "on-failure"
        /// Any exit the tools did not ask for.
        case always
    }

    package var mode: Mode
    package var delay = 10.0
    package var delayMax = 300.0
    package var limit = 5
    package var window = 600.0

    package static let limitRange = 0...1000

    package init(mode: Mode) { self.mode = mode }

    /// The server's policy; `fallback` when `restart_policy` is unset (each manager's own).
    package static func of(_ server: Server, fallback: Mode = .no) throws -> RestartPolicy {
        var policy = RestartPolicy(mode: fallback)
        if let text = server.settings.value(.restartPolicy) {
            guard let mode = Mode(rawValue: text.trimmingWhitespace.lowercased()) else {
                throw SelectionError.notOneOf(.restartPolicy, text: text, choices: Mode.allCases.map(\.rawValue))
            }
            policy.mode = mode
        }
        policy.delay = try server.settings.seconds(.restartDelay) ?? policy.delay
        policy.delayMax = max(policy.delay, try server.settings.seconds(.restartDelayMax) ?? policy.delayMax)
        policy.limit = try server.settings.integer(.restartLimit, in: limitRange) ?? policy.limit
        policy.window = try server.settings.seconds(.restartWindow) ?? policy.window
        return policy
    }

    /// Whether any `restart_*` setting is given: a manager that restarts by itself keeps its
    /// own behaviour otherwise.
    package static func isSet(_ server: Server) -> Bool {
        [SettingKey.restartPolicy, .restartDelay, .restartDelayMax, .restartLimit, .restartWindow].contains {
            server.settings.value($0) != nil
        }
    }

    /// Whether the policy starts a game again after `exit`.
    package func covers(_ exit: GameExit) -> Bool {
        switch mode {
        case .no: return false
        case .onFailure: return exit.isFailure
        case .always: return true
        }
    }

    /// What comes after an exit the policy covers.
    package enum Decision: Equatable {
        case restart(after: Double)
        case giveUp
    }

    /// `restarts`: when the earlier restarts happened (seconds since the epoch). Those within
    /// the window count: at the limit, give up; else wait `delay` doubled once for each.
    package func next(after restarts: [Double], now: Double) -> Decision {
        let recent = restarts.filter { now - $0 < window }.count
        guard recent < limit else { return .giveUp }
        var wait = delay
        for _ in 0..<recent where wait < delayMax { wait *= 2 }
        return .restart(after: min(wait, delayMax))
    }

    /// The policy as one word of the supervisor's command line: `on-failure/10/300/5/600`.
    package var argument: String {
        [
            mode.rawValue, Clock.text(seconds: delay), Clock.text(seconds: delayMax), String(limit),
            Clock.text(seconds: window)
        ].joined(separator: "/")
    }

    package init?(argument: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, let mode = Mode(rawValue: parts[0]),
            let delay = DecimalNumber.parse(parts[1]), let delayMax = DecimalNumber.parse(parts[2]),
            let limit = Int(parts[3]), Self.limitRange.contains(limit), let window = DecimalNumber.parse(parts[4]),
            [delay, delayMax, window].allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 86400 })
        else { return nil }
        self.mode = mode
        self.delay = delay
        self.delayMax = max(delay, delayMax)
        self.limit = limit
        self.window = window
    }
}
