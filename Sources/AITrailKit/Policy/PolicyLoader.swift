import Git

/// Reads `.aitrail` (git-config syntax) with the Git layer's config reader into a `Policy`.
public enum PolicyLoader {
    public static let fileName = ".aitrail"

    /// The policy in the work tree of `repository`, or the defaults when there is no `.aitrail`.
    public static func load(workTreeOf repository: Repository, lenient: Bool = false) throws(AITrailError) -> Policy {
        guard let root = repository.workDirectory else { return .defaults }
        let path = root + "/" + fileName
        guard FileSystem.exists(path) else { return .defaults }
        return try load(path: path, displayName: fileName, lenient: lenient)
    }

    /// The policy as committed in `commit` (the gate reads the merge base's), or the defaults.
    public static func load(commit: ObjectID, in repository: Repository) throws(AITrailError) -> Policy {
        let bytes: [UInt8]?
        do { bytes = try repository.fileContents(fileName, in: commit) } catch {
            throw AITrailError.policy("cannot read \(fileName) from \(commit.short): \(error.message)")
        }
        guard let bytes else { return .defaults }
        let name = "\(commit.short):\(fileName)"
        let config: ConfigFile
        do { config = try ConfigFile(bytes: bytes, displayName: name, followingIncludes: false) } catch {
            throw AITrailError.policy("\(error.message) (fix the policy file's syntax)")
        }
        return try parse(config)
    }

    public static func load(path: String, displayName: String? = nil, lenient: Bool = false) throws(AITrailError) -> Policy {
        let config: ConfigFile
        do { config = try ConfigFile(path: path, displayName: displayName ?? path, followingIncludes: false) } catch {
            let problem = AITrailError.policy("\(error.message) (fix the policy file's syntax)")
            guard lenient else { throw problem }
            return Policy.defaultsBecause(problem, origin: displayName ?? path)
        }
        return try parse(config, lenient: lenient)
    }

    /// The policy the hooks use: never an error. What cannot be read is in `warnings`, and the
    /// sections it touches take their defaults, so a broken policy never stops tagging.
    /// The policy in the work tree of `repository` as the hooks read it, or the defaults when there
    /// is no `.aitrail` (or no work tree).
    public static func loadForHooks(workTreeOf repository: Repository) -> Policy {
        guard let root = repository.workDirectory, FileSystem.exists(root + "/" + fileName) else { return .defaults }
        return loadForHooks(path: root + "/" + fileName)
    }

    public static func loadForHooks(path: String, displayName: String = fileName) -> Policy {
        do { return try load(path: path, displayName: displayName, lenient: true) } catch {
            return Policy.defaultsBecause(error, origin: displayName)
        }
    }

    static let knownKeys: [String: Set<String>] = [
        "tag": ["trailer", "require", "merges"],
        "agents": ["allow"],
        "agent": ["env", "email", "name", "kind"],
        "evidence": ["require", "scope", "kind", "max-age", "merges", "bots", "name", "signers", "require-signed"],
        "review": ["path"],
    ]

    /// Reads the policy. An unknown key is a warning (a newer aitrail may know it), kept in
    /// `warnings`. A bad value is an error, unless `lenient` (the hooks): then that section takes
    /// its defaults, a warning says so, and the sections that are valid are used.
    public static func parse(_ config: ConfigFile, lenient: Bool = false) throws(AITrailError) -> Policy {
        var policy = Policy()
        policy.origin = config.displayName
        let entries: [ConfigEntry]
        do { entries = try config.entries() } catch {
            let problem = AITrailError.policy("\(config.displayName): \(error.message)")
            guard lenient else { throw problem }
            return Policy.defaultsBecause(problem, origin: config.displayName)
        }
        var broken: [String] = []

        var custom: [String: Agent] = [:]
        var customOrder: [String] = []
        for entry in entries {
            let where_ = entry.line.map { "\(config.displayName):\($0)" } ?? config.displayName
            func bad(_ expected: String) -> AITrailError {
                AITrailError.policy("\(where_): bad value '\(entry.value)' for '\(entry.name)': expected \(expected)")
            }
            func need<T>(_ value: T?, _ expected: String) throws(AITrailError) -> T {
                guard let value else { throw bad(expected) }
                return value
            }
            let parts = entry.name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let section = parts[0].lowercased(), variable = parts[parts.count - 1].lowercased()
            let subsection = parts.count > 2 ? parts[1..<(parts.count - 1)].joined(separator: ".") : nil
            guard let known = knownKeys[section], known.contains(variable), (section == "agent") == (subsection != nil) else {
                let hint = knownKeys[section].map { "known keys in [\(section)\(section == "agent" ? " \"<id>\"" : "")]: \($0.sorted().joined(separator: ", "))" }
                    ?? "known sections: \(knownKeys.keys.sorted().joined(separator: ", "))"
                policy.warnings.append("\(where_): unknown key '\(entry.name)' ignored (\(hint); a newer aitrail may know it)")
                continue
            }
            let value = entry.value.trimmingSpaces
            let sectionName = section == "agent" ? "agent \"\(subsection!.lowercased())\"" : section
            if lenient && broken.contains(sectionName) { continue }
            do throws(AITrailError) {
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
                        throw AITrailError.policy("\(where_): bad agent id '\(subsection!)' in '\(entry.name)': expected letters, digits, '-', '.', '_'")
                    }
                    if custom[id] == nil {
                        custom[id] = Agent(id: id, name: subsection!)
                        customOrder.append(id)
                    }
                    switch variable {
                    case "env":
                        guard let marker = EnvironmentMarker(policyValue: value) else { throw bad("NAME, NAME=value, NAME=prefix* or NAME=*suffix") }
                        custom[id]!.environment.append(marker)
                    case "kind":
                        custom[id]!.kind = try need(Agent.Kind(rawValue: value.lowercased()), "agent or review-bot")
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
                    switch Duration.parse(value) {
                    case .success(let seconds): policy.evidence.maxAge = seconds
                    case .failure(let problem): throw AITrailError.policy("\(where_): bad value '\(entry.value)' for '\(entry.name)': \(problem.message)")
                    }
                case ("evidence", "merges"): policy.evidence.merges = try need(boolValue(value), "true or false")
                case ("evidence", "bots"): policy.evidence.bots = try need(boolValue(value), "true or false")
                case ("evidence", "name"):
                    guard !value.isEmpty else { throw bad("an eval name such as unit") }
                    if !policy.evidence.names.contains(value) { policy.evidence.names.append(value) }
                case ("evidence", "signers"):
                    guard !value.isEmpty else { throw bad("the path of an allowed-signers file such as .aitrail-signers") }
                    policy.evidence.signers = value
                case ("evidence", "require-signed"): policy.evidence.requireSigned = try need(boolValue(value), "true or false")
                case ("review", "path"):
                    guard !value.isEmpty else { throw bad("a path pattern such as src/payments/**") }
                    policy.reviewPaths.append(value)
                default:
                    throw AITrailError.policy("\(where_): unknown key '\(entry.name)'")
                }
            } catch {
                guard lenient else { throw error }
                broken.append(sectionName)
                policy.warnings.append("\(error.message) (so the hooks use the defaults of [\(sectionName)] until it is fixed)")
            }
        }
        for section in broken {
            switch section {
            case "tag": policy.tag = Policy.Tag()
            case "agents": policy.allowedAgents = []
            case "evidence": policy.evidence = Policy.Evidence()
            case "review": policy.reviewPaths = []
            default: break
            }
        }
        policy.customAgents = customOrder.filter { !broken.contains("agent \"\($0)\"") }.map { custom[$0]! }
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

/// Durations as policy files and `--ttl` write them: a whole number and one unit, `45s`, `90m`,
/// `12h`, `30d`, `2w`. Anything else — no unit, another unit (`5x`, `1y`), a fraction, a sign, or
/// more than a hundred years (which would overflow the timestamps it is added to) — is refused.
public enum Duration {
    /// A hundred years, in seconds.
    public static let maximum: Int64 = 100 * 365 * 86_400

    /// The duration in seconds, or why `text` is not one.
    public static func parse(_ text: String) -> Result<Int64, AITrailError> {
        let trimmed = text.trimmingSpaces
        let shown = "'\(SafeID.shown(trimmed))'"
        guard let unit = trimmed.last else { return .failure(AITrailError.policy("the duration is empty (write it as 30d, 12h, 2w, 90m or 45s)")) }
        let multiplier: Int64
        switch unit.lowercased() {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3_600
        case "d": multiplier = 86_400
        case "w": multiplier = 604_800
        default:
            return .failure(AITrailError.policy("\(shown) has no unit s, m, h, d or w (write it as 30d, 12h, 2w, 90m or 45s)"))
        }
        let digits = trimmed.dropLast()
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return .failure(AITrailError.policy("\(shown) is not a whole number followed by s, m, h, d or w (such as 30d or 12h)"))
        }
        guard let number = Int64(digits), case (let seconds, false) = number.multipliedReportingOverflow(by: multiplier),
              seconds <= maximum else {
            return .failure(AITrailError.policy("\(shown) is too long (at most 100 years, such as 5200w)"))
        }
        guard seconds > 0 else { return .failure(AITrailError.policy("\(shown) is zero (a duration must be at least 1s)")) }
        return .success(seconds)
    }

    /// The duration in seconds, or nil when `text` is not one (`parse` says why).
    public static func parseSeconds(_ text: String) -> Int64? { try? parse(text).get() }
}
