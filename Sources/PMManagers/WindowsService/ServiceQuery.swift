import PMCore
import PMHTTP
import PMSystem

/// What `sc queryex <name>` says about a service: its state and process id. The state is
/// read from the line whose value is a state code followed by its name
/// (`STATE : 4  RUNNING`), whatever the label says (labels may be localized); the reference
/// instead looked for `RUNNING` anywhere in the output, echo header included (docs/differences.md#win-15).
struct ServiceQuery: Equatable {
    /// `SERVICE_STOPPED` (1) to `SERVICE_PAUSED` (7), as `sc` prints them.
    enum State: Int, CaseIterable {
        case stopped = 1
        case startPending, stopPending, running, continuePending, pausePending, paused

        var name: String {
            switch self {
            case .stopped: return "STOPPED"
            case .startPending: return "START_PENDING"
            case .stopPending: return "STOP_PENDING"
            case .running: return "RUNNING"
            case .continuePending: return "CONTINUE_PENDING"
            case .pausePending: return "PAUSE_PENDING"
            case .paused: return "PAUSED"
            }
        }
    }

    let state: State
    /// The service's process; nil when it has none.
    let pid: Int?

    /// The answer in `sc queryex` output; nil when no state line is found.
    static func parse(_ text: String) -> ServiceQuery? {
        var state: State?
        var pid: Int?
        for line in text.lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let label = String(line[..<colon]).trimmingWhitespace
            let words = line[line.index(after: colon)...].split(whereSeparator: {
                $0 == " " || $0 == "\t" || $0 == "\r"
            })
            if state == nil, words.count >= 2, let code = Int(words[0]), let candidate = State(rawValue: code),
                words[1] == candidate.name
            {
                state = candidate
            } else if label == "PID", let number = words.first.flatMap({ Int($0) }), number > 0 {
                pid = number
            }
        }
        return state.map { ServiceQuery(state: $0, pid: pid) }
    }

    /// Stopped is stopped; every other state has a process (starting, stopping, paused).
    var status: ServerStatus {
        state == .stopped ? ServerStatus(.stopped) : ServerStatus(.running, pid: pid)
    }
}
