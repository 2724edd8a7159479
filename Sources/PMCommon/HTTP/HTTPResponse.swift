/// A response read to its end: the head, the whole body and any trailers.
public struct HTTPResponse: Equatable {
    public let head: HTTPResponseHead
    public let body: [UInt8]
    public let trailers: HTTPHeaders

    public init(head: HTTPResponseHead, body: [UInt8], trailers: HTTPHeaders = HTTPHeaders()) {
        self.head = head
        self.body = body
        self.trailers = trailers
    }

    public var status: Int { head.status }
    public var headers: HTTPHeaders { head.headers }
    public var text: String { String(decoding: body, as: UTF8.self) }

    public func json() throws -> JSONValue { try JSONParser.parse(body) }

    /// What the engine says went wrong: the `message` member of a JSON body, else the body's
    /// text, trimmed (`containers.md` §2.2).
    public var errorMessage: String {
        let isJSON = headers["Content-Type"]?.lowercased().hasPrefix("application/json") ?? false
        if isJSON, case .object(let object)? = try? json(), case .string(let message)? = object["message"] {
            return message
        }
        return text.trimmingWhitespace
    }
}
