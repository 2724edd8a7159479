import PMSystem

/// The tools' exit status, the reference's `Result`.
public enum ExitStatus: Int32, Sendable {
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
package protocol ToolError: Error, CustomStringConvertible {
    var exitStatus: ExitStatus { get }
}

extension RecordError: ToolError { package var exitStatus: ExitStatus { .invalid } }
extension ConfigError: ToolError { package var exitStatus: ExitStatus { .invalid } }
extension TemplateError: ToolError { package var exitStatus: ExitStatus { .invalid } }
extension JSONSyntaxError: ToolError { package var exitStatus: ExitStatus { .invalid } }
extension InputTooLarge: ToolError { package var exitStatus: ExitStatus { .invalid } }
extension UnitFileQuoting.Unrepresentable: ToolError { package var exitStatus: ExitStatus { .invalid } }

extension ExitStatus {
    /// The status for any error: its own for a `ToolError`, 255 otherwise.
    package init(for error: Error) {
        self = (error as? ToolError)?.exitStatus ?? .unknown
    }
}
