import PMCore
import PMHTTP
import PMSystem

/// Why a docker or podman verb failed at the engine or around it.
enum ContainerError: ToolError {
    /// The engine refused or failed the request `what` (`failed to create container`); the
    /// status is the HTTP error's, and the message is masked with the server's secrets.
    case engine(what: String, HTTPError, masker: SecretMasker)
    /// The engine answered an inspection with something that is not a container.
    case notAContainer(name: String)
    case stillRunsAfterStop(name: String)
    case noContainer(name: String)
    case notRunning
    /// A container under a custom name (`docker_container_name`) without the server's labels.
    case notCreatedByPM(name: String, server: String)
    /// The engine's log stream could not be read or decoded.
    case cannotCopyLogs(HTTPError)
    /// The pull's progress stream reported `engineSaid`.
    case pullFailed(image: String, engineSaid: String)
    /// The pull's progress stream broke off.
    case pullInterrupted(image: String, HTTPError)
    /// The directories that lead to the server directory are not all root's and closed to others.
    case replaceableDirectory(path: String)
    case noPasswdEntry
    /// The installation container exited with `status`; its output was shown.
    case installationFailed(status: Int)
    case cannotCreateWorkDirectory(SystemError)
    case cannotChangeOwnership(SystemError)
    /// A private directory in /tmp could not be made.
    case cannotCreateTemporaryDirectory(SystemError)
    case cannotWriteInstallationScript(SystemError)
    /// The engine's answer to the installation's wait has no exit status.
    case waitWithoutStatus(answer: String)
    case execWithoutID(answer: String)
    /// The exec that types a console line exited with `exitCode`, printing `output`.
    case consoleLineNotWritten(exitCode: Int, output: String)

    var exitStatus: ExitStatus {
        switch self {
        case .engine(_, let error, _): return error.exitStatus
        case .notAContainer, .cannotCopyLogs, .pullInterrupted, .cannotCreateTemporaryDirectory,
            .cannotWriteInstallationScript, .waitWithoutStatus, .execWithoutID:
            return .unknown
        case .stillRunsAfterStop, .noContainer, .notRunning, .notCreatedByPM, .pullFailed, .replaceableDirectory,
            .noPasswdEntry, .installationFailed, .cannotCreateWorkDirectory, .cannotChangeOwnership,
            .consoleLineNotWritten:
            return .failure
        }
    }

    var description: String {
        switch self {
        case .engine(let what, let error, let masker): return masker.apply("\(what): \(error)")
        case .notAContainer(let name):
            return "failed to inspect container \(name): the engine's answer is not a container"
        case .stillRunsAfterStop(let name): return "the container \(name) still runs after the engine's stop"
        case .noContainer(let name):
            return "the server has no container \(name) (it was never started, or was stopped and removed)"
        case .notRunning: return "the server is not running (no running container)"
        case .notCreatedByPM(let name, let server):
            return "the container \(name) was not created by pm for \(server) (it has no gameap.server.id label); "
                + "choose another docker_container_name"
        case .cannotCopyLogs(let error): return "failed to copy logs: \(error)"
        case .pullFailed(let image, let said): return "failed to pull image \(image): \(said)"
        case .pullInterrupted(let image, let error): return "failed to pull image \(image): \(error)"
        case .replaceableDirectory(let path):
            return "another user could replace the server directory \(path) with a link before the engine mounts "
                + "it: the directories that lead to it must be root's and not writable by others"
        case .noPasswdEntry: return "failed to get user IDs: the user running pm has no passwd entry"
        case .installationFailed(let status): return "exit code \(status): installation failed (its output is above)"
        case .cannotCreateWorkDirectory(let error): return "failed to create work directory: \(error)"
        case .cannotChangeOwnership(let error): return "failed to change ownership of installed files: \(error)"
        case .cannotCreateTemporaryDirectory(let error): return "\(error)"
        case .cannotWriteInstallationScript(let error): return "cannot write the installation script: \(error)"
        case .waitWithoutStatus(let answer):
            return "error waiting for installation container: no StatusCode in \(answer.prefix(200))"
        case .execWithoutID(let answer):
            return "failed to create exec: the engine's answer has no Id: \(answer.prefix(200))"
        case .consoleLineNotWritten(let code, let output):
            return "the console line could not be written into the container (exit "
                + "\(code)\(output.isEmpty ? "" : ": " + output))"
        }
    }
}
