/// The tools' exit status, the reference's `Result` (`toolbox.md` §4).
public enum ExitStatus: Int32 {
    /// Success; for pm-status: running.
    case success = 0
    /// Error; for pm-status: not running.
    case failure = 1
    /// The invocation or the input was invalid and nothing was run.
    case invalid = 2
    /// The backend could not be asked or answered nonsense (the reference's -1).
    case unknown = 255

    /// For many servers: 0 only if all succeeded, else the first of 2, 255, 1 that occurred.
    public static func combined(_ statuses: [ExitStatus]) -> ExitStatus {
        for status in [ExitStatus.invalid, .unknown, .failure] where statuses.contains(status) { return status }
        return .success
    }

}

/// An error that knows the exit status it stands for. Every error the tools report is one line:
/// `pm-start: server 7: <description>`.
public protocol ToolError: Error, CustomStringConvertible {
    var exitStatus: ExitStatus { get }
}

/// A manager's verb failed, with the status to exit with and the message for the user.
public struct ManagerError: ToolError {
    public let exitStatus: ExitStatus
    public let message: String

    public init(_ exitStatus: ExitStatus, _ message: String) {
        self.exitStatus = exitStatus
        self.message = message
    }

    public static func failure(_ message: String) -> ManagerError { ManagerError(.failure, message) }
    public static func invalid(_ message: String) -> ManagerError { ManagerError(.invalid, message) }
    public static func unknown(_ message: String) -> ManagerError { ManagerError(.unknown, message) }

    public var description: String { message }
}

extension RecordError: ToolError { public var exitStatus: ExitStatus { .invalid } }
extension ConfigError: ToolError { public var exitStatus: ExitStatus { .invalid } }
extension TemplateError: ToolError { public var exitStatus: ExitStatus { .invalid } }
extension JSONSyntaxError: ToolError { public var exitStatus: ExitStatus { .invalid } }
extension InputTooLarge: ToolError { public var exitStatus: ExitStatus { .invalid } }

extension ExitStatus {
    /// The status for any error: its own for a `ToolError`, 255 otherwise.
    public init(for error: Error) {
        self = (error as? ToolError)?.exitStatus ?? .unknown
    }
}
