import PMCore
import PMHTTP
import PMSystem

/// An image pull's progress (Docker's `POST /images/create` or libpod's `POST /images/pull`,
/// newline-delimited JSON) shown on stderr, one line per layer step without the progress bars. An `error` in the stream
/// fails the pull
/// (the reference copied the stream and reported success: docs/differences.md#dock-1).
enum PullProgress {
    static func follow(_ stream: HTTPResponseStream, image: String, to out: OutputChannel) throws {
        do {
            try stream.forEachLine { line in
                guard !line.isEmpty, let message = try? JSONParser.parse(line) else { return }
                if let error = message["error"]?.string ?? message["errorDetail", "message"]?.string {
                    throw ContainerError.pullFailed(image: image, engineSaid: error)
                }
                if let text = message["stream"]?.string {
                    // Podman's libpod pull: lines of text ("Trying to pull ...", "Writing manifest ...").
                    for line in text.lines where !String(line).trimmingWhitespace.isEmpty { out.line(String(line)) }
                    return
                }
                guard let status = message["status"]?.string, status != "Downloading", status != "Extracting" else {
                    return
                }
                out.line([message["id"]?.string, status].compactMap { $0 }.joined(separator: ": "))
            }
        } catch let error as HTTPError {
            throw ContainerError.pullInterrupted(image: image, error)
        }
    }
}
