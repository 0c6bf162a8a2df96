import AITrailKit

/// A breakdown of the organisation report (`aitrail report --by`).
public enum OrgGrouping: String, Sendable, CaseIterable {
    case repo, team, agent, model, author, period

    var title: String {
        switch self {
        case .repo: return "By repository"
        case .team: return "By team"
        case .agent: return "By agent"
        case .model: return "By model"
        case .author: return "By author"
        case .period: return "By period"
        }
    }
}

/// The report over every repository in the store: one model every `OrgRenderer` reads. Totals,
/// agents, models, authors and the trend are the audit's own aggregation (`AuditReport`) over all
/// stored commits; repositories and teams are each an `AuditReport`'s totals over their commits.
public struct OrgReport: Sendable {
    public struct Section: Sendable {
        public var grouping: OrgGrouping
        public var rows: [AuditGroup]
        /// Per row: its share (of all AI commits for agents and models; the AI share within the row otherwise).
        public var shares: [Double]
    }

    public var repositories: Int
    public var since: Int64?
    public var period: AuditPeriod
    public var totals: AuditGroup
    public var firstTime: Int64?
    public var lastTime: Int64?
    public var sections: [Section]
    /// The organisation's trend, every period from the first commit to the last.
    public var trend: [AuditGroup]
    /// Each team's AI share per period of `trend` (same order, nil where the team had no commits).
    public var teamTrends: [(team: String, shares: [Double?])]
    public var teamsMapped: Bool
    /// Every team's totals (empty without a team map), most commits first.
    public var teamTotals: [AuditGroup]

    public init(commits: [StoredCommit], teams: TeamMap?, groupings: [OrgGrouping], period: AuditPeriod = .month,
                since: Int64? = nil, asOf: Int64? = nil) {
        self.since = since
        self.period = period
        self.teamsMapped = teams != nil
        // One table of every commit; repositories and teams are subsets of its rows.
        let table = AuditedCommits(commits.map(\.commit))
        let all = AuditReport(commits: table, repository: "", scope: "store", period: period,
                              groupings: AuditGrouping.allCases, asOf: asOf)
        totals = all.totals
        firstTime = all.firstTime
        lastTime = all.lastTime
        trend = all.byPeriod

        var byRepository: [String: [Int]] = [:]
        for (position, stored) in commits.enumerated() { byRepository[stored.repository, default: []].append(position) }
        repositories = byRepository.count
        let teamMap = teams ?? TeamMap(rules: [])
        var byTeam: [String: [Int]] = [:]
        if teams != nil || groupings.contains(.team) {
            for (repository, positions) in byRepository { byTeam[teamMap.team(of: repository), default: []] += positions }
        }

        func totalsByKey(_ groups: [String: [Int]]) -> [AuditGroup] {
            groups.map { key, positions in
                var group = AuditReport(commits: table.subset(positions), scope: key, period: period, groupings: [], asOf: asOf).totals
                group.key = key
                return group
            }.sorted { $0.commits != $1.commits ? $0.commits > $1.commits : $0.key < $1.key }
        }

        teamTotals = teams == nil ? [] : totalsByKey(byTeam)
        var sections: [Section] = []
        for grouping in groupings {
            let rows: [AuditGroup]
            switch grouping {
            case .repo: rows = totalsByKey(byRepository)
            case .team: rows = totalsByKey(byTeam)
            case .agent: rows = all.byAgent
            case .model: rows = all.byModel
            case .author: rows = all.byAuthor
            case .period: rows = all.byPeriod
            }
            let shares = rows.map { row -> Double in
                switch grouping {
                case .agent: return all.share(of: row, in: .agent)
                case .model: return all.share(of: row, in: .model)
                default: return row.aiShare
                }
            }
            sections.append(Section(grouping: grouping, rows: rows, shares: shares))
        }
        self.sections = sections

        // Each team's trend on the organisation's periods.
        var teamTrends: [(team: String, shares: [Double?])] = []
        if teams != nil {
            for (team, positions) in byTeam.sorted(by: { $0.key < $1.key }) {
                let own = AuditReport(commits: table.subset(positions), scope: team, period: period, groupings: [.period], asOf: asOf).byPeriod
                let byKey = Dictionary(own.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
                teamTrends.append((team, trend.map { period in byKey[period.key].flatMap { $0.commits > 0 ? $0.aiShare : nil } }))
            }
        }
        self.teamTrends = teamTrends
    }
}

/// Turns an organisation report into one output format. Adding a format means adding one renderer.
public protocol OrgRenderer: Sendable {
    func render(_ report: OrgReport) -> String
}

/// The formats of `aitrail report --format`: the audit's, but jsonl (the store's rows are that; query them).
public enum OrgFormat: String, Sendable, CaseIterable {
    case table, json, csv, markdown, html

    public var renderer: any OrgRenderer {
        switch self {
        case .table: return OrgTableRenderer()
        case .json: return OrgJSONRenderer()
        case .csv: return OrgCSVRenderer()
        case .markdown: return OrgMarkdownRenderer()
        case .html: return OrgHTMLRenderer()
        }
    }
}

/// Text helpers the organisation renderers share, beside the audit's (`AuditText`).
enum OrgText {
    static func span(_ report: OrgReport) -> String {
        guard let first = report.firstTime, let last = report.lastTime else { return "no commits" }
        return "\(AuditText.day(first)) – \(AuditText.day(last))"
    }

    static func ratio(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

    /// The headline: `12 repositories · 45,000 commits · 2024-01-03 – 2026-12-01`.
    static func headline(_ report: OrgReport) -> String {
        var text = "\(AuditText.count(report.repositories)) repositor\(report.repositories == 1 ? "y" : "ies") · \(AuditText.count(report.totals.commits)) commits · \(span(report))"
        if let since = report.since { text += " (since \(AuditText.day(since)))" }
        return text
    }

    /// Control characters written as escapes, so a stored name cannot drive a terminal.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) {
                out += "\\u{" + String(value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
