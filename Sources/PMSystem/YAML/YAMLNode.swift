/// A node of the YAML subset the daemon configuration uses, with the line it started on.
package indirect enum YAMLNode: Equatable {
    case scalar(String, line: Int)
    case null(line: Int)
    case sequence([YAMLNode], line: Int)
    case mapping([(key: String, value: YAMLNode)], line: Int)

    package var line: Int {
        switch self {
        case .scalar(_, let line), .null(let line), .sequence(_, let line), .mapping(_, let line): return line
        }
    }

    package subscript(key: String) -> YAMLNode? {
        guard case .mapping(let entries, _) = self else { return nil }
        return entries.last { $0.key == key }?.value
    }

    package var typeName: String {
        switch self {
        case .scalar: return "a scalar"
        case .null: return "an empty value"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    package static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let a, _), .scalar(let b, _)): return a == b
        case (.null, .null): return true
        case (.sequence(let a, _), .sequence(let b, _)): return a == b
        case (.mapping(let a, _), .mapping(let b, _)):
            return a.elementsEqual(b) { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}

/// A YAML text outside the supported subset, or malformed, with the line to look at.
package struct YAMLError: Error, CustomStringConvertible, Equatable {
    package let line: Int
    package let message: String
    package var description: String { "line \(line): \(message)" }

    package init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}
