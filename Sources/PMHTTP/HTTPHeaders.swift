import PMSystem

/// HTTP header fields in the order they were sent, looked up without regard to case
/// (`content-length` finds `Content-Length`), as RFC 9110 section 5.1 requires.
package struct HTTPHeaders: Equatable, Sequence {
    package struct Field: Equatable {
        package let name: String
        package let value: String
    }

    package private(set) var fields: [Field] = []

    package init(_ pairs: [(String, String)] = []) {
        for (name, value) in pairs { add(name, value) }
    }

    package mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// The first value of `name`, or nil.
    package subscript(name: String) -> String? {
        fields.first { Self.same($0.name, name) }?.value
    }

    /// Every value of `name`, in order.
    package func values(_ name: String) -> [String] {
        fields.filter { Self.same($0.name, name) }.map(\.value)
    }

    package func contains(_ name: String) -> Bool { self[name] != nil }

    package func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// ASCII case-insensitive equality: field names are tokens, and tokens are ASCII.
    static func same(_ a: String, _ b: String) -> Bool {
        let lower = { (byte: UInt8) in ASCII.isLetter(byte) ? byte | 0x20 : byte }
        return a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { lower($0) == lower($1) }
    }
}
