/// The toolbox's version, printed by `--version` and sent in engine requests' `User-Agent`.
package enum Toolbox {
    package static let version = "0.1.0"
}
