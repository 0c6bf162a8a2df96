import Git

/// A policy that cannot be used: names the file, line and key, and how to fix it.
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    public init(message: String) { self.message = message }
}

/// Reads `.aitrail` (git-config syntax) with the Git layer's config reader into a `Policy`.
public enum PolicyLoader {
    public static let fileName = ".aitrail"

    /// The policy in the work tree of `repository`, or the defaults when there is no `.aitrail`.
    public static func load(workTreeOf repository: Repository) throws(PolicyError) -> Policy {
        guard let root = repository.workDirectory else { return .defaults }
        let path = root + "/" + fileName
        guard FileSystem.exists(path) else { return .defaults }
        return try load(path: path, displayName: fileName)
    }

    /// The policy as committed in `commit` (the gate reads the merge base's), or the defaults.
    public static func load(commit: ObjectID, in repository: Repository) throws(PolicyError) -> Policy {
        let bytes: [UInt8]?
        do { bytes = try repository.fileContents(fileName, in: commit) } catch {
            throw PolicyError(message: "cannot read \(fileName) from \(commit.short): \(error.message)")
        }
        guard let bytes else { return .defaults }
        let name = "\(commit.short):\(fileName)"
        let config: ConfigFile
        do { config = try ConfigFile(bytes: bytes, displayName: name, followingIncludes: false) } catch {
            throw PolicyError(message: "\(error.message) (fix the policy file's syntax)")
        }
        return try parse(config)
    }

    public static func load(path: String, displayName: String? = nil) throws(PolicyError) -> Policy {
        let config: ConfigFile
        do { config = try ConfigFile(path: path, displayName: displayName ?? path, followingIncludes: false) } catch {
            throw PolicyError(message: "\(error.message) (fix the policy file's syntax)")
        }
        return try parse(config)
    }

    static let knownKeys: [String: Set<String>] = [
        "tag": ["trailer", "require", "merges"],
        "agents": ["allow"],
        "agent": ["env", "email", "name"],
        "evidence": ["require", "scope", "kind", "max-age", "merges", "bots"],
        "review": ["path"],
    ]

    public static func parse(_ config: ConfigFile) throws(PolicyError) -> Policy {
        var policy = Policy()
        policy.origin = config.displayName
        let entries: [ConfigEntry]
        do { entries = try config.entries() } catch { throw PolicyError(message: "\(config.displayName): \(error.message)") }

        var custom: [String: Agent] = [:]
        var customOrder: [String] = []
        for entry in entries {
            let where_ = entry.line.map { "\(config.displayName):\($0)" } ?? config.displayName
            func bad(_ expected: String) -> PolicyError {
                PolicyError(message: "\(where_): bad value '\(entry.value)' for '\(entry.name)': expected \(expected)")
            }
            func need<T>(_ value: T?, _ expected: String) throws(PolicyError) -> T {
                guard let value else { throw bad(expected) }
                return value
            }
            let parts = entry.name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let section = parts[0].lowercased(), variable = parts[parts.count - 1].lowercased()
            let subsection = parts.count > 2 ? parts[1..<(parts.count - 1)].joined(separator: ".") : nil
            guard let known = knownKeys[section], known.contains(variable), (section == "agent") == (subsection != nil) else {
                let hint = knownKeys[section].map { "known keys in [\(section)\(section == "agent" ? " \"<id>\"" : "")]: \($0.sorted().joined(separator: ", "))" }
                    ?? "known sections: \(knownKeys.keys.sorted().joined(separator: ", "))"
                throw PolicyError(message: "\(where_): unknown key '\(entry.name)' (\(hint))")
            }
            let value = entry.value.trimmingSpaces
            switch (section, variable) {
            case ("tag", "trailer"):
                guard isTrailerKey(value) else { throw bad("a trailer key such as Assisted-by (letters, digits, '-')") }
                policy.tag.trailer = value
            case ("tag", "require"): policy.tag.require = try need(boolValue(value), "true or false")
            case ("tag", "merges"): policy.tag.merges = try need(boolValue(value), "true or false")
            case ("agents", "allow"):
                guard !value.isEmpty else { throw bad("an agent id such as claude-code") }
                policy.allowedAgents.append(AgentRegistry.builtin.canonicalID(for: value) ?? value.lowercased())
            case ("agent", _):
                let id = subsection!.lowercased()
                guard AssistedByIDCheck.isAgentID(id) else {
                    throw PolicyError(message: "\(where_): bad agent id '\(subsection!)' in '\(entry.name)': expected letters, digits, '-', '.', '_'")
                }
                if custom[id] == nil {
                    custom[id] = Agent(id: id, name: subsection!)
                    customOrder.append(id)
                }
                switch variable {
                case "env":
                    guard let marker = EnvironmentMarker(policyValue: value) else { throw bad("NAME, NAME=value, NAME=prefix* or NAME=*suffix") }
                    custom[id]!.environment.append(marker)
                case "email":
                    guard value.contains("@") else { throw bad("an email address") }
                    custom[id]!.coAuthors.append(.email(.equals(value.lowercased())))
                    custom[id]!.identities.append(.email(.equals(value.lowercased())))
                default:
                    guard !value.isEmpty else { throw bad("a name") }
                    custom[id]!.coAuthors.append(.name(.equals(value.lowercased())))
                    custom[id]!.identities.append(.name(.equals(value.lowercased())))
                }
            case ("evidence", "require"):
                policy.evidence.require = try need(Policy.Requirement(rawValue: value.lowercased()), "ai, all or none")
            case ("evidence", "scope"):
                policy.evidence.scope = try need(Policy.Scope(rawValue: value.lowercased()), "head or each")
            case ("evidence", "kind"):
                let kind = try need(EvidenceKind(rawValue: value.lowercased()), "one of command, junit, sarif, json, review")
                if !policy.evidence.kinds.contains(kind) { policy.evidence.kinds.append(kind) }
            case ("evidence", "max-age"):
                policy.evidence.maxAge = try need(Duration.parseSeconds(value), "a duration such as 30d, 12h, 2w or 90m")
            case ("evidence", "merges"): policy.evidence.merges = try need(boolValue(value), "true or false")
            case ("evidence", "bots"): policy.evidence.bots = try need(boolValue(value), "true or false")
            case ("review", "path"):
                guard !value.isEmpty else { throw bad("a path pattern such as src/payments/**") }
                policy.reviewPaths.append(value)
            default:
                throw PolicyError(message: "\(where_): unknown key '\(entry.name)'")
            }
        }
        policy.customAgents = customOrder.map { custom[$0]! }
        return policy
    }

    /// git's boolean spellings; nil when the value is none of them.
    static func boolValue(_ value: String) -> Bool? {
        switch value.lowercased() {
        case "true", "yes", "on", "1", "": return true
        case "false", "no", "off", "0": return false
        default: return nil
        }
    }

    static func isTrailerKey(_ value: String) -> Bool {
        !value.isEmpty && value.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "-" }
    }
}

enum AssistedByIDCheck {
    static func isAgentID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, first.isASCIIAlphanumeric else { return false }
        return id.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || "-._".unicodeScalars.contains($0) }
    }
}

/// Durations as policy files write them: `30d`, `12h`, `2w`, `90m`, `45s` (a bare number is days).
public enum Duration {
    public static func parseSeconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingSpaces.lowercased()
        guard let unit = trimmed.last else { return nil }
        let multiplier: Int64
        var digits = trimmed
        switch unit {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3_600
        case "d": multiplier = 86_400
        case "w": multiplier = 604_800
        default: multiplier = 86_400
        }
        if unit.isLetter { digits.removeLast() }
        guard let number = Int64(digits), number > 0 else { return nil }
        return number * multiplier
    }
}
