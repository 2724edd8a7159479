/// A parsed JSON value. Numbers keep the literal text as written, so a var default of `1.50`
/// or `90071992547409930` reaches a command exactly (the reference truncates: docs/differences.md#rec-5).
package enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type's name, for error messages ("expected a string, got an array").
    package var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON object with its members in document order. Duplicate keys keep every member;
/// lookups return the last one, as Go's decoder does.
package struct JSONObject: Sendable {
    package var members: [(key: String, value: JSONValue)]

    package init(_ members: [(key: String, value: JSONValue)] = []) {
        self.members = members
    }

    package subscript(key: String) -> JSONValue? {
        members.last { $0.key == key }?.value
    }

    package var isEmpty: Bool { members.isEmpty }
}

extension JSONObject: Equatable {
    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.elementsEqual(rhs.members) { $0.key == $1.key && $0.value == $1.value }
    }
}
