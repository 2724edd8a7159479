import PMCore
import PMHTTP
import PMSystem

/// An image reference, parsed the way the Docker client parses one:
/// `[registry/]path[:tag][@digest]`. Unlike the reference's check for any `:`, a
/// registry port is not taken for a tag (docs/differences.md#dock-9): `registry:5000/game` is
/// `registry:5000/game:latest`.
package struct ImageReference: Equatable {
    /// The registry host (`docker.io` when the first component is not one).
    package let registry: String
    /// The repository path (`library/debian` on docker.io for a one-component name).
    package let path: String
    package let tag: String?
    package let digest: String?
    /// The name as given, with `:latest` added when it had neither tag nor digest.
    package let name: String

    package init(_ text: String) throws {
        let reference = text.trimmingWhitespace
        func invalid(_ problem: ContainerSettingError.ImageProblem) -> ContainerSettingError {
            .image(reference, problem)
        }
        guard !reference.isEmpty, reference.utf8.count <= 512 else { throw invalid(.emptyOrTooLong) }
        var rest = Substring(reference)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
            guard let value = digest, value.contains(":"),
                value.utf8.allSatisfy({
                    ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "+")
                        || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
                })
            else { throw invalid(.digest) }
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var tag: String?
        if let last = components.last, let colon = last.lastIndex(of: ":") {
            tag = String(last[last.index(after: colon)...])
            components[components.count - 1] = String(last[..<colon])
            guard let value = tag, (1...128).contains(value.utf8.count),
                value.utf8.allSatisfy({
                    ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
                        || $0 == UInt8(ascii: "-")
                })
            else { throw invalid(.tag) }
        }
        var registry = "docker.io"
        if components.count > 1, let first = components.first,
            first.contains(".") || first.contains(":") || first == "localhost"
        {
            registry = first == "index.docker.io" ? "docker.io" : first
            components.removeFirst()
            guard
                registry.utf8.allSatisfy({
                    ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
                        || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]")
                })
            else { throw invalid(.registry) }
        }
        // Docker's grammar: each component begins and ends with a letter or digit (`..` is none).
        func isLowerAlphanumeric(_ byte: UInt8?) -> Bool {
            byte.map { (ASCII.isLetter($0) && $0 >= 0x61) || ASCII.isDigit($0) } ?? false
        }
        for component in components {
            guard isLowerAlphanumeric(component.utf8.first), isLowerAlphanumeric(component.utf8.last),
                component.utf8.allSatisfy({
                    isLowerAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")
                        || $0 == UInt8(ascii: "-")
                })
            else { throw invalid(.repository) }
        }
        if registry == "docker.io" && components.count == 1 { components.insert("library", at: 0) }
        self.registry = registry
        self.path = components.joined(separator: "/")
        self.tag = tag
        self.digest = digest
        name = tag == nil && digest == nil ? reference + ":latest" : reference
    }

    /// `fromImage` and `tag` of `POST /images/create`: the digest when there is one, else the
    /// tag, else `latest` (an empty tag would pull every tag).
    package var pullQuery: [String: String] {
        ["fromImage": registry + "/" + path, "tag": digest ?? tag ?? "latest"]
    }
}
