/// Agent ids and models read from the environment or a session file, made safe to write into a
/// trailer and a usage record: the value is put in its one spelling (`ModelName`), a bracketed
/// variant note (`claude-sonnet-4.5[1m]`) is dropped as a parenthesised one is, and what is left
/// must be a value `AssistedBy.parse` accepts; anything else (`$(…)`, backticks, quotes, newlines,
/// bytes that were not UTF-8, a kilobyte of text) is dropped rather than written. So commit-msg
/// never meets a malformed value that aitrail wrote itself.
public enum SafeID {
    /// Longer values are no agent id or model name anyone types: they are dropped.
    static let maxLength = 100

    /// The model as aitrail writes it, or nil when `raw` cannot be one.
    public static func model(_ raw: String) -> String? {
        var text = Substring(raw)
        if let bracket = text.firstIndex(of: "[") { text = text[..<bracket] }
        // Shell and quoting characters mean the value is no model's name: drop it whole rather than
        // keep a part of it (`claude$HOME` is not `claude`).
        let allowed = " \t._-/:@+()"
        guard text.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || allowed.unicodeScalars.contains($0) }) else { return nil }
        guard text.utf8.count <= 4 * maxLength, let normalised = ModelName.normalise(String(text)),
              normalised.utf8.count <= maxLength,
              case .success(let parsed) = AssistedBy.parse("a:" + normalised), parsed.model == normalised, parsed.tools.isEmpty
        else { return nil }
        return normalised
    }

    /// The agent id `raw` stands for (the registry's, else `raw` in lower case), or nil when it is not
    /// an id (letters, digits, '-', '.', '_', starting with a letter or digit).
    public static func agent(_ raw: String, registry: AgentRegistry) -> String? {
        let trimmed = raw.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.utf8.count <= maxLength else { return nil }
        if let known = registry.canonicalID(for: trimmed) { return known }
        let id = trimmed.lowercased()
        return AssistedByIDCheck.isAgentID(id) ? id : nil
    }

    /// `value` shortened and with control characters shown as `?`, to quote it in a message.
    public static func shown(_ value: String) -> String {
        let printable = String(value.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
        return printable.count > 40 ? String(printable.prefix(40)) + "…" : printable
    }
}
