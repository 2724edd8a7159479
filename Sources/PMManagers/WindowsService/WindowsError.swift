import PMCore
import PMHTTP
import PMSystem

/// The Win32 error codes that `sc.exe` and WinSW exit with (`winerror.h`), by name, and the
/// words that explain them in messages. The tools never exit with these codes
/// (docs/differences.md#win-14): they say them.
enum WindowsError {
    static let fileNotFound: Int32 = 2
    static let accessDenied: Int32 = 5
    static let dependentServicesRunning: Int32 = 1051
    static let serviceRequestTimeout: Int32 = 1053
    static let serviceAlreadyRunning: Int32 = 1056
    static let invalidServiceAccount: Int32 = 1057
    static let serviceDisabled: Int32 = 1058
    static let serviceDoesNotExist: Int32 = 1060
    static let serviceCannotAcceptControl: Int32 = 1061
    static let serviceNotActive: Int32 = 1062
    static let serviceLogonFailed: Int32 = 1069
    static let serviceMarkedForDelete: Int32 = 1072
    static let serviceExists: Int32 = 1073

    /// `1069 (the service did not start due to a logon failure)`.
    static func describe(_ code: Int32) -> String {
        guard let meaning = meanings[code] else { return String(code) }
        return "\(code) (\(meaning))"
    }

    private static let meanings: [Int32: String] = [
        fileNotFound: "the system cannot find the file specified",
        accessDenied: "access is denied: run it as an administrator",
        dependentServicesRunning: "other running services depend on it",
        serviceRequestTimeout: "the service did not respond to the request in time",
        serviceAlreadyRunning: "the service is already running",
        invalidServiceAccount: "the account name is invalid or does not exist, or the password is wrong",
        serviceDisabled: "the service is disabled",
        serviceDoesNotExist: "the service does not exist",
        serviceCannotAcceptControl: "the service cannot accept control messages now",
        serviceNotActive: "the service has not been started",
        serviceLogonFailed:
            "the service did not start due to a logon failure: check the account's password in the users map",
        serviceMarkedForDelete: "the service has been marked for deletion",
        serviceExists: "the service already exists"
    ]
}
