import PMSystem

/// A Docker Engine API version, `<major>.<minor>`. Requests go to
/// `/v1.47/...`; the client supports 1.40 to 1.55, as the reference's library does.
package struct APIVersion: Comparable, CustomStringConvertible {
    package let major: Int
    package let minor: Int

    package init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// The newest version the client speaks, used when the engine does not say or cannot be asked.
    package static let dockerMaximum = APIVersion(1, 55)
    /// Engines older than this are too old: negotiation fails.
    package static let dockerMinimum = APIVersion(1, 40)

    /// `1.47`, `v1.47`, ` 1.47 `; nil for anything else.
    package init?(parsing text: String) {
        var body = Substring(text.trimmingWhitespace)
        if body.hasPrefix("v") { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ (1...6).contains($0.count) && $0.utf8.allSatisfy(ASCII.isDigit) }),
            let major = Int(parts[0]), let minor = Int(parts[1])
        else { return nil }
        self.init(major, minor)
    }

    /// A configured version; an error naming `source` (`DOCKER_API_VERSION`) when malformed.
    package static func parse(_ text: String, source: String) throws -> APIVersion {
        guard let version = APIVersion(parsing: text) else { throw HTTPError.invalidAPIVersion(text, source: source) }
        return version
    }

    /// The version to use with an engine whose `/_ping` sent `Api-Version: header`: the
    /// maximum when it sent none, the lower of the two otherwise; nil (negotiation failed)
    /// when the engine is older than the minimum or sent something unreadable.
    package static func negotiated(engine header: String?) -> APIVersion? {
        guard let header, !header.trimmingWhitespace.isEmpty else { return dockerMaximum }
        guard let version = APIVersion(parsing: header), version >= dockerMinimum else { return nil }
        return min(version, dockerMaximum)
    }

    /// `/v1.47`
    package var pathPrefix: String { "/v\(self)" }

    package var description: String { "\(major).\(minor)" }

    package static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}
