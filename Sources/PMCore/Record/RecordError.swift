import PMSystem

/// A server record that cannot be used: the field (as a JSON path) and what is wrong with it.
package struct RecordError: Error, CustomStringConvertible {
    package let field: String
    package let problem: String

    package init(field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }

    package var description: String { field.isEmpty ? problem : "field \(field): \(problem)" }
}
