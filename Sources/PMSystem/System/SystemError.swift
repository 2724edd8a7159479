#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: what was attempted, on what, and the errno it gave.
package struct SystemError: Error, CustomStringConvertible {
    package let operation: String
    package let path: String?
    package let code: Int32

    package init(_ operation: String, path: String? = nil, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// The C library's text for the errno, as `strerror(3)` gives it.
    package var reason: String { String(cString: strerror(code)) }

    package var description: String {
        if let path { return "\(operation) \(path): \(reason)" }
        return "\(operation): \(reason)"
    }
}
