#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Git

/// A breakdown the report can be grouped by (`--by`).
public enum AuditGrouping: String, Sendable, CaseIterable {
    case period, agent, model, author
    /// AI, review bot, bot, human: every commit in exactly one (`CommitClass`).
    case commitClass = "class"
}

/// What wrote a commit, for the class breakdown: each commit is in exactly one class.
public enum CommitClass: String, Sendable, CaseIterable {
    /// An AI agent assisted (whoever the author is).
    case ai
    /// A person wrote it, applying an AI review bot's suggestions (no agent marker).
    case reviewBot = "review-bot"
    /// A bot account wrote it (`BotAccount`), no agent marker.
    case bot
    case human
}

/// How long a period of the trend is (`--period`).
public enum AuditPeriod: String, Sendable, CaseIterable {
    case week, month, quarter

    /// The start (UTC) of the period holding `time`.
    func start(of time: Int64) -> Int64 {
        let parts = Timestamp.utc(time)
        switch self {
        case .week:
            let weekday = (Int64(parts.tm_wday) + 6) % 7  // Monday = 0
            let midnight = time - Int64(parts.tm_hour) * 3600 - Int64(parts.tm_min) * 60 - Int64(parts.tm_sec)
            return midnight - weekday * 86_400
        case .month:
            return AuditPeriod.timestamp(year: parts.tm_year + 1900, month: parts.tm_mon + 1)
        case .quarter:
            return AuditPeriod.timestamp(year: parts.tm_year + 1900, month: parts.tm_mon / 3 * 3 + 1)
        }
    }

    /// The start of the period after the one starting at `start`.
    func next(after start: Int64) -> Int64 {
        let parts = Timestamp.utc(start)
        switch self {
        case .week: return start + 7 * 86_400
        case .month: return AuditPeriod.timestamp(year: parts.tm_year + 1900, month: parts.tm_mon + 2)
        case .quarter: return AuditPeriod.timestamp(year: parts.tm_year + 1900, month: parts.tm_mon + 4)
        }
    }

    /// `2025-W07` (ISO 8601 week), `2025-02`, `2025-Q1`.
    func label(_ start: Int64) -> String {
        let parts = Timestamp.utc(start)
        let year = parts.tm_year + 1900, month = parts.tm_mon + 1
        switch self {
        case .month: return "\(year)-\(month < 10 ? "0" : "")\(month)"
        case .quarter: return "\(year)-Q\((month - 1) / 3 + 1)"
        case .week:
            // The ISO week belongs to the year of its Thursday.
            let thursday = Timestamp.utc(start + 3 * 86_400)
            let week = Int(thursday.tm_yday) / 7 + 1
            return "\(thursday.tm_year + 1900)-W\(week < 10 ? "0" : "")\(week)"
        }
    }

    private static func timestamp(year: Int32, month: Int32) -> Int64 {
        var parts = tm()
        parts.tm_year = year - 1900 + (month - 1) / 12
        parts.tm_mon = (month - 1) % 12
        parts.tm_mday = 1
        return Int64(timegm(&parts))
    }
}

/// One row of a breakdown: a period, an author, an agent or a model.
public struct AuditGroup: Sendable, Hashable {
    public var key: String
    /// The last period of the trend when it has not ended yet (or the report stops inside it).
    public var partial = false
    /// Commits in the group (for an agent or model: the commits it assisted).
    public var commits = 0
    public var aiCommits = 0
    /// Commits that are not AI, by class: applied a review bot's suggestions; by a bot account.
    public var reviewBotCommits = 0, botCommits = 0
    /// Evidence of the group's AI commits.
    public var passed = 0, failed = 0, stale = 0, unevaluated = 0
    /// For a period: AI commits per agent, a commit with two agents counting half to each (sums to
    /// `aiCommits`). Empty for other groups (only the trend shows it; hashing agent names for every
    /// group of every commit cost more than the rest of the summary).
    public var agentShares: [String: Double] = [:]
    public var aiInsertions = 0, aiDeletions = 0, humanInsertions = 0, humanDeletions = 0

    public init(key: String) { self.key = key }

    /// The key as text reports show it: `2026-12 (partial)`.
    public var label: String { partial ? key + " (partial)" : key }

    /// AI commits among the group's commits (0 for an empty group).
    public var aiShare: Double { commits == 0 ? 0 : Double(aiCommits) / Double(commits) }
    /// AI commits of the group with passing evidence for their exact tree.
    public var evidenceCoverage: Double { aiCommits == 0 ? 0 : Double(passed) / Double(aiCommits) }

    mutating func add(agents: [String], commitClass: CommitClass, evidence: EvidenceStatus, insertions: Int, deletions: Int) {
        commits += 1
        if commitClass == .reviewBot { reviewBotCommits += 1 }
        if commitClass == .bot { botCommits += 1 }
        if !agents.isEmpty {
            aiCommits += 1
            switch evidence {
            case .passed: passed += 1
            case .failed: failed += 1
            case .stale: stale += 1
            case .none: unevaluated += 1
            }
            aiInsertions += insertions
            aiDeletions += deletions
        } else {
            humanInsertions += insertions
            humanDeletions += deletions
        }
    }
}

/// What the audit found, in one model every renderer reads.
public struct AuditReport: Sendable {
    /// The repository: its `origin` remote, normalised, or its folder's name (`RepositoryName`).
    public var repository: String
    /// What was audited, in words (`AuditScope`): `HEAD (main)`, `all branches and tags`.
    public var scope: String
    public var period: AuditPeriod
    /// The breakdowns to show (`--by`); all of them unless one was asked for.
    public var groupings: [AuditGrouping]
    public var lines: Bool
    public var commits: AuditedCommits
    public var totals: AuditGroup
    public var merges: Int
    /// Oldest and newest author time, nil without commits.
    public var firstTime: Int64?
    public var lastTime: Int64?
    /// Chronological, every period from the first to the last commit (empty ones included).
    public var byPeriod: [AuditGroup]
    /// People, most commits first; then every bot account together in one row, `AuditReport.botsKey`.
    public var byAuthor: [AuditGroup]
    /// Every class, in `CommitClass` order.
    public var byClass: [AuditGroup]
    /// Most assisted commits first.
    public var byAgent: [AuditGroup]
    /// Most assisted commits first; AI commits that name no model in the row `AuditReport.noModelKey`.
    public var byModel: [AuditGroup]
    /// Agents in a stable order (most commits first), for chart colours and columns.
    public var agentOrder: [String] { byAgent.map(\.key) }
    /// People (not bot accounts) with at least one AI commit.
    public var authorsUsingAI: Int { people.filter { $0.aiCommits > 0 }.count }
    /// The rows of `byAuthor` that are people.
    public var people: [AuditGroup] { byAuthor.filter { $0.key != AuditReport.botsKey } }

    /// The author row of every bot account, and the model row of AI commits that name no model.
    public static let botsKey = "(bots)", noModelKey = "(no model)"

    public init(commits: [AuditedCommit], repository: String = "", scope: String, period: AuditPeriod = .month,
                groupings: [AuditGrouping] = AuditGrouping.allCases, lines: Bool = false, summarise: Bool = true, asOf: Int64? = nil) {
        self.init(commits: AuditedCommits(commits), repository: repository, scope: scope, period: period, groupings: groupings,
                  lines: lines, summarise: summarise, asOf: asOf)
    }

    /// `summarise: false` keeps only the commits (for per-commit formats such as jsonl): no totals or breakdowns.
    /// `asOf` is when the report's window ends (now, or `--until`): a last period that ends after it is partial.
    public init(commits: AuditedCommits, repository: String = "", scope: String, period: AuditPeriod = .month,
                groupings: [AuditGrouping] = AuditGrouping.allCases, lines: Bool = false, summarise: Bool = true, asOf: Int64? = nil) {
        self.repository = repository
        self.scope = scope
        self.period = period
        self.groupings = groupings
        self.lines = lines
        self.commits = commits
        var totals = AuditGroup(key: "all")
        var merges = 0
        var periods: [Int64: AuditGroup] = [:]
        var first: Int64?, last: Int64?
        // Groups by slot: every identity of the table has its author's slot, every list its
        // agents' (or models') slots, so a commit costs no string building or hashing.
        var authorGroups: [AuditGroup] = [], authorSlots: [String: Int] = [:]
        let authorOfIdentity = commits.authors.indices.map { identity -> Int in
            let author = commits.authors[identity]
            let key = commits.bots[identity] ? AuditReport.botsKey : "\(author.name) <\(author.email)>"
            if let slot = authorSlots[key] { return slot }
            authorGroups.append(AuditGroup(key: key))
            authorSlots[key] = authorGroups.count - 1
            return authorGroups.count - 1
        }
        // One group per name that any list holds, as an agent and as a model.
        var names: [String] = [], nameSlots: [String: Int] = [:]
        let slotsOfList = commits.lists.map { list in
            list.map { name -> Int in
                if let slot = nameSlots[name] { return slot }
                names.append(name)
                nameSlots[name] = names.count - 1
                return names.count - 1
            }
        }
        var agentGroups = names.map { AuditGroup(key: $0) }, modelGroups = agentGroups
        // Commits per class, in `CommitClass` order: counts only (the class rows show no more).
        var ai = 0, reviewBot = 0, bot = 0
        var noModel = AuditGroup(key: AuditReport.noModelKey)
        var lastDay = Int64.min, lastStart: Int64 = 0
        if summarise {
            commits.table.withRecords { base in
                for row in commits.rows {
                    let record = base + Int(row) * CommitTable.recordSize
                    let flags = record.load(fromByteOffset: CommitTable.flagsOffset, as: UInt8.self)
                    let agentList = Int(record.u32(CommitTable.agentsOffset)), modelList = Int(record.u32(CommitTable.modelsOffset))
                    let agents = commits.lists[agentList]
                    let identity = Int(record.u32(CommitTable.identityOffset))
                    let commitClass: CommitClass = !agents.isEmpty ? .ai : commits.bots[identity] ? .bot
                        : record.u32(CommitTable.reviewBotsOffset) != 0 ? .reviewBot : .human
                    let evidence = EvidenceStatus.allCases[Int(record.load(fromByteOffset: CommitTable.evidenceOffset, as: UInt8.self))]
                    let counted = commits.lines && flags & 2 != 0
                    let insertions = counted ? Int(record.i32(CommitTable.insertionsOffset)) : 0
                    let deletions = counted ? Int(record.i32(CommitTable.deletionsOffset)) : 0
                    func add(_ group: inout AuditGroup) {
                        group.add(agents: agents, commitClass: commitClass, evidence: evidence, insertions: insertions, deletions: deletions)
                    }
                    add(&totals)
                    if flags & 1 != 0 { merges += 1 }
                    let time = record.i64(CommitTable.authorTimeOffset)
                    first = min(first ?? time, time)
                    last = max(last ?? time, time)
                    // A period starts at a midnight (UTC), so the day decides it.
                    let day = time >= 0 ? time / 86_400 : (time - 86_399) / 86_400
                    if day != lastDay {
                        lastDay = day
                        lastStart = period.start(of: time)
                    }
                    add(&periods[lastStart, default: AuditGroup(key: period.label(lastStart))])
                    if !agents.isEmpty {
                        let weight = 1 / Double(agents.count)
                        for agent in agents { periods[lastStart]!.agentShares[agent, default: 0] += weight }
                    }
                    add(&authorGroups[authorOfIdentity[identity]])
                    switch commitClass {
                    case .ai: ai += 1
                    case .reviewBot: reviewBot += 1
                    case .bot: bot += 1
                    case .human: break
                    }
                    for slot in slotsOfList[agentList] { add(&agentGroups[slot]) }
                    for slot in slotsOfList[modelList] { add(&modelGroups[slot]) }
                    if modelList == 0 && agentList != 0 { add(&noModel) }
                }
            }
        }
        self.totals = totals
        self.merges = merges
        self.firstTime = first
        self.lastTime = last
        var trend: [AuditGroup] = []
        if let first, let last {
            var start = period.start(of: first)
            let end = period.start(of: last)
            while start <= end {
                trend.append(periods[start] ?? AuditGroup(key: period.label(start)))
                start = period.next(after: start)
            }
            if period.next(after: end) > (asOf ?? Timestamp.now()) + 1 { trend[trend.count - 1].partial = true }
        }
        byPeriod = trend
        let ranked: (AuditGroup, AuditGroup) -> Bool = {
            $0.commits != $1.commits ? $0.commits > $1.commits : $0.key < $1.key
        }
        // Groups no reported commit reached are not shown.
        let (bots, people) = (authorGroups.filter { $0.key == AuditReport.botsKey }, authorGroups.filter { $0.key != AuditReport.botsKey })
        byAuthor = people.filter { $0.commits > 0 }.sorted(by: ranked) + bots.filter { $0.commits > 0 }
        byAgent = agentGroups.filter { $0.commits > 0 }.sorted(by: ranked)
        byModel = (modelGroups + [noModel]).filter { $0.commits > 0 }.sorted(by: ranked)
        byClass = zip(CommitClass.allCases, [ai, reviewBot, bot, totals.commits - ai - reviewBot - bot]).map { commitClass, count in
            var group = AuditGroup(key: commitClass.rawValue)
            group.commits = count
            return group
        }
    }

    public func groups(_ grouping: AuditGrouping) -> [AuditGroup] {
        switch grouping {
        case .period: return byPeriod
        case .author: return byAuthor
        case .agent: return byAgent
        case .model: return byModel
        case .commitClass: return byClass
        }
    }

    /// The rows a summary shows with at most `limit` per breakdown (nil: all), and how many it
    /// leaves out: the latest periods; the first agents, models and people, and the `(bots)` row
    /// after the people whatever their number.
    public func shown(_ grouping: AuditGrouping, limit: Int?) -> (rows: [AuditGroup], hidden: Int) {
        let groups = self.groups(grouping)
        guard let limit, groups.count > limit else { return (groups, 0) }
        switch grouping {
        case .period: return (Array(groups.suffix(limit)), groups.count - limit)
        case .author:
            let people = self.people
            guard people.count > limit else { return (groups, 0) }
            return (Array(people.prefix(limit)) + groups.filter { $0.key == AuditReport.botsKey }, people.count - limit)
        case .agent, .model, .commitClass: return (Array(groups.prefix(limit)), groups.count - limit)
        }
    }

    /// For agents and models: their share of all AI commits; for periods and authors: the AI share within the group.
    public func share(of group: AuditGroup, in grouping: AuditGrouping) -> Double {
        switch grouping {
        case .period, .author: return group.aiShare
        case .agent, .model: return totals.aiCommits == 0 ? 0 : Double(group.commits) / Double(totals.aiCommits)
        case .commitClass: return totals.commits == 0 ? 0 : Double(group.commits) / Double(totals.commits)
        }
    }
}
