/// The toolbox's version, printed by `--version` and sent in engine requests' `User-Agent`.
package enum ToolboxVersion {
    package static let number = "0.1.0"
}
