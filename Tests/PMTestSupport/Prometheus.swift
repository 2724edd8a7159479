import Foundation

/// Reading values back from Prometheus text.
enum Prometheus {
    /// The value of the first sample of `family` (optionally with a label text), or nil.
    static func value(_ text: String, _ family: String, containing label: String = "") -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(family + "{") || line.hasPrefix(family + " ") {
            guard label.isEmpty || line.contains(label), let space = line.lastIndex(of: " ") else { continue }
            return Double(line[line.index(after: space)...])
        }
        return nil
    }
}
