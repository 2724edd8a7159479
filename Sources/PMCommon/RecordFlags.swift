import PMCore
import PMHTTP
import PMManagers
import PMSystem

/// Checks and conversions for the values of record flags.
enum RecordFlags {
    static func integer(_ text: String, _ flag: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let number = Int(text), range.contains(number) else {
            throw UsageError(
                "\(flag) needs an integer in \(range.lowerBound)...\(range.upperBound), not \"\(text.prefix(40))\"")
        }
        return number
    }

    static func seconds(_ text: String, _ flag: String) throws -> Double {
        guard let number = DecimalNumber.parse(text), number.isFinite, number >= 0, number <= 86400 else {
            throw UsageError("\(flag) needs a number of seconds between 0 and 86400, not \"\(text.prefix(40))\"")
        }
        return number
    }

    static func pair(_ text: String, _ flag: String) throws -> (key: String, value: String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw UsageError("\(flag) needs KEY=VALUE, not \"\(text.prefix(40))\"")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    static func name(_ text: String, _ flag: String) throws -> String {
        guard !text.unicodeScalars.contains(where: \.isControlCharacter) else {
            throw UsageError("\(flag) contains a control character")
        }
        return text
    }

    /// `-n NAME`: a UUID sets the uuid; any other safe name is also used as is for the session,
    /// unit or container.
    static func applyName(_ text: String, to record: inout ServerRecord) throws {
        record.uuid = try name(text, "-n")
        if XID.uuidBytes(text) != nil {
            record.nameOverride = nil
            return
        }
        let bytes = Array(text.utf8)
        let safe =
            (1...64).contains(bytes.count) && (ASCII.isLetter(bytes[0]) || ASCII.isDigit(bytes[0]))
            && bytes.allSatisfy {
                ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
                    || $0 == UInt8(ascii: "-")
            }
        guard safe else {
            throw UsageError(
                "-n needs a uuid or a name of letters, digits, '.', '_' and '-' (at most 64), not "
                    + "\"\(text.prefix(40))\""
            )
        }
        if let reason = ManagerRegistry.reservation(of: text) {
            throw UsageError("-n \(text) is reserved: \(reason)")
        }
        record.nameOverride = text
    }
}
