import PMCore
import PMHTTP
import PMSystem

/// Console input for Podman. Podman closes a container's standard input when an attach
/// connection ends (the game reads end of file and exits: docs/differences.md#pod-3), and its attach
/// ignores detach keys, so a one-shot tool cannot type through an attach. Instead an exec in
/// the container writes the line into the standard input of its first process:
/// `sh -c 'printf "%s\n" "$1" > /proc/1/fd/0' sh LINE`, the line one argument that no shell
/// reads. The image needs `sh`. Each exec leaves Podman's conmon for five minutes.
enum ConsoleExec {
    static func command(_ line: String) -> [String] {
        ["sh", "-c", "printf '%s\\n' \"$1\" > /proc/1/fd/0", "sh", line]
    }

    /// `prefix` is the API's path prefix for exec (empty for the Docker-compatible API).
    /// `stillRunning` tells, after an exec that failed, whether the container still runs the
    /// same run of the game: a line such as `quit` ends the game, and with it the exec, before
    /// the exec reports.
    static func send(
        _ line: String, container: String, engine: EngineRequests, prefix: String,
        stillRunning: () -> Bool
    ) throws {
        let body = JSONValue.object(
            JSONObject([
                ("Cmd", .array(command(line).map(JSONValue.string))),
                ("AttachStdout", .bool(true)), ("AttachStderr", .bool(true))
            ]))
        let created = try engine.require(
            .json("POST", prefix + "/containers/\(container)/exec", body), "failed to create exec")
        guard !engine.context.executor.isDryRun else { return }
        guard let id = (try? created.json())?["Id"]?.string, !id.isEmpty,
            id.utf8.allSatisfy({ ASCII.isLetter($0) || ASCII.isDigit($0) })
        else {
            throw ContainerError.execWithoutID(answer: created.text)
        }
        let start = JSONValue.object(JSONObject([("Detach", .bool(false)), ("Tty", .bool(false))]))
        let output = try engine.require(.json("POST", prefix + "/exec/\(id)/start", start), "failed to start exec")
        let inspected: HTTPResponse
        do {
            inspected = try engine.perform(HTTPRequest("GET", prefix + "/exec/\(id)/json"), "failed to inspect exec")
        } catch let error as HTTPError {
            // The exec ran to its end, and the line ended the game's run, whose exec sessions
            // the engine dropped (a restart policy may already run the game again).
            if error.isNotFound || !stillRunning() { return }
            throw engine.failure(error, "failed to inspect exec")
        }
        let code = (try? inspected.json())?["ExitCode"]?.integer ?? -1
        guard code == 0 || !stillRunning() else {
            let said = String(decoding: (try? ContainerManager.demultiplex(output.body)) ?? [], as: UTF8.self)
                .trimmingWhitespace
            throw ContainerError.consoleLineNotWritten(exitCode: code, output: said)
        }
    }
}
