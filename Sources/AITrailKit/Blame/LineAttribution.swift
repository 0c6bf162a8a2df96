import Git

/// Where a line came from: an agent (and model, when known) or a person.
public struct LineOrigin: Sendable, Hashable, Comparable {
    /// Nil for a human line.
    public var agent: String?
    public var model: String?

    public static let human = LineOrigin(agent: nil, model: nil)

    public init(agent: String?, model: String?) {
        self.agent = agent
        self.model = agent == nil ? nil : model
    }

    public var isAI: Bool { agent != nil }

    /// `claude-code/claude-opus-4.6`, `codex`, `human`.
    public var label: String {
        guard let agent else { return "human" }
        return model.map { agent + "/" + $0 } ?? agent
    }

    public static func < (lhs: LineOrigin, rhs: LineOrigin) -> Bool { lhs.label < rhs.label }
}

/// The audit's verdict for every commit a revision reaches, looked up by id: the join between a
/// blamed line's commit and its attribution. Built from `AuditScanner` (the audit's own walk,
/// classification and cache), never from a second history walk.
public struct CommitAttributions: Sendable {
    let commits: AuditedCommits
    let rowOf: [ObjectID: Int]
    /// How the audit ran (for `--verbose`).
    public let stats: AuditStats
    let scan: AuditScan

    /// Classifies every commit reachable from `commit`; with `lines`, each commit's insertions
    /// against its first parent are counted too (what survival divides by).
    public init(repository: Repository, classifier: Classifier, commit: ObjectID, lines: Bool, jobs: Int, useCache: Bool) throws(AITrailError) {
        let options = AuditOptions(walk: WalkOptions(revisions: [commit.hex]), lines: lines, jobs: jobs, useCache: useCache)
        scan = try AuditScanner(repository: repository, classifier: classifier, options: options).scan()
        commits = scan.commits
        var rowOf: [ObjectID: Int] = [:]
        rowOf.reserveCapacity(commits.count)
        for position in commits.indices { rowOf[commits.table.id(Int(commits.rows[position]))] = position }
        self.rowOf = rowOf
        stats = scan.stats
    }

    /// Returns once the audit cache is written: call before the process ends.
    public func waitForCache() { scan.waitForCache() }

    public subscript(id: ObjectID) -> AuditedCommit? { rowOf[id].map { commits[$0] } }

    /// Every commit classified, in the audit's order.
    public var all: AuditedCommits { commits }

    /// The origin of a whole commit's lines: its first agent and first model (the classifier's
    /// order), or human; a commit the audit did not reach (a shallow clone's boundary) is human.
    public static func origin(of commit: AuditedCommit?) -> LineOrigin {
        guard let commit, let agent = commit.agents.first else { return .human }
        return LineOrigin(agent: agent, model: commit.models.first)
    }
}
