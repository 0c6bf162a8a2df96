import Git

/// An AI coding agent and the markers it leaves: at commit time (environment) and in history.
public struct Agent: Sendable, Hashable {
    /// The stable id used in trailers, notes and reports (`claude-code`).
    public let id: String
    /// How people name it (`Claude Code`).
    public let name: String
    /// Environment variables the agent sets for the processes it runs (so for `git commit`'s hooks).
    public var environment: [EnvironmentMarker] = []
    /// `Co-authored-by:` identities the agent writes into its commit messages.
    public var coAuthors: [IdentityPattern] = []
    /// Author or committer identities the agent commits as.
    public var identities: [IdentityPattern] = []
    /// Footer lines the agent appends (`Generated with [Claude Code]`), matched at a line's start
    /// after an optional emoji.
    public var footers: [String] = []
    /// Trailers only this agent writes (`Claude-Session`), optionally with a fixed value (`Made-with: Cursor`).
    public var trailers: [TrailerMarker] = []
    /// Subject prefixes (`aider: `).
    public var subjectPrefixes: [String] = []
    /// Other names for the agent in `Assisted-by`, `AI_AGENT=` and friends (`claude`, `claude code`).
    public var aliases: [String] = []
    /// How a `Co-authored-by` name of this agent names the model.
    public var coAuthorModel: CoAuthorModel = .none
    /// A coding agent, or an AI review bot whose applied suggestions are counted apart.
    public var kind: Kind = .agent

    public enum Kind: String, Sendable, Hashable {
        case agent
        case reviewBot = "review-bot"
    }

    public init(
        id: String, name: String, kind: Kind = .agent, environment: [EnvironmentMarker] = [], coAuthors: [IdentityPattern] = [],
        identities: [IdentityPattern] = [], footers: [String] = [], trailers: [TrailerMarker] = [],
        subjectPrefixes: [String] = [], aliases: [String] = [], coAuthorModel: CoAuthorModel = .none
    ) {
        self.kind = kind
        self.id = id
        self.name = name
        self.environment = environment
        self.coAuthors = coAuthors
        self.identities = identities
        self.footers = footers
        self.trailers = trailers
        self.subjectPrefixes = subjectPrefixes
        self.aliases = aliases
        self.coAuthorModel = coAuthorModel
    }
}

extension Agent {
    /// Every field, written out: what the audit cache's fingerprint hashes, so a changed registry
    /// invalidates cached classifications. (`String(describing:)` would do it through reflection, a
    /// millisecond a run.) A test checks that every stored property is written.
    var fingerprintText: String {
        func quoted(_ text: String) -> String { "\"" + text.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"") + "\"" }
        func list(_ values: [String]) -> String { "[" + values.map(quoted).joined(separator: ",") + "]" }
        func identity(_ pattern: IdentityPattern) -> String {
            let field = pattern.field == .email ? "email" : "name"
            switch pattern.test {
            case .equals(let text): return "\(field)=\(quoted(text))"
            case .hasSuffix(let text): return "\(field)*=\(quoted(text))"
            case .hasPrefix(let text): return "\(field)=*\(quoted(text))"
            case .contains(let text): return "\(field)~\(quoted(text))"
            }
        }
        func marker(_ marker: EnvironmentMarker) -> String {
            let test: String
            switch marker.test {
            case .present: test = "present"
            case .equals(let text): test = "=" + quoted(text)
            case .hasPrefix(let text): test = "^" + quoted(text)
            case .hasSuffix(let text): test = "$" + quoted(text)
            }
            return "\(marker.variable) \(test) \(marker.modelVariable.map(quoted) ?? "-")"
        }
        let model: String
        switch coAuthorModel {
        case .none: model = "none"
        case .wholeName(let unless): model = "whole unless " + quoted(unless)
        case .parenthesised: model = "parenthesised"
        }
        var parts = [quoted(id), quoted(name)]
        parts.append("env[" + environment.map(marker).joined(separator: ",") + "]")
        parts.append("co[" + coAuthors.map(identity).joined(separator: ",") + "]")
        parts.append("id[" + identities.map(identity).joined(separator: ",") + "]")
        parts.append(list(footers))
        parts.append("tr[" + trailers.map { quoted($0.key) + "=" + ($0.value.map(quoted) ?? "-") }.joined(separator: ",") + "]")
        parts.append(list(subjectPrefixes))
        parts.append(list(aliases))
        parts.append(model)
        parts.append(kind.rawValue)
        return parts.joined(separator: " ")
    }
}

/// Where a co-author name carries the model.
public enum CoAuthorModel: Sendable, Hashable {
    case none
    /// The whole name is the model unless it is just the agent's name: `Claude Opus 4.6` → `claude-opus-4.6`.
    case wholeName(unless: String)
    /// The model is in parentheses: `aider (gpt-5.4)` → `gpt-5.4`.
    case parenthesised
}

/// One environment variable test. A marker may name the model through another variable.
public struct EnvironmentMarker: Sendable, Hashable {
    public enum Test: Sendable, Hashable {
        case present
        case equals(String)
        case hasPrefix(String)
        case hasSuffix(String)
    }

    public let variable: String
    public let test: Test
    /// A variable whose value is the model (`COPILOT_MODEL`).
    public var modelVariable: String?

    public init(_ variable: String, _ test: Test = .present, modelVariable: String? = nil) {
        self.variable = variable
        self.test = test
        self.modelVariable = modelVariable
    }

    public func matches(_ environment: [String: String]) -> Bool {
        guard let value = environment[variable] else { return false }
        switch test {
        case .present: return !value.isEmpty
        case .equals(let expected): return value == expected
        case .hasPrefix(let prefix): return value.hasPrefix(prefix)
        case .hasSuffix(let suffix): return value.hasSuffix(suffix)
        }
    }

    /// `NAME`, `NAME=value`, `NAME=value*`, `NAME=*value`: how policy files write a marker.
    public init?(policyValue: String) {
        let text = policyValue.trimmingSpaces
        guard !text.isEmpty else { return nil }
        guard let equals = text.firstIndex(of: "=") else {
            guard text.isEnvironmentName else { return nil }
            self.init(text)
            return
        }
        let name = String(text[..<equals]), value = String(text[text.index(after: equals)...])
        guard name.isEnvironmentName else { return nil }
        if value.hasSuffix("*") {
            self.init(name, .hasPrefix(String(value.dropLast())))
        } else if value.hasPrefix("*") {
            self.init(name, .hasSuffix(String(value.dropFirst())))
        } else {
            self.init(name, .equals(value))
        }
    }
}

/// A name/email pattern. Identities match on email first, then on name (SPEC §2).
public struct IdentityPattern: Sendable, Hashable {
    public enum Field: Sendable, Hashable { case email, name }
    public enum Test: Sendable, Hashable {
        /// Case-insensitive equality.
        case equals(String)
        case hasSuffix(String)
        case hasPrefix(String)
        case contains(String)
    }

    public let field: Field
    public let test: Test

    public static func email(_ test: Test) -> IdentityPattern { IdentityPattern(field: .email, test: test) }
    public static func name(_ test: Test) -> IdentityPattern { IdentityPattern(field: .name, test: test) }
}

/// An `IdentityPattern`'s test, ready to run on the UTF-8 bytes of a name or email, ignoring ASCII
/// case (patterns are written in lower case): no lower-cased copies, no Unicode comparison, for every
/// commit of a history.
struct IdentityTest: Sendable {
    private enum Kind { case equals, hasSuffix, hasPrefix, contains }
    private let kind: Kind
    private let text: [UInt8]

    init(_ test: IdentityPattern.Test) {
        switch test {
        case .equals(let text): (kind, self.text) = (.equals, Array(text.utf8))
        case .hasSuffix(let text): (kind, self.text) = (.hasSuffix, Array(text.utf8))
        case .hasPrefix(let text): (kind, self.text) = (.hasPrefix, Array(text.utf8))
        case .contains(let text): (kind, self.text) = (.contains, Array(text.utf8))
        }
    }

    func matches(_ subject: UnsafeBufferPointer<UInt8>) -> Bool {
        guard subject.count >= text.count else { return false }
        switch kind {
        case .equals: return subject.count == text.count && matches(subject, at: 0)
        case .hasPrefix: return matches(subject, at: 0)
        case .hasSuffix: return matches(subject, at: subject.count - text.count)
        case .contains:
            guard let first = text.first else { return true }
            for start in 0...(subject.count - text.count) where lowercasedASCII(subject[start]) == first {
                if matches(subject, at: start) { return true }
            }
            return false
        }
    }

    private func matches(_ subject: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        for offset in text.indices where lowercasedASCII(subject[start + offset]) != text[offset] { return false }
        return true
    }
}

func lowercasedASCII(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

/// A trailer key (case-insensitive) and, optionally, the value it must have.
public struct TrailerMarker: Sendable, Hashable {
    public let key: String
    public let value: String?
    public init(_ key: String, value: String? = nil) {
        self.key = key
        self.value = value
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" || first == "\r" || first == "\n" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" || last == "\n" { slice = slice.dropLast() }
        return String(slice)
    }

    var isEnvironmentName: Bool {
        !isEmpty && allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
