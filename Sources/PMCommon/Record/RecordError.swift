/// A server record that cannot be used: the field (as a JSON path) and what is wrong with it.
public struct RecordError: Error, CustomStringConvertible {
    public let field: String
    public let problem: String

    public init(field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { field.isEmpty ? problem : "field \(field): \(problem)" }
}
