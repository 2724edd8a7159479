import PMCore
import PMHTTP
import PMSystem

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
            throw WindowsServiceError.noAccount(manager: manager)
        }
        guard let value = server.config.users[name] else {
            throw WindowsServiceError.userNotInUsersMap(name)
        }
        return .user(name: name, password: try password(value, user: name))
    }

    /// The password a `users` value stands for; never quoted in an error.
    static func password(_ value: String, user: String) throws -> String {
        guard let password = UserPasswords.password(from: value) else {
            throw WindowsServiceError.passwordNotBase64(user: user)
        }
        guard !password.isEmpty else {
            throw WindowsServiceError.emptyPassword(user: user)
        }
        guard !password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw WindowsServiceError.passwordControlCharacter(user: user)
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
