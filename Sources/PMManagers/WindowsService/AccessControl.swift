import PMCore
import PMHTTP
import PMSystem

/// File permissions of the Windows managers, with `icacls` through the executor (so a dry run
/// lists them): NETWORK SERVICE's access to a server directory, and who may
/// read a service definition that holds a password (docs/differences.md#win-2).
struct AccessControl {
    /// BUILTIN\Administrators and SYSTEM, by SID (names are localized).
    static let administrators = "*S-1-5-32-544"
    static let system = "*S-1-5-18"

    let runner: ServiceRunner

    /// `icacls <dir> /grant *S-1-5-20:(OI)(CI)M /T`: NETWORK SERVICE may change the server's files.
    func grantNetworkService(_ directory: String) throws {
        runner.note("Granting permissions to NETWORK SERVICE for \(directory)")
        try expectSuccess(
            [directory, "/grant", "\(ServiceAccount.networkServiceSID):(OI)(CI)M", "/T"],
            "give NETWORK SERVICE access to the server directory")
    }

    /// Only administrators, SYSTEM and the service's own account may read `file` (a WinSW
    /// definition: the wrapper reads it as that account). Inherited access goes.
    func restrict(_ file: String, reader account: ServiceAccount) throws {
        try expectSuccess(
            [
                file, "/inheritance:r", "/grant:r", "\(Self.administrators):F", "\(Self.system):F",
                "\(account.grantee):R"
            ],
            "restrict who can read the service definition")
    }

    private func expectSuccess(_ arguments: [String], _ what: String) throws {
        let command = ["icacls"] + arguments
        let result = try runner.change(command)
        guard try runner.exitCode(result, command) == 0 else {
            throw runner.failure(command, result, advice: "could not \(what)")
        }
    }
}
