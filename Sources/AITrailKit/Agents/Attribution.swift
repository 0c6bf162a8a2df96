/// Where a finding of AI assistance came from, so reports can say why.
public enum AttributionSource: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case trailer, footer, identity, subject, note, env, session, carried

    public static func < (lhs: AttributionSource, rhs: AttributionSource) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One finding: this agent (and perhaps model) assisted, known from this marker.
public struct Attribution: Sendable, Hashable {
    public var agent: String
    public var model: String?
    /// Extra tools named after the agent in an `Assisted-by` value.
    public var tools: [String]
    public var source: AttributionSource
    /// The marker as found (`Co-authored-by: Claude Opus 4.6 <noreply@anthropic.com>`, `CLAUDECODE=1`).
    public var marker: String

    public init(agent: String, model: String? = nil, tools: [String] = [], source: AttributionSource, marker: String) {
        self.agent = agent
        self.model = model
        self.tools = tools
        self.source = source
        self.marker = marker
    }
}

/// What a commit's findings add up to.
public struct Classification: Sendable, Hashable {
    public var attributions: [Attribution]

    public init(_ attributions: [Attribution]) { self.attributions = attributions }

    public var isAI: Bool { !attributions.isEmpty }
    public var agents: [String] { Classification.sortedUnique(attributions.map(\.agent)) }
    public var models: [String] { Classification.sortedUnique(attributions.compactMap(\.model)) }
    public var sources: [AttributionSource] { Classification.sortedUnique(attributions.map(\.source)) }

    /// A commit has a few findings at most: a linear search beats hashing them into a set.
    private static func sortedUnique<T: Comparable>(_ values: [T]) -> [T] {
        guard values.count > 1 else { return values }
        var unique: [T] = []
        for value in values where !unique.contains(value) { unique.append(value) }
        return unique.sorted()
    }
}

/// Model names as reports use them: lower case, words joined by `-`, no provider prefix or
/// context note (`Claude Opus 4.6 (1M context)` → `claude-opus-4.6`, `openai/gpt-5.4` → `gpt-5.4`).
public enum ModelName {
    public static func normalise(_ raw: String) -> String? {
        var text = Substring(raw.trimmingSpaces)
        // Drop a parenthesised note: "(1M context)".
        if let open = text.firstIndex(of: "(") { text = text[..<open] }
        if let slash = text.lastIndex(of: "/") { text = text[text.index(after: slash)...] }
        var out = ""
        var lastWasDash = false
        for character in text.lowercased() {
            if character == " " || character == "\t" {
                if !lastWasDash && !out.isEmpty { out.append("-"); lastWasDash = true }
            } else {
                out.append(character)
                lastWasDash = character == "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? nil : out
    }
}
