/// Reading answers of container engines: members by path, and values of the expected kind
/// (nil for anything else, so a field missing or of another type reads as absent).
extension JSONValue {
    /// The member at `path` through nested objects: `json["State", "Running"]`.
    package subscript(_ path: String...) -> JSONValue? {
        var value: JSONValue? = self
        for key in path {
            guard case .object(let object)? = value else { return nil }
            value = object[key]
        }
        return value
    }

    package var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    package var bool: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// A non-negative integer that fits in 64 bits.
    package var unsigned: UInt64? {
        if case .number(let text) = self { return UInt64(text) }
        return nil
    }

    package var integer: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    package var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    package var object: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }
}
