#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Times as text.
public enum Timestamp {
    /// `2024-04-21T17:58:06Z` (UTC, whole seconds).
    public static func rfc3339(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e11 else { return "invalid" }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
