#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Times as text.
package enum Timestamp {
    /// `2024-04-21T17:58:06Z` (UTC, whole seconds).
    package static func rfc3339(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e11 else { return "invalid" }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
            + "T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// `2024-04-21T17:58:06.123Z` (UTC, milliseconds): always 24 characters for the years
    /// 1000 to 9999.
    package static func rfc3339Milliseconds(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 2.5e11 else { return "invalid" }
        let whole = seconds.rounded(.down)
        let milliseconds = min(999, Int((seconds - whole) * 1000))
        let digits = String(milliseconds)
        return String(rfc3339(whole).dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// A moment as `--since` takes it, as docker and journalctl users write it: a duration
    /// before `now` (`90s`, `10m`, `1h30m`, `2d`, `500ms`), an RFC 3339 time, or seconds since
    /// the epoch (`1764779000`, `1764779000.5`); nil for anything else.
    package static func parseSince(_ text: String, now: Double) -> Double? {
        let trimmed = text.trimmingWhitespace
        if let time = parseRFC3339(trimmed) { return time }
        if let seconds = DecimalNumber.parse(trimmed), seconds.isFinite, seconds >= 0, seconds < 1e11 {
            return seconds
        }
        return duration(trimmed).map { now - $0 }
    }

    /// `1h30m`, `45s`, `2d`, `250ms` in seconds: numbers each followed by d, h, m, s or ms.
    package static func duration(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { ASCII.isDigit($0.asciiValue ?? 0) || $0 == "." }
            rest = rest.dropFirst(number.count)
            guard let amount = DecimalNumber.parse(String(number)),
                let unit = units.first(where: { rest.hasPrefix($0.0) })
            else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += amount * unit.1
        }
        return total.isFinite && total < 1e11 ? total : nil
    }

    /// Seconds since the epoch of an RFC 3339 time (`2026-11-27T03:20:06.123456789Z`, or with a
    /// `+02:00` offset); nil for anything else and for Go's zero time (year 1).
    package static func parseRFC3339(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<(from + count)] {
                guard ASCII.isDigit(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 20, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            year > 1, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            var scale = 0.1
            index += 1
            while index < bytes.count, ASCII.isDigit(bytes[index]) {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            guard let hours = number(index + 1, 2), let minutes = number(index + 4, 2) else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
        } else if index >= bytes.count || (bytes[index] != UInt8(ascii: "Z") && bytes[index] != UInt8(ascii: "z")) {
            return nil
        }
        // Days from the civil date (proleptic Gregorian), as timegm would give them.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146097 + dayOfEra - 719468
        return Double(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }
}
