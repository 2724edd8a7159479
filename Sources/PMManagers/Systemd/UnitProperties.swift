import PMCore
import PMHTTP
import PMSystem

/// The `KEY=value` lines of `systemctl show --property=...`:
/// a trailing CR is dropped, the key ends at the first `=`, lines without a key are skipped
/// and a later duplicate wins.
package struct UnitProperties {
    package let values: [String: String]

    package init(_ text: String) {
        var values: [String: String] = [:]
        for rawLine in text.lines {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : Substring(rawLine)
            guard let equals = line.firstIndex(of: "="), equals != line.startIndex else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        self.values = values
    }

    package subscript(_ key: String) -> String? { values[key] }

    /// `systemctl show` of several units: blocks separated by blank lines, each keyed by its
    /// `Id` property.
    package static func units(_ text: String) -> [String: UnitProperties] {
        var units: [String: UnitProperties] = [:]
        var block: [Substring] = []
        for line in text.lines + [""] {
            if !line.isEmpty && line != "\r" {
                block.append(line)
                continue
            }
            let properties = UnitProperties(block.joined(separator: "\n"))
            if let id = properties["Id"], !id.isEmpty { units[id] = properties }
            block.removeAll()
        }
        return units
    }

    /// One variable of the `Environment` property, which `systemctl show` prints as shell
    /// words (`A=1 "B=two words"`); nil when the unit does not set it.
    package func environment(_ name: String) -> String? {
        guard let text = values["Environment"], let words = try? ShellWords.split(text) else { return nil }
        let prefix = name + "="
        return words.last { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// An unsigned decimal; nil for `[not set]`, `infinity`, text, overflow and systemd's
    /// "unset" value 2^64-1.
    package func count(_ key: String) -> UInt64? {
        guard let text = values[key], !text.isEmpty, text.utf8.allSatisfy(ASCII.isDigit),
            let value = UInt64(text), value != UInt64.max
        else { return nil }
        return value
    }

    /// A time span as `systemctl show` prints it (`100ms`, `1min 30s`), in seconds; nil for
    /// anything else.
    package func seconds(_ key: String) -> Double? {
        guard let text = values[key], !text.isEmpty else { return nil }
        let units: [(String, Double)] = [
            ("us", 1e-6), ("ms", 1e-3), ("min", 60), ("s", 1), ("h", 3600), ("d", 86400)
        ]
        var total = 0.0
        for word in text.split(separator: " ") {
            guard let unit = units.first(where: { word.hasSuffix($0.0) }),
                let number = Double(word.dropLast(unit.0.count)), number.isFinite, number >= 0
            else { return nil }
            total += number * unit.1
        }
        return total
    }
}
