import XCTest

@testable import PMCommon
@testable import PMCore
@testable import PMHTTP
@testable import PMManagers
@testable import PMSystem
@testable import PMTestSupport

/// `Path.clean` behaves as Go's `filepath.Clean`, which the reference uses for the server
/// directory (the vectors are Go's own).
final class PathTests: XCTestCase {
    func testCleanMatchesGo() {
        let vectors: [(String, String)] = [
            ("", "."), ("abc", "abc"), ("abc/def", "abc/def"), ("a/b/c", "a/b/c"), (".", "."), ("..", ".."),
            ("../..", "../.."), ("../../abc", "../../abc"), ("/abc", "/abc"), ("/", "/"),
            ("abc/", "abc"), ("abc/def/", "abc/def"), ("a/b/c/", "a/b/c"), ("./", "."), ("../", ".."),
            ("../../", "../.."), ("/abc/", "/abc"), ("abc//def//ghi", "abc/def/ghi"), ("//abc", "/abc"),
            ("///abc", "/abc"), ("//abc//", "/abc"), ("abc//", "abc"), ("abc/./def", "abc/def"),
            ("/./abc/def", "/abc/def"), ("abc/.", "abc"), ("abc/def/ghi/../jkl", "abc/def/jkl"),
            ("abc/def/../ghi/../jkl", "abc/jkl"), ("abc/def/..", "abc"), ("abc/def/../..", "."),
            ("/abc/def/../..", "/"), ("abc/def/../../..", ".."), ("/abc/def/../../..", "/"),
            ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"), ("/../abc", "/abc"),
            ("abc/./../def", "def"), ("abc//./../def", "def"), ("abc/../../././../def", "../../def"),
            ("/srv/gameap/..d/x", "/srv/gameap/..d/x"), ("/srv/.../x", "/srv/.../x")
        ]
        for (input, expected) in vectors {
            XCTAssertEqual(Path.clean(input), expected, input)
        }
    }
}
