import Git

/// Lines by origin: the cell of every code share table.
public struct LineCounts: Sendable, Hashable {
    public var lines = 0
    public var ai = 0
    public var byOrigin: [LineOrigin: Int] = [:]

    public init() {}

    public var human: Int { lines - ai }
    public var aiShare: Double { lines == 0 ? 0 : Double(ai) / Double(lines) }

    mutating func add(_ origin: LineOrigin, _ count: Int) {
        lines += count
        if origin.isAI { ai += count }
        byOrigin[origin, default: 0] += count
    }
}

/// One row of a breakdown: a directory or an author.
public struct ShareRow: Sendable, Hashable {
    public var key: String
    public var counts: LineCounts
}

/// Why a file is or is not in the share.
public enum CodeFileKind: String, Sendable, Hashable {
    /// Counted.
    case code
    /// `linguist-generated`: blamed (survival counts it) but left out of the share.
    case generated
    /// Binary by content or `-diff`: no lines.
    case binary
}

public struct FileShare: Sendable, Hashable {
    public var path: String
    public var kind: CodeFileKind
    public var counts: LineCounts
}

/// Of the lines a group of commits added, how many the revision still has.
public struct SurvivalRow: Sendable, Hashable {
    /// An agent id, or `human`.
    public var origin: String
    /// A period label (`2026-03`), or nil for all time.
    public var period: String?
    public var commits: Int
    /// Lines the commits inserted against their first parents.
    public var added: Int
    /// Lines of the revision's text files blamed to the commits.
    public var surviving: Int
    public var share: Double { added == 0 ? 0 : Double(surviving) / Double(added) }
}

/// The code share of one revision's tree: what every renderer of `aitrail audit --code` reads.
public struct CodeShareReport: Sendable {
    public var repository: String
    public var revision: String
    public var commit: ObjectID
    public var depth: Int
    public var overall = LineCounts()
    public var byDirectory: [ShareRow] = []
    public var byAuthor: [ShareRow] = []
    /// Every file of the tree (links left out), in path order.
    public var files: [FileShare] = []
    public var generatedFiles = 0
    public var generatedLines = 0
    public var binaryFiles = 0
    public var links = 0
    /// Lines whose origin came from a git-ai note rather than their commit's classification.
    public var linesFromNotes = 0
    /// Nil unless asked for (`--survival`).
    public var survival: [SurvivalRow]?
    public var period: AuditPeriod
    public var stats: CodeShareStats

    /// Origins by lines, most first (human where it falls).
    public var origins: [(LineOrigin, Int)] {
        overall.byOrigin.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    init(files blamed: [BlamedFile], links: Int, commit: ObjectID, revision: String, repository: String,
         depth: Int, attributions: CommitAttributions, notes: GitAINotes, survival: Bool, period: AuditPeriod, stats: CodeShareStats) {
        self.repository = repository
        self.revision = revision
        self.commit = commit
        self.depth = depth
        self.links = links
        self.period = period
        self.stats = stats
        var notes = notes
        var directories: [String: LineCounts] = [:], authors: [String: LineCounts] = [:]
        var surviving: [ObjectID: Int] = [:]
        var commitCache: [ObjectID: (LineOrigin, String)] = [:]
        for file in blamed.sorted(by: { $0.path < $1.path }) {
            if file.binary || file.noDiff {
                binaryFiles += 1
                files.append(FileShare(path: file.path, kind: .binary, counts: LineCounts()))
                continue
            }
            let isGenerated = file.generated
            var counts = LineCounts()
            var fileAuthors: [String: LineCounts] = [:]
            for range in file.ranges {
                surviving[range.commit, default: 0] += range.count
                let (origin, author): (LineOrigin, String)
                if let known = commitCache[range.commit] {
                    (origin, author) = known
                } else {
                    let audited = attributions[range.commit]
                    (origin, author) = (CommitAttributions.origin(of: audited), audited?.author.name ?? "(unknown)")
                    commitCache[range.commit] = (origin, author)
                }
                if !notes.isEmpty, let attested = notes.lines(of: range.commit) {
                    let ranges = attested[range.originalPath] ?? []
                    for line in range.originalStart..<(range.originalStart + range.count) {
                        let lineOrigin = ranges.first { $0.0.contains(line) }?.1 ?? .human
                        counts.add(lineOrigin, 1)
                        fileAuthors[author, default: LineCounts()].add(lineOrigin, 1)
                    }
                    if !isGenerated { linesFromNotes += range.count }
                } else {
                    counts.add(origin, range.count)
                    fileAuthors[author, default: LineCounts()].add(origin, range.count)
                }
            }
            files.append(FileShare(path: file.path, kind: isGenerated ? .generated : .code, counts: counts))
            if isGenerated {
                generatedFiles += 1
                generatedLines += counts.lines
                continue
            }
            overall.merge(counts)
            directories[CodeShareReport.directory(of: file.path, depth: depth), default: LineCounts()].merge(counts)
            for (author, cell) in fileAuthors { authors[author, default: LineCounts()].merge(cell) }
        }
        byDirectory = directories.map { ShareRow(key: $0.key, counts: $0.value) }.sorted { $0.key < $1.key }
        byAuthor = authors.map { ShareRow(key: $0.key, counts: $0.value) }
            .sorted { $0.counts.lines != $1.counts.lines ? $0.counts.lines > $1.counts.lines : $0.key < $1.key }
        if survival { self.survival = CodeShareReport.survival(attributions.all, surviving: surviving, period: period) }
    }

    /// `Sources/`, `Sources/Git/` (depth 2), or `(root)` for files at the top.
    static func directory(of path: String, depth: Int) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        guard !parts.isEmpty else { return "(root)" }
        return parts.prefix(depth).joined(separator: "/") + "/"
    }

    /// Per agent (a commit's first) and human, overall then per period of author time: the lines
    /// non-merge commits inserted against their first parent, and how many of them the tree still has.
    static func survival(_ commits: AuditedCommits, surviving: [ObjectID: Int], period: AuditPeriod) -> [SurvivalRow] {
        struct Key: Hashable { var origin: String; var period: Int64? }
        var rows: [Key: SurvivalRow] = [:]
        for commit in commits where !commit.isMerge {
            guard let added = commit.insertions else { continue }
            let origin = commit.agents.first ?? "human"
            let kept = surviving[commit.id] ?? 0
            let start = period.start(of: commit.authorTime)
            for key in [Key(origin: origin, period: nil), Key(origin: origin, period: start)] {
                var row = rows[key] ?? SurvivalRow(origin: origin, period: key.period.map(period.label), commits: 0, added: 0, surviving: 0)
                row.commits += 1
                row.added += added
                row.surviving += kept
                rows[key] = row
            }
        }
        return rows.sorted { a, b in
            let (x, y) = (a.key, b.key)
            if (x.period == nil) != (y.period == nil) { return x.period == nil }
            if x.period != y.period { return x.period! < y.period! }
            if (x.origin == "human") != (y.origin == "human") { return y.origin == "human" }
            return x.origin < y.origin
        }.map(\.value)
    }
}

extension LineCounts {
    mutating func merge(_ other: LineCounts) {
        lines += other.lines
        ai += other.ai
        for (origin, count) in other.byOrigin { byOrigin[origin, default: 0] += count }
    }
}
