#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Git
import Synchronization

/// A name and an email, as in a commit header or a `Co-authored-by` value.
public struct Identity: Sendable, Hashable {
    public var name: String
    public var email: String
    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// Parses `Name <email>`; a value without `<…>` is all name.
    public init(parsing value: String) {
        // In ASCII text `<` and `>` are characters of their own: find them in the bytes, without
        // breaking the text into characters (every co-author of a long history comes through here).
        let utf8 = value.utf8
        let isASCII = utf8.allSatisfy { $0 < 0x80 }
        let open = isASCII ? utf8.lastIndex(of: 0x3C) : value.lastIndex(of: "<")
        let close = isASCII ? utf8.lastIndex(of: 0x3E) : value.lastIndex(of: ">")
        if let open, let close, open < close {
            name = value[..<open].trimmingSpaces
            email = value[value.index(after: open)..<close].trimmingSpaces
        } else {
            name = value.trimmingSpaces
            email = ""
        }
    }

    /// A bot account (`dependabot[bot]`, `renovate[bot]`), AI agent or not.
    public var isBot: Bool {
        name.lowercased().hasSuffix("[bot]") || email.lowercased().contains("[bot]@")
    }

    /// The identity read from bytes as a commit holds them (lossy UTF-8).
    public init(_ raw: RawIdentity) {
        self.init(name: String(decoding: raw.name, as: UTF8.self), email: String(decoding: raw.email, as: UTF8.self))
    }

    func withBytes<Result>(_ body: (RawIdentity) -> Result) -> Result {
        var name = name, email = email
        return name.withUTF8 { name in email.withUTF8 { email in body(RawIdentity(name: name, email: email)) } }
    }
}

/// A name and an email as bytes: UTF-8, or whatever a commit header holds, read as `Identity(_:)`
/// reads it. Only valid while the bytes are.
public struct RawIdentity {
    public var name: UnsafeBufferPointer<UInt8>
    public var email: UnsafeBufferPointer<UInt8>

    public init(name: UnsafeBufferPointer<UInt8>, email: UnsafeBufferPointer<UInt8>) {
        self.name = name
        self.email = email
    }

    /// Whether both read as equal `Identity` values. Strings compare by canonical equivalence, and
    /// bytes that are not UTF-8 read as U+FFFD, so other bytes may still be the same identity.
    func isSame(as other: RawIdentity) -> Bool {
        if name.elementsEqual(other.name) && email.elementsEqual(other.email) { return true }
        let isASCII = { (bytes: UnsafeBufferPointer<UInt8>) in bytes.allSatisfy { $0 < 0x80 } }
        if isASCII(name) && isASCII(email) && isASCII(other.name) && isASCII(other.email) { return false }
        return Identity(self) == Identity(other)
    }
}

/// Finds AI assistance in what a commit records (SPEC §2): trailers in every trailer paragraph of the
/// message (as git parses a block), agents' footers, subject prefixes, and agents' identities as
/// author, committer or co-author. Pure: no repository needed. One classifier serves the hooks, the
/// gate and the audit.
public struct Classifier: Sendable {
    public let registry: AgentRegistry
    /// Trailer keys (lower case) whose value names AI assistance: `Assisted-by` and its kin.
    public let assistedByKeys: Set<String>
    private let tables: MarkerTables

    /// The keys whose value names AI assistance, in lower case, each once: SPEC §2's three and the
    /// policy's `tag.trailer`.
    public static func assistedByKeys(tagTrailer: String) -> [String] {
        let keys = ["assisted-by", "generated-by", "ai-used-for"]
        let tag = tagTrailer.lowercased()
        return keys.contains(tag) ? keys : keys + [tag]
    }

    /// `tagTrailer` is the policy's `tag.trailer` key, read like `Assisted-by`.
    public init(registry: AgentRegistry = .builtin, tagTrailer: String = "Assisted-by") {
        self.registry = registry
        assistedByKeys = Set(Classifier.assistedByKeys(tagTrailer: tagTrailer))
        tables = MarkerTables(registry, assistedByKeys: assistedByKeys)
    }

    /// Every finding in a commit's message and identities.
    public func classify(message: String, author: Identity, committer: Identity) -> Classification {
        var message = message
        return message.withUTF8 { message in
            author.withBytes { author in committer.withBytes { classify(message: message, author: author, committer: $0) } }
        }
    }

    /// Every finding in a commit's message and identities as the commit object holds them: the audit's
    /// path, which builds no string for a commit without findings. Bytes that are not UTF-8 count as the
    /// U+FFFD they read as in a string, so the result is that of the message and identities read as
    /// strings (`String(decoding:as:)`, `Identity(_:)`).
    public func classify(message: UnsafeBufferPointer<UInt8>, author: RawIdentity, committer: RawIdentity) -> Classification {
        var found: [Attribution] = []
        appendMessageFindings(message, to: &found)
        if found.isEmpty, let decoded = Classifier.withLiteralLineBreaksDecoded(message) {
            decoded.withUnsafeBufferPointer { appendMessageFindings($0, to: &found) }
        }
        if found.isEmpty { appendTrailingTrailerLines(message, to: &found) }
        appendIdentityFindings(author: author, committer: committer, to: &found)
        return Classification(Classifier.unique(found))
    }

    /// Findings from trailers already parsed (the hooks' final block).
    public func trailerFindings(_ trailers: [Trailer]) -> [Attribution] {
        var found: [Attribution] = []
        for trailer in trailers { appendFindings(key: trailer.key, value: trailer.value, to: &found) }
        return found
    }

    private func appendMessageFindings(_ message: UnsafeBufferPointer<UInt8>, to found: inout [Attribution]) {
        tables.forEachMarkerTrailer(in: message) { key, value in appendFindings(key: key, value: value, to: &found) }
        appendFooterAndSubjectFindings(message, to: &found)
    }

    /// The finding of one trailer, if its key is a marker's; `written` is the key as written.
    private func appendFindings(key written: String, value: String, to found: inout [Attribution]) {
        var marker: String { "\(written): \(value)" }
        let key = written.lowercased()
        if key == "co-authored-by" {
            let identity = Identity(parsing: value)
            if let index = identity.withBytes({ tables.identities.agent($0, role: .coAuthor) }) {
                let agent = registry.agents[index]
                found.append(Attribution(agent: agent.id, model: coAuthorModel(agent, identity.name), source: .trailer,
                                         marker: marker, isReviewBot: agent.kind == .reviewBot))
            } else if let named = namedAgent(identity) {
                found.append(Attribution(agent: named.agent, model: named.model, source: .trailer, marker: marker))
            }
        } else if assistedByKeys.contains(key) {
            if let attribution = assistedBy(value, marker: marker) { found.append(attribution) }
        } else if let markers = tables.trailers[key] {
            let trimmed = value.trimmingSpaces.lowercased()
            for (expected, index) in markers where expected == nil || expected == trimmed {
                let agent = registry.agents[index]
                found.append(Attribution(agent: agent.id, source: .trailer, marker: marker, isReviewBot: agent.kind == .reviewBot))
            }
        }
    }

    /// What an `Assisted-by`-style value says (SPEC §2): any value is AI assistance except a person
    /// (`Name <email>` naming no agent and no model). The agent is the known agent named anywhere in the
    /// value — the kernel's `<agent>:<model> [<tool> …]`, an agent's address, a name or alias in words —
    /// else `unknown` when the value names only a model, else the value's first word (an agent aitrail
    /// does not know, reported under its own name). A model word is never an agent.
    public func assistedBy(_ value: String, marker: String) -> Attribution? {
        let text = value.trimmingSpaces
        guard !text.isEmpty else { return nil }
        let identity = Identity(parsing: text)
        if !identity.email.isEmpty {
            if let index = identity.withBytes({ tables.identities.agent($0, role: .coAuthor) }) {
                let agent = registry.agents[index]
                let model = coAuthorModel(agent, identity.name) ?? FreeText(identity.name, registry: registry).model
                return Attribution(agent: agent.id, model: model, source: .trailer, marker: marker, isReviewBot: agent.kind == .reviewBot)
            }
            let words = FreeText(identity.name, registry: registry)
            guard words.agent != nil || words.model != nil else { return nil }
            return Attribution(agent: words.agent ?? Classifier.unknownAgent, model: words.model, source: .trailer, marker: marker)
        }
        if let kernel = kernelForm(text) {
            return Attribution(agent: kernel.agent, model: kernel.model, tools: kernel.tools, source: .trailer, marker: marker)
        }
        let words = FreeText(text, registry: registry)
        let agent = words.agent ?? (words.model != nil ? Classifier.unknownAgent : words.firstWordID ?? Classifier.unknownAgent)
        return Attribution(agent: agent, model: words.model, source: .trailer, marker: marker)
    }

    /// A co-author whose name is a known agent's rather than a person's, in the many spellings agents and
    /// the rules teams give them write (`Kiro AI (Claude Opus 4.6) <kiro@kiro.dev>`, `Augment Agent <…>`,
    /// `Continue <noreply@continue.dev>`): the name is an agent's name or alias of two words or more
    /// (`Claude Code`), or one word followed only by words such as `AI`, `Agent`, `Assistant`, or one
    /// word alone with an address that is no person's (`noreply`, a bot, the agent's own domain). A
    /// person who shares a name with an agent (`Claude Martin`, `Devin <devin@corp.example>`) stays one.
    private func namedAgent(_ identity: Identity) -> (agent: String, model: String?)? {
        let base = identity.name.firstIndex(of: "(").map { String(identity.name[..<$0]) } ?? identity.name
        guard let first = base.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "_" }).first,
              registry.mayStartAgentName(first.lowercased()[...]) else { return nil }
        let words = base.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "_" }).map(String.init)
        guard !words.isEmpty, words.count <= 5 else { return nil }
        for length in stride(from: words.count, through: 1, by: -1) {
            guard let id = registry.canonicalID(for: words[..<length].joined(separator: " ")),
                  registry[id]?.kind != .reviewBot else { continue }
            let rest = words[length...]
            guard rest.allSatisfy(Classifier.agentWords.contains) else { return nil }
            let email = identity.email.lowercased()
            let domain = email.split(separator: "@").last.map(String.init) ?? ""
            let impersonal = email.contains("noreply") || email.contains("no-reply") || email.contains("[bot]")
                || domain.contains(words[0]) || domain.contains(id)
            guard length >= 2 || !rest.isEmpty || impersonal else { return nil }
            return (id, FreeText(identity.name, registry: registry).model)
        }
        return nil
    }

    /// Words that follow an agent's name in a co-author's name and make it no person's.
    static let agentWords: Set<String> = ["ai", "agent", "assistant", "bot", "code", "cli", "ide", "coder", "coding", "app", "dev"]

    /// The agent of a value that names none it knows, only a model.
    public static let unknownAgent = "unknown"

    /// `<agent>:<model> [<tool> …]` with a known agent (one word or several: `GitHub Copilot:gpt-5`), or
    /// an unknown one-word agent that is no model word; nil when the value is not of that form.
    private func kernelForm(_ text: String) -> (agent: String, model: String?, tools: [String])? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let left = text[..<colon].trimmingSpaces
        let rest = text[text.index(after: colon)...]
        guard !left.isEmpty, let first = rest.first, first != " ", first != "\t", !rest.hasPrefix("//") else { return nil }
        let agent: String
        if let id = registry.canonicalID(for: left) {
            agent = id
        } else if case .success = AssistedBy.parse(left), !left.contains(" "), !FreeText.isModelStart(left.lowercased()) {
            agent = left.lowercased()
        } else {
            return nil
        }
        let words = rest.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        return (agent, words.first.flatMap(ModelName.normalise), words.dropFirst().map(\.trimmingBrackets))
    }

    private func appendFooterAndSubjectFindings(_ bytes: UnsafeBufferPointer<UInt8>, to found: inout [Attribution]) {
        for (prefix, index) in tables.subjectPrefixes where bytes.starts(with: prefix) {
            let subject = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self)
            found.append(Attribution(agent: registry.agents[index].id, source: .subject, marker: subject))
        }
        guard !tables.footers.isEmpty else { return }
        // Footers read "Generated with|by|using [Tool]" or "… Tool" at the start of a line, after an emoji or
        // spaces: find each "Generated " in the bytes, then look at its line only.
        var searchFrom = 0
        while let hit = Classifier.find(Classifier.footerLead, in: bytes, from: searchFrom) {
            searchFrom = hit + Classifier.footerLead.count
            var lineStart = hit
            while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
            // Not the subject, and only a few non-letters (an emoji, spaces) before the footer.
            let lead = UnsafeBufferPointer(rebasing: bytes[lineStart..<hit])
            guard lineStart > 0, Classifier.stringLength(lead, isAtMost: 8),
                  !lead.contains(where: { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) else { continue }
            var lineEnd = hit
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var position = searchFrom
            guard let word = Classifier.footerWords.first(where: { bytes[position..<lineEnd].starts(with: $0) }) else { continue }
            position += word.count
            if position < lineEnd, bytes[position] == UInt8(ascii: "[") { position += 1 }
            let rest = UnsafeBufferPointer(rebasing: bytes[position..<lineEnd])
            for (name, index) in tables.footers where Classifier.startsWordIgnoringCase(rest, name) {
                let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
                let agent = registry.agents[index]
                found.append(Attribution(agent: agent.id, source: .footer, marker: line.trimmingSpaces, isReviewBot: agent.kind == .reviewBot))
                appendParagraphTrailers(around: lineStart..<lineEnd, in: bytes, to: &found)
            }
        }
    }

    /// The trailers of the paragraph that holds an agent's footer, which git may not take for a block
    /// (`🤖 Generated with Claude Code` right above `Co-Authored-By: …`): the footer vouches for them.
    private func appendParagraphTrailers(around line: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, to found: inout [Attribution]) {
        func isBlank(_ range: Range<Int>) -> Bool { range.allSatisfy { bytes[$0] == 0x20 || bytes[$0] == 0x09 || bytes[$0] == 0x0D } }
        var start = line.lowerBound
        while start > 0 {
            var previous = start - 1
            while previous > 0, bytes[previous - 1] != 0x0A { previous -= 1 }
            if isBlank(previous..<(start - 1)) { break }
            start = previous
        }
        var end = line.upperBound
        while end < bytes.count {
            var next = end + 1
            while next < bytes.count, bytes[next] != 0x0A { next += 1 }
            if isBlank((end + 1)..<next) { break }
            end = next
        }
        let paragraph = UnsafeBufferPointer(rebasing: bytes[start..<end])
        tables.forEachMarkerTrailer(inLines: paragraph) { key, value in appendFindings(key: key, value: value, to: &found) }
    }

    /// Trailer lines that end a message with no blank line above them (`…and add-dir.` then
    /// `Co-Authored-By: Claude <noreply@anthropic.com>`): git sees no block there, the agent's marker is
    /// there all the same. Only the run of trailer lines at the very end counts, not prose above it.
    private func appendTrailingTrailerLines(_ bytes: UnsafeBufferPointer<UInt8>, to found: inout [Attribution]) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D || bytes[end - 1] == 0x20 { end -= 1 }
        var start = end
        // Each line from the end while it reads `Key: value` with a key of letters, digits and dashes.
        while start > 0 {
            var lineStart = start - 1
            while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
            var index = lineStart
            while index < start, bytes[index] == UInt8(ascii: "-") || (bytes[index] | 0x20 >= 0x61 && bytes[index] | 0x20 <= 0x7A)
                || (bytes[index] >= 0x30 && bytes[index] <= 0x39) { index += 1 }
            guard index > lineStart, index < start, bytes[index] == UInt8(ascii: ":"), lineStart > 0 else { break }
            start = lineStart
        }
        guard start < end else { return }
        tables.forEachMarkerTrailer(inLines: UnsafeBufferPointer(rebasing: bytes[start..<end])) { key, value in
            appendFindings(key: key, value: value, to: &found)
        }
    }

    /// The author and the committer, each in its role; the committer only when it is not the author.
    private func appendIdentityFindings(author: RawIdentity, committer: RawIdentity, to found: inout [Attribution]) {
        if let index = tables.identities.agent(author, role: .author) {
            found.append(identityAttribution(registry.agents[index], author, role: "author"))
        }
        if !committer.isSame(as: author), let index = tables.identities.agent(committer, role: .committer) {
            found.append(identityAttribution(registry.agents[index], committer, role: "committer"))
        }
    }

    /// A review bot that is the author or committer made the change itself: an agent's change.
    private func identityAttribution(_ agent: Agent, _ raw: RawIdentity, role: String) -> Attribution {
        let identity = Identity(raw)
        // A name that holds the model (`Claude Opus 4.6`) names it as author too; `Jane (aider)` does not.
        let model = if case .wholeName = agent.coAuthorModel { coAuthorModel(agent, identity.name) } else { String?.none }
        return Attribution(agent: agent.id, model: model, source: .identity,
                           marker: "\(role) \(identity.name) <\(identity.email)>")
    }

    /// The model a co-author's name gives, computed once per distinct name: a long history repeats a few
    /// names (`Claude Opus 4.6`) thousands of times.
    private func coAuthorModel(_ agent: Agent, _ name: String) -> String? {
        if case .none = agent.coAuthorModel { return nil }
        let key = agent.id + "\u{0}" + name
        if let known = tables.models.withLock({ $0[key] }) { return known }
        let model = computedCoAuthorModel(agent, name)
        tables.models.withLock { cache in
            if cache.count >= 4096 { cache.removeAll(keepingCapacity: true) }
            cache[key] = .some(model)
        }
        return model
    }

    private func computedCoAuthorModel(_ agent: Agent, _ name: String) -> String? {
        switch agent.coAuthorModel {
        case .none:
            return nil
        case .wholeName(let bare):
            let withoutNote = name.firstIndex(of: "(").map { String(name[..<$0]) } ?? name
            let lower = withoutNote.trimmingSpaces.lowercased()
            // The agent's own name (`Claude`, `Claude Code`) or account names no model.
            // A model's name has a version; an agent's name (`Claude Code`) has none, and only then is looked up.
            guard lower != bare, !lower.contains("[bot]"),
                  lower.contains(where: \.isNumber) || registry.canonicalID(for: lower) == nil else { return nil }
            return ModelName.normalise(withoutNote)
        case .parenthesised:
            guard let open = name.firstIndex(of: "("), let close = name.lastIndex(of: ")"), open < close else { return nil }
            return ModelName.normalise(String(name[name.index(after: open)..<close]))
        }
    }

    /// One finding per agent, model, source and marker (a squash merge repeats its commits' trailers).
    private static func unique(_ found: [Attribution]) -> [Attribution] {
        guard found.count > 1 else { return found }
        var unique: [Attribution] = []
        for attribution in found where !unique.contains(attribution) { unique.append(attribution) }
        return unique
    }
}

extension Classifier {
    static let footerLead = Array("Generated ".utf8)
    static let escapedLineFeed = Array("\\n".utf8)
    static let footerWords = [Array("with ".utf8), Array("by ".utf8), Array("using ".utf8)]

    /// Whether `bytes` start with `word` (ASCII case ignored) followed by the end, or a byte that is not
    /// a letter or digit: `Claude Code` in `Claude Code](…)`, not in `Claude Codex`.
    static func startsWordIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ word: [UInt8]) -> Bool {
        guard bytes.count >= word.count else { return false }
        for offset in word.indices where lowercasedASCII(bytes[offset]) != word[offset] { return false }
        guard bytes.count > word.count else { return true }
        let next = bytes[word.count]
        return !((next >= 0x30 && next <= 0x39) || (next | 0x20 >= 0x61 && next | 0x20 <= 0x7A))
    }

    /// A message whose line breaks arrived as the two characters `\n` (a tool that escaped them), with
    /// real line breaks; nil for a message without such a pair, the usual case (one `memmem`).
    static func withLiteralLineBreaksDecoded(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard Classifier.find(Classifier.escapedLineFeed, in: bytes, from: 0) != nil else { return nil }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x5C, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "n") {
                decoded.append(0x0A)
                index += 2
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return decoded
    }

    /// Whether `bytes` read as a string (`String(decoding:as:)`) have at most `limit` UTF-8 bytes:
    /// bytes that are not UTF-8 read as U+FFFD, three bytes each, so never fewer.
    static func stringLength(_ bytes: UnsafeBufferPointer<UInt8>, isAtMost limit: Int) -> Bool {
        guard bytes.count <= limit else { return false }
        return bytes.allSatisfy { $0 < 0x80 } || String(decoding: bytes, as: UTF8.self).utf8.count <= limit
    }

    /// The first index at or after `start` where `needle` occurs in `bytes` (`memchr` finds each
    /// candidate first byte).
    static func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, let first = needle.first, start <= bytes.count - needle.count else { return nil }
        let last = bytes.count - needle.count
        var index = start
        while index <= last {
            guard let hit = memchr(base + index, Int32(first), last - index + 1) else { return nil }
            index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
            if memcmp(base + index, needle, needle.count) == 0 { return index }
            index += 1
        }
        return nil
    }
}

/// A free-form value read as words (`Claude Code with claude-opus-4-5`, `Gemini 2.5 Pro`, `Cursor`): the
/// model it names, if any, and the known agent named by the words that are not the model's.
struct FreeText {
    private(set) var model: String?
    private(set) var agent: String?
    /// The first word that is not a model's, as an id: an agent aitrail does not know.
    private(set) var firstWordID: String?

    init(_ text: String, registry: AgentRegistry) {
        let words = text.split(whereSeparator: { " \t()[]{},;\"'`".contains($0) }).map(String.init)
        var rest: [String] = []
        var index = 0
        while index < words.count {
            let lower = words[index].lowercased()
            if FreeText.isModelStart(lower) {
                var end = index + 1
                while end < words.count, FreeText.continuesModel(words[end].lowercased()) { end += 1 }
                let span = words[index..<end].map { $0.lowercased() }
                if span.contains(where: { $0.contains(where: \.isNumber) }) || span.contains(where: FreeText.claudeFamilies.contains) {
                    if model == nil { model = ModelName.normalise(span.joined(separator: " ")) }
                    index = end
                    continue
                }
            }
            rest.append(words[index])
            index += 1
        }
        // The longest run of words (three at most) that names a known agent.
        search: for length in stride(from: min(3, rest.count), through: 1, by: -1) {
            for start in 0...(rest.count - length) {
                if let id = registry.canonicalID(for: rest[start..<(start + length)].joined(separator: " ")) {
                    agent = id
                    break search
                }
            }
        }
        if let first = rest.first {
            let id = String(first.lowercased().unicodeScalars.filter { $0.isASCIIAlphanumeric || "._-".unicodeScalars.contains($0) })
            if !id.isEmpty, id.unicodeScalars.first!.isASCIIAlphanumeric { firstWordID = String(id.prefix(40)) }
        }
    }

    static let claudeFamilies: Set<String> = ["opus", "sonnet", "haiku"]
    /// Words that start a model's name; each needs a version or a family word after it to be one
    /// (`Claude` alone is the agent, `Claude Opus 4.6` the model).
    static let modelStarts = ["claude", "opus", "sonnet", "haiku", "gpt", "o1", "o3", "o4", "gemini", "gemma", "llama", "codellama",
                              "mistral", "mixtral", "codestral", "devstral", "magistral", "qwen", "qwq", "deepseek", "grok", "kimi",
                              "glm", "minimax", "phi", "nova", "starcoder", "granite", "command-r", "composer", "swe-1"]
    static let modelWords: Set<String> = ["opus", "sonnet", "haiku", "pro", "flash", "mini", "nano", "max", "turbo", "preview",
                                          "thinking", "fable", "lite", "coder", "instruct", "high", "medium", "low", "xhigh", "codex",
                                          "chat", "exp", "plus", "air", "ultra", "fast", "reasoning", "latest", "experimental"]

    static func isModelStart(_ word: String) -> Bool {
        modelStarts.contains { start in
            guard word.hasPrefix(start) else { return false }
            guard let next = word.dropFirst(start.count).first else { return true }
            return next == "-" || next == "." || next == ":" || next.isNumber
        }
    }

    static func continuesModel(_ word: String) -> Bool {
        modelWords.contains(word) || word.first?.isNumber == true || word.hasPrefix("v") && word.dropFirst().first?.isNumber == true
            || (word.contains(where: \.isNumber) && word.count <= 12 && !word.contains("@"))
    }
}

/// The registry's markers flattened once, so classifying a commit walks plain arrays instead of
/// copying `Agent` values (which dominated a long audit). Integers index `registry.agents`. A class:
/// copying the classifier into a closure costs one reference, not one per table.
private final class MarkerTables: Sendable {
    let identities: IdentityMatcher
    /// Footer tool names, lower case.
    let footers: [([UInt8], Int)]
    let subjectPrefixes: [([UInt8], Int)]
    let trailers: [String: [(String?, Int)]]
    /// Co-authors' models by agent and name (see `Classifier.coAuthorModel`): shared by the workers.
    let models = Mutex<[String: String?]>([:])
    /// Every trailer key (lower case) that may name an agent.
    private let markerKeys: [[UInt8]]
    /// The same keys by length (at most 63): most trailers of a history have a length no marker has.
    private let markerKeysByLength: [[[UInt8]]]

    init(_ registry: AgentRegistry, assistedByKeys: Set<String>) {
        var identities: [(IdentityPattern, Int)] = []
        var footers: [([UInt8], Int)] = [], subjectPrefixes: [([UInt8], Int)] = []
        var trailers: [String: [(String?, Int)]] = [:]
        for (index, agent) in registry.agents.enumerated() {
            // Each pattern once per agent (co-author and identity lists may share one). An agent has a
            // handful: a scan of them costs less than a set, which every hook run would build per agent.
            let first = identities.count
            for pattern in agent.coAuthors + agent.identities where !identities[first...].contains(where: { $0.0 == pattern }) {
                identities.append((pattern, index))
            }
            footers += agent.footers.map { (Array($0.lowercased().utf8), index) }
            subjectPrefixes += agent.subjectPrefixes.map { (Array($0.utf8), index) }
            for marker in agent.trailers { trailers[marker.key, default: []].append((marker.value, index)) }
        }
        self.identities = IdentityMatcher(identities)
        self.footers = footers
        self.subjectPrefixes = subjectPrefixes
        self.trailers = trailers
        markerKeys = (["co-authored-by"] + assistedByKeys + trailers.keys).map { Array($0.utf8) }
        var byLength = [[[UInt8]]](repeating: [], count: 64)
        for key in markerKeys where key.count < 64 { byLength[key.count].append(key) }
        markerKeysByLength = byLength
    }

    /// The trailers of every trailer paragraph of `message` whose key may name an agent, keys as written. Most trailers (`Signed-off-by`, `Reviewed-by`) name none: no strings for them.
    func forEachMarkerTrailer(in message: UnsafeBufferPointer<UInt8>, _ body: (String, String) -> Void) {
        Trailers.forEachInEveryBlock(in: message, recognizedKeys: markerKeys) { key, value in report(key, value, body) }
    }

    /// The same for lines that git would not take for a block.
    func forEachMarkerTrailer(inLines lines: UnsafeBufferPointer<UInt8>, _ body: (String, String) -> Void) {
        Trailers.forEachTrailerLine(in: lines) { key, value in report(key, value, body) }
    }

    private func report(_ key: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>, _ body: (String, String) -> Void) {
        // Keys as git parses them are letters, digits and dashes: ASCII case is all there is to ignore.
        guard key.count < 64, markerKeysByLength[key.count].contains(where: { known in
            for index in 0..<key.count where known[index] != lowercasedASCII(key[index]) { return false }
            return true
        }) else { return }
        body(String(decoding: key, as: UTF8.self), Trailers.unfoldedValue(value))
    }
}

/// Identity patterns with their agents and roles, ready to match bytes. Most patterns are whole
/// addresses or names (`noreply@anthropic.com`, `claude[bot]`): those are found by length, so a
/// person's identity meets only the few patterns of its length, not the whole registry. The patterns'
/// bytes live in one array and entries are plain values: no reference counting per test.
private struct IdentityMatcher: Sendable {
    private enum Kind: UInt8, Sendable { case equals, hasSuffix, hasPrefix, contains }

    private struct Entry: Sendable {
        var kind: Kind
        /// The pattern's bytes (lower case) in `Field.text`.
        var start: Int
        var count: Int
        var roles: IdentityPattern.Roles
        var agent: Int
        /// The pattern's place in the registry: the first that matches wins.
        var order: Int
        /// The pattern holds a `[` (bot accounts: `x[bot]@`): it cannot match text without one, which is
        /// most identities, so one `memchr` spares those tests.
        var needsBracket: Bool
    }

    /// Equality patterns by their length, and the other patterns in order, for one field.
    private struct Field: Sendable {
        var text: [UInt8] = []
        var equalsByLength: [[Entry]] = []
        var others: [Entry] = []

        mutating func add(kind: Kind, _ pattern: String, roles: IdentityPattern.Roles, agent: Int, order: Int) {
            let bytes = Array(pattern.utf8)
            let entry = Entry(kind: kind, start: text.count, count: bytes.count, roles: roles, agent: agent, order: order,
                              needsBracket: bytes.contains(0x5B))
            text += bytes
            if kind == .equals {
                if equalsByLength.count <= bytes.count {
                    equalsByLength += Array(repeating: [], count: bytes.count + 1 - equalsByLength.count)
                }
                equalsByLength[bytes.count].append(entry)
            } else {
                others.append(entry)
            }
        }

        func first(_ subject: UnsafeBufferPointer<UInt8>, _ role: IdentityPattern.Roles) -> Int? {
            text.withUnsafeBufferPointer { text in
                var best = -1, bestOrder = Int.max
                if subject.count < equalsByLength.count {
                    equalsByLength[subject.count].withUnsafeBufferPointer { entries in
                        for index in entries.indices where entries[index].roles.contains(role)
                            && Field.matches(entries[index], text, subject) {
                            best = entries[index].agent
                            bestOrder = entries[index].order
                            return
                        }
                    }
                }
                guard !others.isEmpty else { return best < 0 ? nil : best }
                let hasBracket = subject.baseAddress.map { memchr($0, 0x5B, subject.count) != nil } ?? false
                others.withUnsafeBufferPointer { entries in
                    for index in entries.indices where entries[index].order < bestOrder {
                        let entry = entries[index]
                        if (hasBracket || !entry.needsBracket) && entry.roles.contains(role) && Field.matches(entry, text, subject) {
                            best = entry.agent
                            return
                        }
                    }
                }
                return best < 0 ? nil : best
            }
        }

        /// The test of `entry` on `subject`, ignoring ASCII case (patterns are lower case).
        static func matches(_ entry: Entry, _ text: UnsafeBufferPointer<UInt8>, _ subject: UnsafeBufferPointer<UInt8>) -> Bool {
            guard subject.count >= entry.count else { return false }
            func at(_ offset: Int) -> Bool {
                for index in 0..<entry.count where lowercasedASCII(subject[offset + index]) != text[entry.start + index] { return false }
                return true
            }
            switch entry.kind {
            case .equals: return subject.count == entry.count && at(0)
            case .hasPrefix: return at(0)
            case .hasSuffix: return at(subject.count - entry.count)
            case .contains:
                guard entry.count > 0 else { return true }
                let first = text[entry.start]
                for offset in 0...(subject.count - entry.count) where lowercasedASCII(subject[offset]) == first && at(offset) { return true }
                return false
            }
        }
    }

    private var emails = Field()
    private var names = Field()

    init(_ patterns: [(IdentityPattern, Int)]) {
        for (order, (pattern, agent)) in patterns.enumerated() {
            let kind: Kind, text: String
            switch pattern.test {
            case .equals(let value): (kind, text) = (.equals, value)
            case .hasSuffix(let value): (kind, text) = (.hasSuffix, value)
            case .hasPrefix(let value): (kind, text) = (.hasPrefix, value)
            case .contains(let value): (kind, text) = (.contains, value)
            }
            switch pattern.field {
            case .email: emails.add(kind: kind, text, roles: pattern.roles, agent: agent, order: order)
            case .name: names.add(kind: kind, text, roles: pattern.roles, agent: agent, order: order)
            }
        }
    }

    /// The agent of the first pattern for `role` that matches: email patterns first, then names (SPEC §2).
    func agent(_ identity: RawIdentity, role: IdentityPattern.Roles) -> Int? {
        emails.first(identity.email, role) ?? names.first(identity.name, role)
    }
}
