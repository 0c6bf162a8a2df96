import Git

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
    /// An AI review bot whose suggestion was applied (`gemini-code-assist[bot]` as co-author): a class
    /// of its own, not an agent-written change.
    public var isReviewBot: Bool

    public init(agent: String, model: String? = nil, tools: [String] = [], source: AttributionSource, marker: String,
                isReviewBot: Bool = false) {
        self.agent = agent
        self.model = model
        self.tools = tools
        self.source = source
        self.marker = marker
        self.isReviewBot = isReviewBot
    }
}

/// What a commit's findings add up to.
public struct Classification: Sendable, Hashable {
    public var attributions: [Attribution]

    public init(_ attributions: [Attribution]) { self.attributions = attributions }

    /// Whether an AI agent assisted: review bots alone do not make a change AI-written.
    public var isAI: Bool { attributions.contains { !$0.isReviewBot } }
    /// The coding agents found (review bots are in `reviewBots`).
    public var agents: [String] { Classification.sortedUnique(attributions.filter { !$0.isReviewBot }.map(\.agent)) }
    /// AI review bots whose suggestions the commit applied.
    public var reviewBots: [String] { Classification.sortedUnique(attributions.filter(\.isReviewBot).map(\.agent)) }
    public var models: [String] { Classification.sortedUnique(attributions.filter { !$0.isReviewBot }.compactMap(\.model)) }
    public var sources: [AttributionSource] { Classification.sortedUnique(attributions.filter { !$0.isReviewBot }.map(\.source)) }

    /// A commit has a few findings at most: a linear search beats hashing them into a set.
    private static func sortedUnique<T: Comparable>(_ values: [T]) -> [T] {
        guard values.count > 1 else { return values }
        var unique: [T] = []
        for value in values where !unique.contains(value) { unique.append(value) }
        return unique.sorted()
    }
}

/// Model names as reports use them, one spelling per model: lower case, words joined by `-`, no
/// provider prefix, context note, variant suffix or release date, version numbers with dots
/// (`Claude Opus 4.6 (1M context)`, `anthropic/claude-opus-4-6-20260101` and `claude-opus-4.6[1m]` are
/// all `claude-opus-4.6`; `claude-3-5-sonnet-20241022` is `claude-3.5-sonnet`); a Claude family
/// named alone gets its maker's name (`Opus 4.7` → `claude-opus-4.7`).
public enum ModelName {
    public static func normalise(_ raw: String) -> String? {
        if isInOneSpelling(raw) { return raw }
        var text = Substring(raw.trimmingSpaces)
        // A parenthesised note ("(1M context)") or a bracketed variant ("[1m]") ends the name.
        if let cut = text.firstIndex(where: { $0 == "(" || $0 == "[" }) { text = text[..<cut] }
        if let slash = text.lastIndex(of: "/") { text = text[text.index(after: slash)...] }
        // Words joined by single dashes; only letters, digits, `.` and `-` kept.
        var words: [String] = []
        var word = ""
        for character in text.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber || character == ".") {
                word.append(character)
            } else if character == "-" || character == " " || character == "\t" || character == "_" || !character.isASCII {
                if !word.isEmpty { words.append(word); word = "" }
            } else {
                // `@20250929`, `:free`, `:0` and other punctuation end the name.
                break
            }
        }
        if !word.isEmpty { words.append(word) }
        words = words.map { $0.trimmingCharacters(in: ".") }.filter { !$0.isEmpty }
        // A release date at the end: `20250929`, or `2024`, `08`, `06`.
        if let last = words.last, last.count == 8, last.allSatisfy(\.isNumber) { words.removeLast() }
        if words.count >= 4, words[words.count - 3].count == 4, words[words.count - 2].count == 2, words.last!.count == 2,
           words.suffix(3).allSatisfy({ $0.allSatisfy(\.isNumber) }) {
            words.removeLast(3)
        }
        if words.last == "latest" && words.count > 1 { words.removeLast() }
        // Version numbers split by a dash (`4-5`) are one version (`4.5`).
        var joined: [String] = []
        for word in words {
            if let previous = joined.last, isSmallNumber(word),
               isSmallNumber(previous) || (isDottedVersion(previous) && previous.split(separator: ".").count < 3) {
                joined[joined.count - 1] = previous + "." + word
            } else {
                joined.append(word)
            }
        }
        if let family = joined.first, ["opus", "sonnet", "haiku"].contains(family) { joined.insert("claude", at: 0) }
        let result = joined.joined(separator: "-")
        return result.isEmpty ? nil : result
    }

    /// Whether `raw` is already in its one spelling (`claude-opus-4.6`, `gpt-5`, as the hooks write
    /// them and most trailers carry them): lower-case ASCII words joined by single dashes, no version
    /// split by a dash, no release date, no `latest`, no Claude family alone. The rules above then
    /// change nothing, and the audit spares building words for every such trailer.
    static func isInOneSpelling(_ raw: String) -> Bool {
        let bytes = raw.utf8
        guard let first = bytes.first, let last = bytes.last, first != 0x2D, last != 0x2D, first != 0x2E, last != 0x2E else { return false }
        var previous: UInt8 = 0, beforePrevious: UInt8 = 0, digitRun = 0
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        for byte in bytes {
            guard isDigit(byte) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x2E else { return false }
            if byte == 0x2D && previous == 0x2D { return false }
            // `4-5`: a version split by a dash.
            if isDigit(byte) && previous == 0x2D && isDigit(beforePrevious) { return false }
            digitRun = isDigit(byte) ? digitRun + 1 : 0
            if digitRun >= 4 { return false }
            beforePrevious = previous
            previous = byte
        }
        return !raw.hasSuffix("-latest") && !raw.hasPrefix("opus") && !raw.hasPrefix("sonnet") && !raw.hasPrefix("haiku")
    }

    /// A version component: one or two digits, no leading zero (`03-25` is a date, not a version).
    private static func isSmallNumber(_ word: String) -> Bool {
        (word.count == 1 || (word.count == 2 && !word.hasPrefix("0"))) && word.allSatisfy(\.isNumber)
    }
    private static func isDottedVersion(_ word: String) -> Bool {
        word.contains(".") && word.split(separator: ".").allSatisfy { isSmallNumber(String($0)) }
    }
}
