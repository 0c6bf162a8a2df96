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
        if let open = value.lastIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close {
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
        tables = MarkerTables(registry)
    }

    /// Every finding in a commit's message and identities.
    public func classify(message: String, author: Identity, committer: Identity) -> Classification {
        classify(message: message, trailers: Trailers.parse(message), author: author, committer: committer)
    }

    /// As above with the trailers already parsed.
    public func classify(message: String, trailers: [Trailer], author: Identity, committer: Identity) -> Classification {
        var found: [Attribution] = []
        found += trailerFindings(trailers)
        found += footerAndSubjectFindings(message)
        found += identityFindings(author, role: "author")
        if committer != author { found += identityFindings(committer, role: "committer") }
        return Classification(found)
    }

    /// Findings from the final trailer block.
    public func trailerFindings(_ trailers: [Trailer]) -> [Attribution] {
        var found: [Attribution] = []
        for trailer in trailers {
            let key = trailer.key.lowercased()
            let marker = "\(trailer.key): \(trailer.value)"
            if key == "co-authored-by" {
                let identity = Identity(parsing: trailer.value)
                if let agent = matchingAgent(identity, in: tables.coAuthors) {
                    found.append(Attribution(agent: agent.id, model: coAuthorModel(agent, identity.name), source: .trailer, marker: marker))
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
        return found
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

    private func footerAndSubjectFindings(_ message: String) -> [Attribution] {
        var found: [Attribution] = []
        // Byte comparisons: walking Characters here cost more than the rest of classification.
        let utf8 = message.utf8
        for (prefix, agent) in tables.subjectPrefixes where utf8.starts(with: prefix.utf8) {
            let subject = String(decoding: utf8.prefix { $0 != 0x0A }, as: UTF8.self)
            found.append(Attribution(agent: registry.agents[agent].id, source: .subject, marker: subject))
        }
        // Footers all read "Generated with [Tool]" at the start of a line, after an emoji or spaces:
        // find each occurrence in the bytes, then look at its line only.
        guard !tables.footers.isEmpty else { return found }
        var message = message
        message.makeContiguousUTF8()
        _ = message.utf8.withContiguousStorageIfAvailable { bytes in
            var searchFrom = 0
            while let hit = Classifier.find(Classifier.footerLead, in: bytes, from: searchFrom) {
                searchFrom = hit + 1
                var lineStart = hit
                while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
                // Not the subject, and only non-letters (an emoji, spaces) before the footer.
                guard lineStart > 0, hit - lineStart <= 8,
                      !bytes[lineStart..<hit].contains(where: { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) else { continue }
                var lineEnd = hit
                while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
                for (footer, agent) in tables.footers where bytes[hit..<lineEnd].starts(with: footer.utf8) {
                    let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
                    found.append(Attribution(agent: registry.agents[agent].id, source: .footer, marker: line.trimmingSpaces))
                }
            }
        }
        return found
    }

    private func identityFindings(_ identity: Identity, role: String) -> [Attribution] {
        guard let agent = matchingAgent(identity, in: tables.identities) else { return [] }
        return [Attribution(agent: agent.id, source: .identity, marker: "\(role) \(identity.name) <\(identity.email)>")]
    }

    /// The first agent whose patterns match: email patterns first, then names.
    private func matchingAgent(_ identity: Identity, in patterns: [(IdentityPattern, Int)]) -> Agent? {
        for field in [IdentityPattern.Field.email, .name] {
            for (pattern, agent) in patterns where pattern.field == field && pattern.matches(name: identity.name, email: identity.email) {
                return registry.agents[agent]
            }
        }
        return nil
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
/// copying `Agent` values (which dominated a long audit). Integers index `registry.agents`.
private struct MarkerTables: Sendable {
    var coAuthors: [(IdentityPattern, Int)] = []
    var identities: [(IdentityPattern, Int)] = []
    var footers: [(String, Int)] = []
    var subjectPrefixes: [(String, Int)] = []
    var trailers: [String: [(String?, Int)]] = [:]

    init(_ registry: AgentRegistry) {
        for (index, agent) in registry.agents.enumerated() {
            coAuthors += agent.coAuthors.map { ($0, index) }
            identities += agent.identities.map { ($0, index) }
            footers += agent.footers.map { ($0, index) }
            subjectPrefixes += agent.subjectPrefixes.map { ($0, index) }
            for marker in agent.trailers { trailers[marker.key, default: []].append((marker.value, index)) }
        }
    }
}
