#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Which team owns which repositories: a text file of `PATTERN = TEAM` lines (docs/store.md).
/// Patterns are shell globs over the repository's stored name (`github.com/acme/payments-*`; `*`
/// also crosses `/`); the first matching line wins; `#` starts a comment. Repositories no line
/// matches are in the team `(no team)`.
public struct TeamMap: Sendable {
    public struct Rule: Sendable, Hashable {
        public var pattern: String
        public var team: String
    }

    public static let noTeam = "(no team)"
    public var rules: [Rule]

    public init(rules: [Rule]) { self.rules = rules }

    public init(path: String) throws(StoreError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError("cannot read the team map '\(path)': check the path given to --teams", kind: .usage)
        }
        try self.init(text: String(decoding: data, as: UTF8.self), name: path)
    }

    public init(text: String, name: String) throws(StoreError) {
        var rules: [Rule] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw StoreError("\(name):\(index + 1): '\(trimmed)' is not PATTERN = TEAM (e.g. github.com/acme/payments-* = Payments)", kind: .usage)
            }
            let pattern = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            let team = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !pattern.isEmpty, !team.isEmpty else {
                throw StoreError("\(name):\(index + 1): both a repository pattern and a team are needed: PATTERN = TEAM", kind: .usage)
            }
            rules.append(Rule(pattern: pattern, team: team))
        }
        self.rules = rules
    }

    public func team(of repository: String) -> String {
        for rule in rules where fnmatch(rule.pattern, repository, 0) == 0 { return rule.team }
        return TeamMap.noTeam
    }
}
