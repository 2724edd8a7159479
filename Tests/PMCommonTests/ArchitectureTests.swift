import Foundation
import XCTest

/// The layers of docs/architecture.md, checked against Package.swift and every source file's
/// imports: a module may use only the modules below it.
final class ArchitectureTests: XCTestCase {
    /// Each module and the modules it may import.
    static let layers: [String: Set<String>] = [
        "CPMSystem": [],
        "PMSystem": ["CPMSystem"],
        "PMHTTP": ["PMSystem"],
        "PMCore": ["PMSystem"],
        "PMManagers": ["PMSystem", "PMHTTP", "PMCore"],
        "PMCommon": ["PMSystem", "PMHTTP", "PMCore", "PMManagers"]
    ]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    func testEveryFileImportsOnlyTheLayersBelowIt() throws {
        var violations: [String] = []
        for (module, allowed) in Self.layers where module != "CPMSystem" {
            for file in try Self.swiftFiles(in: "Sources/\(module)") {
                for imported in try Self.imports(of: file)
                where Self.layers[imported] != nil && !allowed.contains(imported) {
                    violations.append("\(file) imports \(imported)")
                }
            }
        }
        XCTAssertEqual(violations, [])
    }

    func testThePackageDeclaresTheSameLayers() throws {
        let manifest = try String(contentsOfFile: Self.root + "/Package.swift", encoding: .utf8)
        for (module, allowed) in Self.layers where module != "CPMSystem" {
            let pattern = try NSRegularExpression(
                pattern: "\\.target\\(\\s*name: \"\(module)\",\\s*dependencies: \\[([^\\]]*)\\]")
            let range = NSRange(manifest.startIndex..., in: manifest)
            guard let match = pattern.firstMatch(in: manifest, range: range),
                let list = Range(match.range(at: 1), in: manifest)
            else {
                XCTFail("Package.swift has no target \(module) with dependencies")
                continue
            }
            let declared = Set(
                manifest[list].split(separator: ",").map {
                    $0.trimmingCharacters(in: CharacterSet(charactersIn: " \""))
                })
            XCTAssertEqual(declared, allowed, module)
        }
    }

    /// What an outside user of the library can call stays small: the tools' entry point.
    func testFewPublicDeclarations() throws {
        var count = 0
        for module in Self.layers.keys where module != "CPMSystem" {
            for file in try Self.swiftFiles(in: "Sources/\(module)") {
                let text = try String(contentsOfFile: Self.root + "/" + file, encoding: .utf8)
                count +=
                    text.split(separator: "\n").filter { line in
                        let code = line.trimmingCharacters(in: .whitespaces)
                        return !code.hasPrefix("//")
                            && code.range(of: #"\bpublic\b"#, options: .regularExpression) != nil
                    }.count
            }
        }
        XCTAssertGreaterThan(count, 0)
        XCTAssertLessThan(count, 150)
    }

    static func swiftFiles(in directory: String) throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: root + "/" + directory)
        var files: [String] = []
        while let name = enumerator?.nextObject() as? String {
            if name.hasSuffix(".swift") { files.append(directory + "/" + name) }
        }
        XCTAssertFalse(files.isEmpty, directory)
        return files.sorted()
    }

    static func imports(of file: String) throws -> [String] {
        try String(contentsOfFile: root + "/" + file, encoding: .utf8).split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard let index = words.firstIndex(of: "import"), words[..<index].allSatisfy({ $0.hasPrefix("@") }),
                index + 1 < words.count
            else { return nil }
            return String(words[index + 1])
        }
    }
}
