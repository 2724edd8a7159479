import PMCore
import PMHTTP
import PMSystem

/// The command line of a shawl service: `shawl.exe run` with the
/// reference's options (restart always, 10 s stop timeout, daily logs kept 7 days), then the
/// program and its arguments. As in the reference no `--env` is passed: shawl services get
/// none of the server's environment variables.
struct ShawlArguments: Equatable {
    let name: String
    let workingDirectory: String
    let logDirectory: String
    let program: ServiceProgram

    /// The log shawl writes today: `<log dir>\<name>.log_rCURRENT.log`.
    static func currentLog(_ name: String) -> String { "\(name).log_rCURRENT.log" }

    var vector: [String] {
        [
            "run", "--name", name, "--restart", "--stop-timeout", "10000", "--cwd", workingDirectory,
            "--log-dir", logDirectory, "--log-as", "\(name).log", "--log-rotate", "daily", "--log-retain", "7",
            "--", program.executable
        ] + program.arguments
    }

    /// The service's `binPath`: the shawl executable and the vector, Windows-quoted.
    func binPath(shawl: String) -> String {
        WindowsQuoting.quote(shawl) + " " + WindowsQuoting.join(vector)
    }
}
