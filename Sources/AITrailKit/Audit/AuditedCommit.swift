import Git

/// Whether an AI commit's exact tree was evaluated, from the evidence records in its note.
public enum EvidenceStatus: String, Sendable, Hashable, CaseIterable {
    /// No evidence record at all.
    case none
    /// The latest record for the commit's own tree passed.
    case passed
    /// The latest record for the commit's own tree failed.
    case failed
    /// Only records for other trees: the code changed after it was evaluated.
    case stale
}

/// One commit as the audit sees it: who, when, which agents, and whether it was evaluated.
public struct AuditedCommit: Sendable, Hashable {
    public var id: ObjectID
    /// Committer time (seconds since the epoch): what `--since` and `--until` compare.
    public var commitTime: Int64
    /// Author time: when the change was made; what reports and `time` in jsonl use.
    public var authorTime: Int64
    /// The author after `.mailmap`.
    public var author: Identity
    public var isMerge: Bool
    public var agents: [String]
    public var models: [String]
    public var sources: [AttributionSource]
    public var evidence: EvidenceStatus
    /// Lines added and removed against the first parent; nil unless the audit ran with `--lines`.
    public var insertions: Int?
    public var deletions: Int?

    public var isAI: Bool { !agents.isEmpty }

    public init(
        id: ObjectID, commitTime: Int64, authorTime: Int64, author: Identity, isMerge: Bool, agents: [String],
        models: [String], sources: [AttributionSource], evidence: EvidenceStatus,
        insertions: Int? = nil, deletions: Int? = nil
    ) {
        self.id = id
        self.commitTime = commitTime
        self.authorTime = authorTime
        self.author = author
        self.isMerge = isMerge
        self.agents = agents
        self.models = models
        self.sources = sources
        self.evidence = evidence
        self.insertions = insertions
        self.deletions = deletions
    }
}
