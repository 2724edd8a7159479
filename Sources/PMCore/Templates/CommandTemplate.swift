import PMSystem

/// A command template that could not be split into words.
package enum TemplateError: Error, CustomStringConvertible {
    case wrapper(ShellWordsError)
    case command(ShellWordsError)

    package var description: String {
        switch self {
        case .wrapper(let error): return "failed to split command wrapper template: \(error)"
        case .command(let error): return "failed to split server command: \(error)"
        }
    }
}

/// Builds argument vectors and command strings from the configured script templates and a
/// server's commands.
package struct CommandTemplate {
    package let placeholders: Placeholders
    /// How the templates are split into words: `windows` for Windows services.
    package let dialect: ShellWords.Dialect

    package init(placeholders: Placeholders, dialect: ShellWords.Dialect = .posix) {
        self.placeholders = placeholders
        self.dialect = dialect
    }

    /// `BuildCommandArgs`: splits the wrapper and the server command into words first, then
    /// substitutes placeholders in each word, so a value always stays one argument. A wrapper
    /// word `{command}` becomes all the server command's words. An empty wrapper gives an empty
    /// vector.
    ///
    /// Deliberate difference (docs/differences.md#cmd-1): a *quoted* `"{command}"` in the wrapper, as in the legacy
    /// `runner.sh ... -c "{command}"` templates, becomes one argument holding the command's words
    /// shell-quoted (`ShellWords.join`; `WindowsQuoting.join` in the Windows dialect), which is
    /// what such scripts expect. The reference expands
    /// it to many arguments, of which a legacy script sees only the first.
    package func arguments(wrapper: String, command: String) throws -> [String] {
        let words = try wrapperWords(wrapper)
        guard !words.isEmpty else { return [] }
        let commandWords: [String]
        do {
            commandWords = try ShellWords.split(command, dialect: dialect).map(placeholders.replace(in:))
        } catch let error as ShellWordsError {
            throw TemplateError.command(error)
        }
        let joined = dialect == .windows ? WindowsQuoting.join(commandWords) : ShellWords.join(commandWords)
        return expand(words) { quoted in quoted ? [joined] : commandWords }
    }

    /// The argument vector for console input: the wrapper's `{command}` (quoted or not) becomes
    /// the line itself as one argument, never split and never searched for placeholders
    /// (docs/differences.md#sim-4: an apostrophe is not an error, `{rcon_password}` stays literal).
    package func arguments(wrapper: String, literal line: String) throws -> [String] {
        expand(try wrapperWords(wrapper)) { _ in [line] }
    }

    private func wrapperWords(_ wrapper: String) throws -> [ShellWords.Word] {
        do { return try ShellWords.splitMarkingQuotes(wrapper, dialect: dialect) } catch let error as ShellWordsError {
            throw TemplateError.wrapper(error)
        }
    }

    private func expand(_ words: [ShellWords.Word], command: (_ quoted: Bool) -> [String]) -> [String] {
        var arguments: [String] = []
        for word in words {
            if word.text == "{command}" {
                arguments += command(word.quoted)
            } else {
                arguments.append(placeholders.replace(in: word.text))
            }
        }
        return arguments
    }

    /// `MakeFullCommand`: the first `{command}` replaced by the raw server command, then every
    /// placeholder in one pass. A string, for contexts that need one; prefer `arguments`.
    package func fullCommand(template: String, command: String) -> String {
        var text = template
        if let range = text.firstRange(of: "{command}") { text.replaceSubrange(range, with: command) }
        return placeholders.replace(in: text)
    }
}
