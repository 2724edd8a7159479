import PMSystem

/// Renders samples in the Prometheus text exposition format 0.0.4: families
/// sorted by name, `# HELP` and `# TYPE` once each, series sorted by their labels and each
/// written once, label values escaped, timestamps (milliseconds) only when asked for.
package enum PrometheusWriter {
    package static func render(_ samples: [MetricSample], timestamps: Bool = false) -> String {
        var byFamily: [String: (family: MetricFamily, samples: [MetricSample])] = [:]
        for sample in samples {
            byFamily[sample.family.name, default: (sample.family, [])].samples.append(sample)
        }
        var out = ""
        for name in byFamily.keys.sorted() {
            guard let entry = byFamily[name] else { continue }
            out += "# HELP \(name) \(escapeHelp(entry.family.help))\n"
            out += "# TYPE \(name) \(entry.family.kind.rawValue)\n"
            var seen = Set<String>()
            let lines = entry.samples.map { sample in (labels: labelText(sample.labels), sample: sample) }
                .sorted { $0.labels < $1.labels }
            for line in lines where seen.insert(line.labels).inserted {
                out += name + line.labels + " " + format(line.sample.value)
                if timestamps, let time = line.sample.timestamp { out += " \(Int64(time * 1000))" }
                out += "\n"
            }
        }
        return out
    }

    /// `{a="1",b="2"}` with labels sorted by name, or "" for none.
    static func labelText(_ labels: [(name: String, value: String)]) -> String {
        guard !labels.isEmpty else { return "" }
        let body = labels.sorted { $0.name < $1.name }.map { "\($0.name)=\"\(escapeLabel($0.value))\"" }
        return "{" + body.joined(separator: ",") + "}"
    }

    package static func escapeLabel(_ value: String) -> String {
        value.replacingScalars(["\\": "\\\\", "\"": "\\\"", "\n": "\\n"])
    }

    static func escapeHelp(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }

    static func format(_ value: MetricSample.Value) -> String {
        switch value {
        case .unsigned(let number): return String(number)
        case .signed(let number): return String(number)
        case .real(let number):
            if number.isNaN { return "NaN" }
            if number.isInfinite { return number > 0 ? "+Inf" : "-Inf" }
            return "\(number)"
        }
    }
}
