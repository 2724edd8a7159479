import PMCore
import PMHTTP
import PMSystem

/// When Windows starts a server's service by itself: `demand` (only when asked, the default:
/// starting servers at boot is the panel's autostart decision, as on Linux), or `auto` (at
/// boot, the reference's choice: docs/differences.md#win-17). Setting `service_start`.
enum ServiceStartMode: String {
    case demand, auto

    static let setting = SettingKey.serviceStart

    static func of(_ server: Server) throws -> ServiceStartMode {
        guard let text = server.settings.value(setting) else { return .demand }
        guard let mode = ServiceStartMode(rawValue: text.trimmingWhitespace.lowercased()) else {
            throw WindowsServiceError.invalidStartMode(setting, text: text)
        }
        return mode
    }
}
