/// The team's rules, from `.aitrail` at the repository root (SPEC §6). Defaults apply to what is unset.
public struct Policy: Sendable, Hashable {
    public struct Tag: Sendable, Hashable {
        /// The trailer key written at commit time (`Assisted-by`, QEMU's `AI-used-for`).
        public var trailer = "Assisted-by"
        /// commit-msg rejects a commit whose detected agent's trailer was removed.
        public var require = false
        /// Tag merge commits too.
        public var merges = false
    }

    public enum Requirement: String, Sendable, Hashable, CaseIterable { case ai, all, none }
    public enum Scope: String, Sendable, Hashable, CaseIterable { case head, each }

    public struct Evidence: Sendable, Hashable {
        /// Which commits need evidence.
        public var require: Requirement = .ai
        /// `head`: the range's final tree must be evaluated; `each`: every commit that needs it.
        public var scope: Scope = .head
        /// Accepted kinds; empty accepts every kind.
        public var kinds: [EvidenceKind] = []
        /// Evidence older than this many seconds does not count.
        public var maxAge: Int64?
        /// Judge merge commits too.
        public var merges = false
        /// Judge commits by bot authors too.
        public var bots = false
        /// Names that must each have passing evidence (`evidence.name`, repeatable).
        public var names: [String] = []
        /// The allowed-signers file (git's `gpg.ssh.allowedSignersFile` format), a path in the repository.
        public var signers: String?
        /// Only evidence signed by a key of `signers` counts.
        public var requireSigned = false
    }

    public var tag = Tag()
    /// When not empty, only these agents are allowed; others are findings.
    public var allowedAgents: [String] = []
    /// Agents declared with `[agent "<id>"]`.
    public var customAgents: [Agent] = []
    public var evidence = Evidence()
    /// Paths (git pathspec globs) whose AI changes need a review record or a human `Reviewed-by`.
    public var reviewPaths: [String] = []
    /// Where the policy came from (`.aitrail`, `1a2b3c4:.aitrail`), or nil for the defaults.
    public var origin: String?
    /// What could not be read: unknown keys (ignored), and for the hooks' lenient reading, bad values
    /// whose section took its defaults. One line each, naming file, line and key.
    public var warnings: [String] = []

    public init() {}

    public static let defaults = Policy()

    /// The defaults, because the policy at `origin` could not be read at all.
    static func defaultsBecause(_ problem: AITrailError, origin: String) -> Policy {
        var policy = Policy()
        policy.warnings = ["\(problem.message) (so the hooks use the default policy until it is fixed)"]
        return policy
    }

    /// The registry with this policy's custom agents added.
    public var registry: AgentRegistry { AgentRegistry.builtin.adding(customAgents) }

    public var classifier: Classifier { Classifier(registry: registry, tagTrailer: tag.trailer) }

    public func allows(agent: String) -> Bool { allowedAgents.isEmpty || allowedAgents.contains(agent) }
}

/// Kinds of eval evidence (SPEC §5).
public enum EvidenceKind: String, Sendable, Hashable, Codable, CaseIterable {
    case command, junit, sarif, json, review
}
