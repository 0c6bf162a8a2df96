import Git

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

/// Finds AI assistance in what a commit records: trailers (as git parses them), footers, subject
/// prefixes and author/committer identities. Pure: no repository needed. One classifier serves the
/// hooks, the gate and the audit.
public struct Classifier: Sendable {
    public let registry: AgentRegistry
    /// Trailer keys (lower case) whose value is `<agent>[:<model>] …`.
    public let assistedByKeys: Set<String>
    private let tables: MarkerTables

    /// `tagTrailer` is the policy's `tag.trailer` key, read like `Assisted-by`.
    public init(registry: AgentRegistry = .builtin, tagTrailer: String = "Assisted-by") {
        self.registry = registry
        assistedByKeys = ["assisted-by", "generated-by", "ai-used-for", tagTrailer.lowercased()]
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
        for trailer in tables.markerTrailers(in: message) { appendFindings(trailer, to: &found) }
        appendFooterAndSubjectFindings(message, to: &found)
        appendIdentityFindings(author: author, committer: committer, to: &found)
        return Classification(found)
    }

    /// As above with the trailers already parsed.
    public func classify(message: String, trailers: [Trailer], author: Identity, committer: Identity) -> Classification {
        var found = trailerFindings(trailers)
        var message = message
        message.withUTF8 { message in
            appendFooterAndSubjectFindings(message, to: &found)
            author.withBytes { author in committer.withBytes { appendIdentityFindings(author: author, committer: $0, to: &found) } }
        }
        return Classification(found)
    }

    /// Findings from the final trailer block.
    public func trailerFindings(_ trailers: [Trailer]) -> [Attribution] {
        var found: [Attribution] = []
        for trailer in trailers { appendFindings(trailer, to: &found) }
        return found
    }

    private func appendFindings(_ trailer: Trailer, to found: inout [Attribution]) {
        let key = trailer.key.lowercased()
        var marker: String { "\(trailer.key): \(trailer.value)" }
        if key == "co-authored-by" {
            let identity = Identity(parsing: trailer.value)
            if let agent = identity.withBytes({ tables.coAuthors.agent($0) }) {
                found.append(Attribution(agent: registry.agents[agent].id, model: coAuthorModel(registry.agents[agent], identity.name),
                                         source: .trailer, marker: marker))
            }
        } else if assistedByKeys.contains(key) {
            if let attribution = assistedBy(trailer.value, marker: marker) { found.append(attribution) }
        } else if let markers = tables.trailers[key] {
            let value = trailer.value.trimmingSpaces.lowercased()
            for (expected, agent) in markers where expected == nil || expected == value {
                found.append(Attribution(agent: registry.agents[agent].id, source: .trailer, marker: marker))
            }
        }
    }

    /// The agent an `Assisted-by`-style value names, or nil for a value that names no agent
    /// (a person's `Name <email>`, or text that is not of the form).
    public func assistedBy(_ value: String, marker: String) -> Attribution? {
        switch AssistedBy.parse(value) {
        case .success(let parsed):
            let id = registry.canonicalID(for: parsed.agent) ?? parsed.agent.lowercased()
            return Attribution(agent: id, model: parsed.model.flatMap(ModelName.normalise), tools: parsed.tools,
                               source: .trailer, marker: marker)
        case .failure:
            // Free text such as `Generated-by: Claude Code` still names an agent we know.
            guard let id = registry.canonicalID(for: value) else { return nil }
            return Attribution(agent: id, source: .trailer, marker: marker)
        }
    }

    private func appendFooterAndSubjectFindings(_ bytes: UnsafeBufferPointer<UInt8>, to found: inout [Attribution]) {
        for (prefix, agent) in tables.subjectPrefixes where bytes.starts(with: prefix) {
            let subject = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self)
            found.append(Attribution(agent: registry.agents[agent].id, source: .subject, marker: subject))
        }
        // Footers all read "Generated with [Tool]" at the start of a line, after an emoji or spaces:
        // find each occurrence in the bytes, then look at its line only.
        guard !tables.footers.isEmpty else { return }
        var searchFrom = 0
        while let hit = Classifier.find(Classifier.footerLead, in: bytes, from: searchFrom) {
            searchFrom = hit + 1
            var lineStart = hit
            while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
            // Not the subject, and only a few non-letters (an emoji, spaces) before the footer.
            let lead = UnsafeBufferPointer(rebasing: bytes[lineStart..<hit])
            guard lineStart > 0, Classifier.stringLength(lead, isAtMost: 8),
                  !lead.contains(where: { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) else { continue }
            var lineEnd = hit
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            for (footer, agent) in tables.footers where bytes[hit..<lineEnd].starts(with: footer) {
                let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
                found.append(Attribution(agent: registry.agents[agent].id, source: .footer, marker: line.trimmingSpaces))
            }
        }
    }

    /// The committer counts only when it is not the author (aider commits as `Name (aider)`).
    private func appendIdentityFindings(author: RawIdentity, committer: RawIdentity, to found: inout [Attribution]) {
        if let agent = tables.identities.agent(author) {
            found.append(identityAttribution(registry.agents[agent], author, role: "author"))
        }
        if let agent = tables.identities.agent(committer), !committer.isSame(as: author) {
            found.append(identityAttribution(registry.agents[agent], committer, role: "committer"))
        }
    }

    private func identityAttribution(_ agent: Agent, _ raw: RawIdentity, role: String) -> Attribution {
        let identity = Identity(raw)
        return Attribution(agent: agent.id, source: .identity, marker: "\(role) \(identity.name) <\(identity.email)>")
    }

    private func coAuthorModel(_ agent: Agent, _ name: String) -> String? {
        switch agent.coAuthorModel {
        case .none:
            return nil
        case .wholeName(let bare):
            let withoutNote = name.firstIndex(of: "(").map { String(name[..<$0]) } ?? name
            return withoutNote.trimmingSpaces.lowercased() == bare ? nil : ModelName.normalise(withoutNote)
        case .parenthesised:
            guard let open = name.firstIndex(of: "("), let close = name.lastIndex(of: ")"), open < close else { return nil }
            return ModelName.normalise(String(name[name.index(after: open)..<close]))
        }
    }
}

extension Classifier {
    static let footerLead = Array("Generated with [".utf8)

    /// Whether `bytes` read as a string (`String(decoding:as:)`) have at most `limit` UTF-8 bytes:
    /// bytes that are not UTF-8 read as U+FFFD, three bytes each, so never fewer.
    static func stringLength(_ bytes: UnsafeBufferPointer<UInt8>, isAtMost limit: Int) -> Bool {
        guard bytes.count <= limit else { return false }
        return bytes.allSatisfy { $0 < 0x80 } || String(decoding: bytes, as: UTF8.self).utf8.count <= limit
    }

    /// The first index at or after `start` where `needle` occurs in `bytes`.
    static func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let first = needle.first, bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

/// The registry's markers flattened once, so classifying a commit walks plain arrays instead of
/// copying `Agent` values (which dominated a long audit). Integers index `registry.agents`. A class:
/// copying the classifier into a closure costs one reference, not one per table.
private final class MarkerTables: Sendable {
    let coAuthors: IdentityMatcher
    let identities: IdentityMatcher
    let footers: [([UInt8], Int)]
    let subjectPrefixes: [([UInt8], Int)]
    let trailers: [String: [(String?, Int)]]
    /// Every trailer key (lower case) that may name an agent.
    private let markerKeys: [[UInt8]]

    init(_ registry: AgentRegistry, assistedByKeys: Set<String>) {
        var coAuthors: [(IdentityPattern, Int)] = [], identities: [(IdentityPattern, Int)] = []
        var footers: [([UInt8], Int)] = [], subjectPrefixes: [([UInt8], Int)] = []
        var trailers: [String: [(String?, Int)]] = [:]
        for (index, agent) in registry.agents.enumerated() {
            coAuthors += agent.coAuthors.map { ($0, index) }
            identities += agent.identities.map { ($0, index) }
            footers += agent.footers.map { (Array($0.utf8), index) }
            subjectPrefixes += agent.subjectPrefixes.map { (Array($0.utf8), index) }
            for marker in agent.trailers { trailers[marker.key, default: []].append((marker.value, index)) }
        }
        self.coAuthors = IdentityMatcher(coAuthors)
        self.identities = IdentityMatcher(identities)
        self.footers = footers
        self.subjectPrefixes = subjectPrefixes
        self.trailers = trailers
        markerKeys = (["co-authored-by"] + assistedByKeys + trailers.keys).map { Array($0.utf8) }
    }

    /// The trailers of `message`'s final block whose key may name an agent. Most trailers
    /// (`Signed-off-by`, `Reviewed-by`) name none: no strings for them.
    func markerTrailers(in message: UnsafeBufferPointer<UInt8>) -> [Trailer] {
        var found: [Trailer] = []
        Trailers.forEach(in: message) { key, value in
            // Keys as git parses them are letters, digits and dashes: ASCII case is all there is to ignore.
            guard markerKeys.contains(where: { $0.count == key.count && $0.elementsEqual(key) { $0 == lowercasedASCII($1) } }) else { return }
            found.append(Trailer(key: String(decoding: key, as: UTF8.self), value: Trailers.unfoldedValue(value)))
        }
        return found
    }
}

/// Identity patterns with their agents, ready to match bytes.
private struct IdentityMatcher: Sendable {
    private var emails: [(IdentityTest, Int)] = []
    private var names: [(IdentityTest, Int)] = []

    init(_ patterns: [(IdentityPattern, Int)]) {
        for (pattern, agent) in patterns {
            switch pattern.field {
            case .email: emails.append((IdentityTest(pattern.test), agent))
            case .name: names.append((IdentityTest(pattern.test), agent))
            }
        }
    }

    /// The agent of the first pattern that matches: email patterns first, then names (SPEC §2).
    func agent(_ identity: RawIdentity) -> Int? {
        emails.first { $0.0.matches(identity.email) }?.1 ?? names.first { $0.0.matches(identity.name) }?.1
    }
}
