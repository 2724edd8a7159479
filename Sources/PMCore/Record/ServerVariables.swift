import PMSystem

/// The reference's `Vars()` and `EnvironmentVars()`: game-mod var defaults, then server
/// vars, then settings, later layers overriding earlier ones.
package struct ServerVariables {
    /// Every source entry in merge order (mod defaults, vars, settings).
    package let layered: [(key: String, value: String)]

    package init(_ record: ServerRecord) {
        layered = record.gameMod.vars + record.vars + record.settings
    }

    /// `Vars()`: the merged map, keys exactly as given.
    package var merged: [String: String] {
        var map: [String: String] = [:]
        for entry in layered { map[entry.key] = entry.value }
        return map
    }

    /// `EnvironmentVars()` with the toolbox's fixes (docs/differences.md#rec-2, docs/differences.md#rec-7,
    /// docs/differences.md#rec-8): names are ASCII-only and valid for shells and systemd, a key that
    /// normalises to nothing is dropped, within the merge the later entry wins, and the port
    /// variables come last, those of a port that is 0 left out; the tools' own settings
    /// (`ManagerSettings.isToolSetting`) are not the game's. Sorted by name.
    package func environment(port: Int, queryPort: Int, rconPort: Int) -> [EnvironmentEntry] {
        var entries: [EnvironmentEntry] = []
        for entry in layered where !ManagerSettings.isToolSetting(entry.key) {
            if let name = EnvironmentName.normalize(entry.key) { entries.append(EnvironmentEntry(name, entry.value)) }
        }
        // A port the record does not give is no port: `PORT=0` would tell a game to pick one.
        for (name, value) in [("SERVER_PORT", port), ("PORT", port), ("QUERY_PORT", queryPort), ("RCON_PORT", rconPort)]
        where value != 0 {
            entries.append(EnvironmentEntry(name, String(value)))
        }
        // By name, and of one name the entry appended last: a sort of positions, so that a
        // record with many vars stays O(n log n) and no dictionary is built.
        let order = entries.indices.sorted {
            entries[$0].name == entries[$1].name ? $0 < $1 : entries[$0].name < entries[$1].name
        }
        var result: [EnvironmentEntry] = []
        result.reserveCapacity(order.count)
        for position in order.indices {
            let entry = entries[order[position]]
            if position + 1 < order.count, entries[order[position + 1]].name == entry.name { continue }
            result.append(entry)
        }
        return result
    }
}

/// Environment-variable names from var keys.
package enum EnvironmentName {
    /// ASCII letters and digits upper-cased, `-` and space to `_`, `_` kept, everything else
    /// dropped, outer `_` trimmed; a leading digit gets a `_` prefix. Nil when nothing is left.
    /// (The reference keeps non-ASCII letters and leading digits, which systemd rejects.)
    package static func normalize(_ key: String) -> String? {
        var out: [UInt8] = []
        for byte in key.utf8 {
            if ASCII.isLetter(byte) {
                out.append(byte & ~0x20)
            } else if ASCII.isDigit(byte) || byte == UInt8(ascii: "_") {
                out.append(byte)
            } else if byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ") {
                out.append(UInt8(ascii: "_"))
            }
        }
        while out.first == UInt8(ascii: "_") { out.removeFirst() }
        while out.last == UInt8(ascii: "_") { out.removeLast() }
        guard let first = out.first else { return nil }
        if ASCII.isDigit(first) { out.insert(UInt8(ascii: "_"), at: 0) }
        return String(decoding: out, as: UTF8.self)
    }
}
