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

extension EvidenceStatus {
    /// The audit's four values of the verdict: what the audit cannot judge without a policy counts as none.
    init(_ standing: EvidenceStanding) {
        switch standing {
        case .passed: self = .passed
        case .failed: self = .failed
        case .stale: self = .stale
        case .missing, .kindNotAccepted, .tooOld, .unsigned, .badSignature, .notRequired: self = .none
        }
    }
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
    /// AI review bots whose suggestions the commit applied: not agents, and not counted as AI.
    public var reviewBots: [String]
    public var sources: [AttributionSource]
    public var evidence: EvidenceStatus
    /// Lines added and removed against the first parent; nil unless the audit ran with `--lines`.
    public var insertions: Int?
    public var deletions: Int?

    public var isAI: Bool { !agents.isEmpty }

    public init(
        id: ObjectID, commitTime: Int64, authorTime: Int64, author: Identity, isMerge: Bool, agents: [String],
        models: [String], reviewBots: [String] = [], sources: [AttributionSource], evidence: EvidenceStatus,
        insertions: Int? = nil, deletions: Int? = nil
    ) {
        self.id = id
        self.commitTime = commitTime
        self.authorTime = authorTime
        self.author = author
        self.isMerge = isMerge
        self.agents = agents
        self.models = models
        self.reviewBots = reviewBots
        self.sources = sources
        self.evidence = evidence
        self.insertions = insertions
        self.deletions = deletions
    }
}

/// The commits of a report, in order: rows of a `CommitTable` with their authors after `.mailmap`.
/// Reading one builds an `AuditedCommit` from shared strings and lists; renderers that stream every
/// commit (jsonl) read the rows directly.
public struct AuditedCommits: RandomAccessCollection, Sendable {
    let table: CommitTable
    /// Record indices, in report order.
    private(set) var rows: [Int32]
    /// By identity index of the table: the author after `.mailmap`.
    let authors: [Identity]
    /// By identity index of the table: whether the author is a bot account (`BotAccount`).
    let bots: [Bool]
    /// By list index of the table.
    let lists: [[String]]
    /// Whether line counts are reported.
    let lines: Bool

    init(table: CommitTable, rows: [Int32], authors: [Identity], bots: [Bool], lines: Bool) {
        self.table = table
        self.rows = rows
        self.authors = authors
        self.bots = bots
        self.lists = table.lists.indices.map { table.strings(list: UInt32($0)) }
        self.lines = lines
    }

    /// The commits at `positions` (indices of this collection), sharing its table: a part of a
    /// report (one repository's commits, one team's) without building another table.
    public func subset(_ positions: [Int]) -> AuditedCommits {
        var part = self
        part.rows = positions.map { rows[$0] }
        return part
    }

    /// Commits as given (their authors already mapped); line counts where they are not nil.
    public init(_ commits: [AuditedCommit]) {
        var table = CommitTable()
        var rows: [Int32] = []
        for commit in commits {
            rows.append(table.append(CachedCommit(
                id: commit.id, commitTime: commit.commitTime, authorTime: commit.authorTime,
                authorName: commit.author.name, authorEmail: commit.author.email, isMerge: commit.isMerge,
                agents: commit.agents, models: commit.models, reviewBots: commit.reviewBots, sources: commit.sources, evidence: commit.evidence,
                insertions: commit.insertions ?? -1, deletions: commit.deletions ?? -1, aitrailNote: nil, aiNote: nil)))
        }
        let authors = table.identities.map { Identity(name: table.strings[Int($0.name)], email: table.strings[Int($0.email)]) }
        self.init(table: table, rows: rows, authors: authors, bots: authors.map(BotAccount.isBot), lines: true)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rows.count }

    public subscript(position: Int) -> AuditedCommit {
        table.record(Int(rows[position])) { record in
            AuditedCommit(
                id: record.id, commitTime: record.commitTime, authorTime: record.authorTime, author: authors[record.identity],
                isMerge: record.isMerge, agents: lists[record.agentList], models: lists[record.modelList],
                reviewBots: lists[record.reviewBotList], sources: record.sources, evidence: record.evidence,
                insertions: lines ? record.insertions : nil, deletions: lines ? record.deletions : nil)
        }
    }
}
