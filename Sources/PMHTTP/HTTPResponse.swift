import PMSystem

/// A response read to its end: the head, the whole body and any trailers.
package struct HTTPResponse: Equatable {
    package let head: HTTPResponseHead
    package let body: [UInt8]
    package let trailers: HTTPHeaders

    package init(head: HTTPResponseHead, body: [UInt8], trailers: HTTPHeaders = HTTPHeaders()) {
        self.head = head
        self.body = body
        self.trailers = trailers
    }

    package var status: Int { head.status }
    package var headers: HTTPHeaders { head.headers }
    package var text: String { String(decoding: body, as: UTF8.self) }

    package func json() throws -> JSONValue { try JSONParser.parse(body) }

    /// Bytes of an engine's error message that a tool's one-line error keeps.
    package static let messageLimit = 200

    /// What the engine says went wrong: the `message` member of a JSON body, else the body's
    /// text, trimmed; at most `messageLimit` bytes of it, control
    /// characters escaped, so that an HTML error page stays one short line.
    package var errorMessage: String {
        let isJSON = headers["Content-Type"]?.lowercased().hasPrefix("application/json") ?? false
        if isJSON, case .object(let object)? = try? json(), case .string(let message)? = object["message"] {
            return Self.oneLine(message)
        }
        return Self.oneLine(text.trimmingWhitespace)
    }

    static func oneLine(_ message: String) -> String {
        var out = ""
        for scalar in message.unicodeScalars {
            let piece =
                scalar.value < 0x20 || scalar.value == 0x7F
                ? "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16) : String(scalar)
            guard out.utf8.count + piece.utf8.count <= messageLimit else { return out + "..." }
            out += piece
        }
        return out
    }
}
