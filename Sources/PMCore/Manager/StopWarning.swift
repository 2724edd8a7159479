import PMSystem

/// The warnings of `--warn 5m,1m,10s`: at each mark before the stop, a console line made from
/// a template (`say Server restarts in {time}`) with `{seconds}`, `{minutes}` and `{time}`
/// (`5m`, `1m30s`, `10s`) filled in.
package struct StopWarning: Sendable {
    /// Seconds before the stop, largest first.
    package let marks: [Double]
    package let template: String

    /// The marks of a `--warn` list; nil for anything but positive durations.
    package static func marks(_ text: String) -> [Double]? {
        let marks = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Timestamp.duration(String($0).trimmingWhitespace)
        }
        guard !marks.isEmpty, marks.allSatisfy({ ($0 ?? 0) > 0 && ($0 ?? 0) <= 86400 }) else { return nil }
        return Array(Set(marks.compactMap { $0 })).sorted(by: >)
    }

    /// The warnings for `server`: nil without marks; an error when there is no template.
    package static func of(_ server: Server, _ options: VerbOptions) throws -> StopWarning? {
        guard !options.warnings.isEmpty else { return nil }
        guard let template = options.warningCommand ?? server.settings.value(.stopWarningCommand) else {
            throw SelectionError.noWarningTemplate
        }
        let warning = StopWarning(marks: options.warnings, template: template)
        for mark in warning.marks { try ConsoleInput.check(warning.line(at: mark)) }
        return warning
    }

    /// The console line at `seconds` before the stop.
    package func line(at seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return template.replacing("{seconds}", with: String(whole))
            .replacing("{minutes}", with: String((whole + 30) / 60))
            .replacing("{time}", with: Self.text(whole))
    }

    /// `5m`, `1m30s`, `10s`, `1h`.
    static func text(_ seconds: Int) -> String {
        let parts = [(seconds / 3600, "h"), (seconds % 3600 / 60, "m"), (seconds % 60, "s")]
        let shown = parts.filter { $0.0 > 0 }.map { "\($0.0)\($0.1)" }.joined()
        return shown.isEmpty ? "0s" : shown
    }
}
