import PMSystem

/// The lenient conversions of record fields (docs/differences.md#rec-1), each naming the field when a value
/// cannot be used.
struct LenientValue {
    /// Longest string accepted in any field: values end up in argv and the environment.
    static let maximumStringBytes = 65536
    /// Longest var or setting name: names become placeholders, searched for at every `{`.
    static let maximumNameBytes = 256

    /// A var or setting name: text of at most `maximumNameBytes`.
    static func checkName(_ name: String, field: String) throws -> String {
        guard name.utf8.count <= maximumNameBytes else {
            throw RecordError(field: field, "the name is longer than \(maximumNameBytes) bytes")
        }
        return name
    }

    let field: String
    let value: JSONValue?

    /// A string field; null or missing gives "". NUL is refused: it cannot reach argv.
    func string() throws -> String {
        switch value {
        case nil, .null?: return ""
        case .string(let text)?: return try checked(text)
        case let other?: throw RecordError(field: field, "expected a string, got \(other.typeName)")
        }
    }

    /// A string that names something (a user, a directory, a uuid): no control characters.
    func name() throws -> String {
        let text = try string()
        if let bad = text.unicodeScalars.first(where: \.isControlCharacter) {
            throw RecordError(field: field, "contains the control character \(bad.codePoint)")
        }
        return text
    }

    /// An integer field: a JSON integer or a numeric string (`"27015"`). Null or missing gives nil.
    func integer(in range: ClosedRange<Int>) throws -> Int? {
        let literal: String
        switch value {
        case nil, .null?: return nil
        case .number(let text)?: literal = text
        case .string(let text)?:
            let trimmed = text.trimmingWhitespace
            if trimmed.isEmpty { return nil }
            literal = trimmed
        case let other?: throw RecordError(field: field, "expected an integer, got \(other.typeName)")
        }
        guard let number = Self.integerValue(literal) else {
            throw RecordError(field: field, "expected an integer, got \(literal.prefix(40))")
        }
        guard range.contains(number) else {
            throw RecordError(field: field, "\(number) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    /// A boolean field: `true`/`false`, `0`/`1`, or those as strings. Null or missing gives `fallback`.
    func boolean(default fallback: Bool) throws -> Bool {
        switch value {
        case nil, .null?: return fallback
        case .bool(let flag)?: return flag
        case .number(let text)?:
            if let number = Self.integerValue(text), number == 0 || number == 1 { return number == 1 }
        case .string(let text)?:
            switch text.lowercased() {
            case "1", "true", "yes": return true
            case "0", "false", "no", "": return false
            default: break
            }
        default: break
        }
        throw RecordError(field: field, "expected a boolean, got \(value?.typeName ?? "nothing")")
    }

    /// A scalar as text, the way vars and settings are coerced: numbers as written, booleans
    /// as `1`/`0`. Null gives nil (the entry is skipped).
    func scalarText() throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return try checked(text)
        case .number(let text)?: return text
        case .bool(let flag)?: return flag ? "1" : "0"
        case let other?: throw RecordError(field: field, "expected a string, number or boolean, got \(other.typeName)")
        }
    }

    /// An object of free metadata; only string values are kept.
    func stringMap() throws -> [String: String] {
        switch value {
        case nil, .null?: return [:]
        case .object(let object)?:
            var map: [String: String] = [:]
            for member in object.members {
                if case .string(let text) = member.value {
                    map[member.key] = try LenientValue(field: "\(field).\(member.key)", value: .string(text)).string()
                }
            }
            return map
        case let other?: throw RecordError(field: field, "expected an object, got \(other.typeName)")
        }
    }

    private func checked(_ text: String) throws -> String {
        if text.utf8.count > Self.maximumStringBytes {
            throw RecordError(field: field, "is longer than \(Self.maximumStringBytes / 1024) KiB")
        }
        if text.utf8.contains(0) { throw RecordError(field: field, "contains a NUL character") }
        return text
    }

    /// The integer a JSON number literal denotes, when it is whole and fits.
    static func integerValue(_ literal: String) -> Int? {
        if let exact = Int(literal) { return exact }
        guard let real = Double(literal), real.isFinite, real == real.rounded(),
            abs(real) <= 9_007_199_254_740_992
        else { return nil }
        return Int(real)
    }
}
