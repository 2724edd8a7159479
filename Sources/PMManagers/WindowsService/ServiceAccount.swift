import PMSystem
import PMHTTP
import PMCore

/// The Windows account a service runs as: the
/// record's user with its password from the configuration's `users` map (verbatim, or
/// `base64:` and standard base64), or NETWORK SERVICE when `use_network_service_user` is set.
/// The password is a secret: it is never part of any text the tools print.
enum ServiceAccount: Equatable {
    case user(name: String, password: String)
    case networkService

    /// The name the Service Control Manager takes for NETWORK SERVICE in every locale (the
    /// reference resolves the localized name of S-1-5-20 instead, which the SCM rejects).
    static let networkServiceName = #"NT AUTHORITY\NetworkService"#
    /// NETWORK SERVICE as `icacls` takes it, independent of the locale.
    static let networkServiceSID = "*S-1-5-20"

    /// The account for `server`. `manager` names the manager in messages.
    static func of(_ server: Server, manager: String) throws -> ServiceAccount {
        if server.config.useNetworkServiceUser { return .networkService }
        let name = server.record.user
        guard !name.isEmpty else {
            throw ManagerError.invalid("the \(manager) manager needs the record's su_user, the Windows account the service runs as (or use_network_service_user: true in the daemon configuration)")
        }
        guard let value = server.config.users[name] else {
            throw ManagerError.invalid("user \(name) is not in the users map of the daemon configuration: add its password as users.\(name)")
        }
        return .user(name: name, password: try password(value, user: name))
    }

    /// The password a `users` value stands for; never quoted in an error.
    static func password(_ value: String, user: String) throws -> String {
        var password = value
        if value.hasPrefix(UserPasswords.base64Prefix) {
            guard let bytes = Base64.decode(String(value.dropFirst(UserPasswords.base64Prefix.count))),
                  let decoded = String(validUTF8: bytes) else {
                throw ManagerError.invalid("the password of user \(user) in the users map is not UTF-8 text in standard base64 after \"base64:\"")
            }
            password = decoded
        }
        guard !password.isEmpty else {
            throw ManagerError.invalid("the password of user \(user) in the users map is empty")
        }
        guard !password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ManagerError.invalid("the password of user \(user) in the users map contains a control character, which a service definition cannot carry")
        }
        return password
    }

    /// The account name as services take it: the user, or `NT AUTHORITY\NetworkService`.
    var name: String {
        switch self {
        case .user(let name, _): return name
        case .networkService: return Self.networkServiceName
        }
    }

    var password: String? {
        if case .user(_, let password) = self { return password }
        return nil
    }

    /// The account as `icacls` grants to it.
    var grantee: String {
        switch self {
        case .user(let name, _): return name
        case .networkService: return Self.networkServiceSID
        }
    }
}
