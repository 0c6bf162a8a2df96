/// What `aitrail check` found over a range: the one model every check format renders.
public struct CheckReport: Sendable, Hashable, Codable {
    public struct RangeInfo: Sendable, Hashable, Codable {
        /// As given (`origin/main..HEAD`) and how it was found (`argument`, `github`, …).
        public var spelled: String
        public var source: String
        public var base: String
        public var head: String
        public var mergeBase: String

        enum CodingKeys: String, CodingKey {
            case spelled = "range", source, base, head
            case mergeBase = "merge_base"
        }
    }

    public struct CommitResult: Sendable, Hashable, Codable {
        public var commit: String
        public var subject: String
        public var author: String
        public var ai: Bool
        public var agents: [String]
        /// `passed`, `failed`, `stale`, `missing`, `kind-not-accepted`, `too-old`, `unsigned`, `bad-signature`,
        /// `not-required`, or nil when skipped.
        public var evidence: EvidenceStanding?
        /// Why the commit was not judged (`merge commit`, `bot author`).
        public var skipped: String?
        public var shortCommit: String { String(commit.prefix(7)) }
    }

    public var aitrail: String
    public var range: RangeInfo
    /// Where the policy came from: `<merge base>:.aitrail`, or `defaults`.
    public var policy: String
    public var scope: String
    /// Oldest first.
    public var commits: [CommitResult]
    public var findings: [Finding]
    /// Things the reader should know that do not fail the gate (a changed `.aitrail`, malformed note lines).
    public var notices: [String]

    public var passed: Bool { findings.isEmpty }

    public init(aitrail: String, range: RangeInfo, policy: String, scope: String, commits: [CommitResult],
                findings: [Finding], notices: [String]) {
        self.aitrail = aitrail
        self.range = range
        self.policy = policy
        self.scope = scope
        self.commits = commits
        self.findings = findings
        self.notices = notices
    }

    enum CodingKeys: String, CodingKey { case aitrail, range, policy, scope, commits, findings, notices, passed }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        aitrail = try container.decode(String.self, forKey: .aitrail)
        range = try container.decode(RangeInfo.self, forKey: .range)
        policy = try container.decode(String.self, forKey: .policy)
        scope = try container.decode(String.self, forKey: .scope)
        commits = try container.decode([CommitResult].self, forKey: .commits)
        findings = try container.decode([Finding].self, forKey: .findings)
        notices = try container.decode([String].self, forKey: .notices)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(aitrail, forKey: .aitrail)
        try container.encode(range, forKey: .range)
        try container.encode(policy, forKey: .policy)
        try container.encode(scope, forKey: .scope)
        try container.encode(commits, forKey: .commits)
        try container.encode(findings, forKey: .findings)
        try container.encode(notices, forKey: .notices)
        try container.encode(passed, forKey: .passed)
    }

    /// The subject of a commit in the report, for renderers.
    public func subject(of commit: String) -> String { commits.first { $0.commit == commit }?.subject ?? "" }
}
