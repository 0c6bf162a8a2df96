import Git

/// The revisions to walk, resolved (`Revisions`). A walk of plain tips (HEAD, branches, `--all`)
/// can be cached and extended later; one with exclusions (`A..B`, `^A`, `A...B`) is walked in full
/// each time.
struct WalkPlan {
    let options: WalkOptions
    let revisions: ResolvedRevisions
    /// The resolved tips when the walk has no exclusions; nil otherwise.
    var cacheableTips: [ObjectID]? { revisions.excluded.isEmpty ? revisions.included : nil }
    /// Identifies walks whose cached results can extend each other.
    var key: String { options.firstParent ? "first-parent" : "all-parents" }

    init(repository: Repository, options: WalkOptions) throws(GitError) {
        var walk = options
        walk.since = nil
        walk.until = nil
        walk.order = .time
        walk.reverse = false
        // Walk exactly the resolved commits: a ref that moves during the run cannot make the walk and its key disagree.
        var revisions = try repository.resolve(Revisions(options.revisions), all: options.all)
        if options.revisions.isEmpty && !options.all, let head = try repository.head() { revisions.included.append(head) }
        self.revisions = revisions
        self.options = walk
    }

    /// Walks every commit the revisions reach, newest first by commit time, handing `body` each id and
    /// the commit itself when the walk had to read it; returns how it walked, for `--verbose`. Plain
    /// tips go through `HistoryWalk`, over the commit-graph where there is one, else reading every
    /// commit. Exclusions (`A..B`, `^A`) go through libgit2's walk, which stops where the excluded side
    /// is reached (`HistoryWalk` knows no exclusions, and a range is mostly short); in a shallow
    /// clone, where libgit2 1.5's walk fails at the cut, through `shallowRange`.
    func walk(_ repository: Repository, _ body: (ObjectID, RawCommit?) throws(AITrailError) -> Void) throws(AITrailError) -> String {
        guard let tips = cacheableTips else {
            let shallow = repository.isShallow
            let ids = try gitCall { () throws(GitError) in
                shallow ? try shallowRange(repository) : try RevisionWalk(repository, resolved: revisions, options: options).ids()
            }
            for id in ids { try body(id, nil) }
            return shallow ? "shallow range walk" : "revision walk"
        }
        if tips.isEmpty { return "nothing to walk" }
        let walk = try gitCall { () throws(GitError) in
            try HistoryWalk(repository, tips: tips, source: .commitGraph, firstParent: options.firstParent)
        }
        for commit in walk {
            if case .read(let read) = commit { try body(read.id, read) } else { try body(walk.id(commit), nil) }
        }
        if let error = walk.error { throw AITrailError.audit(error.message) }
        return walk.usesCommitGraph ? "commit-graph" : "object walk"
    }
}

extension WalkPlan {
    /// A walk with exclusions in a shallow clone, where libgit2 1.5's walk fails at the cut: the
    /// commits the included revisions reach minus those the excluded ones reach, both walked with
    /// the cut respected (as git does), in the included walk's order.
    func shallowRange(_ repository: Repository) throws(GitError) -> [ObjectID] {
        let hidden = Set(try HistoryWalk(repository, tips: revisions.excluded).ids())
        return try HistoryWalk(repository, tips: revisions.included, firstParent: options.firstParent).ids().filter { !hidden.contains($0) }
    }
}

/// A commit's record in the audit cache: one that still holds, one to classify again, or none.
enum CachedRecord {
    case current(Int32)
    case stale(Int32)
    case none
}

/// A commit to classify: by id, read by the worker, or as the walk read it.
enum PendingCommit: Sendable {
    case id(ObjectID)
    indirect case read(RawCommit)
}

/// The commits a walk reached, in walk order, as cache records: a commit without a current record
/// gets a slot, filled when its classification is stored. The one place that keeps this bookkeeping.
struct WalkOrder {
    /// Record indices in walk order; -1 in a slot still to fill.
    private(set) var rows: [Int32] = []
    /// The commits to classify, in the order they were placed.
    private(set) var pending: [PendingCommit] = []
    private var slots: [Int] = []
    /// The stale record each pending commit replaces, or -1 for a new one.
    private var replacing: [Int32] = []

    mutating func reserve(_ count: Int) { rows.reserveCapacity(count) }

    /// Adds a commit (with its object, when the walk read it): to classify unless it has a current record.
    mutating func place(_ id: ObjectID, read: RawCommit? = nil, cached: CachedRecord) {
        if case .current(let index) = cached { return rows.append(index) }
        slots.append(rows.count)
        if case .stale(let index) = cached { replacing.append(index) } else { replacing.append(-1) }
        pending.append(read.map { .read($0) } ?? .id(id))
        rows.append(-1)
    }

    /// Stores the classified commits, one per `pending` commit and in its order, and fills their slots.
    mutating func store(_ scanned: [AuditScanner.Scanned], in cache: inout AuditCache) {
        store(scanned, of: takeBatch(), in: &cache)
    }

    /// Commits taken out of `pending` to be classified elsewhere while the walk goes on, with the
    /// slots their records fill.
    struct Batch: Sendable {
        let commits: [PendingCommit]
        fileprivate let slots: [Int]
        fileprivate let replacing: [Int32]
    }

    /// The pending commits so far, as a batch; `pending` starts over.
    mutating func takeBatch() -> Batch {
        defer {
            pending = []
            slots = []
            replacing = []
        }
        return Batch(commits: pending, slots: slots, replacing: replacing)
    }

    /// Stores the classified commits of `batch`, one per commit and in its order, and fills their slots.
    mutating func store(_ scanned: [AuditScanner.Scanned], of batch: Batch, in cache: inout AuditCache) {
        precondition(scanned.count == batch.slots.count, "one classified commit per pending one")
        cache.table.reserve(scanned.count)
        for (position, commit) in scanned.enumerated() {
            rows[batch.slots[position]] = cache.store(commit.record, replacing: batch.replacing[position])
        }
    }
}

/// A walk whose commits are classified or taken from the cache: what each audit strategy returns.
struct ClassifiedWalk {
    var order = WalkOrder()
    /// The classified commits to store, one per `order.pending` commit.
    var scanned: [AuditScanner.Scanned] = []
    /// Commits classified and already stored in the cache.
    var stored = 0
    /// How the commits were walked and read, for `--verbose` (`AuditStats.method`).
    var method: String

    init(method: String) { self.method = method }

    /// Commits classified in this run.
    var classified: Int { stored + scanned.count }

    /// Each commit classified and not yet stored, with its first parent (for `IncrementalWalk.meetsOldTips`).
    var firstParents: [ObjectID: ObjectID?] {
        Dictionary(scanned.map { ($0.record.id, $0.firstParent) }, uniquingKeysWith: { a, _ in a })
    }

    /// Stores the classified commits in `cache`.
    mutating func store(in cache: inout AuditCache) {
        stored += scanned.count
        order.store(scanned, in: &cache)
        scanned = []
    }
}

/// A walk extended from a cached one: the commits reachable from the new tips but not the old ones,
/// followed by the old walk. Valid when every old tip is an ancestor of (or equal to) a new tip.
struct IncrementalWalk {
    let base: CachedWalk
    let newCommits: [ObjectID]
    let oldTips: Set<ObjectID>

    static func find(in cache: AuditCache, key: String, tips: [ObjectID], repository: Repository) throws(GitError) -> IncrementalWalk? {
        // A shallow clone's cut moves with each fetch, and libgit2 1.5's walks fail at it: walk it
        // whole (it is short), still reusing the cached records.
        if repository.isShallow { return nil }
        let newTips = Set(tips)
        for walk in cache.walks.prefix(2) where walk.key == key {
            let oldTips = Set(walk.tips)
            if oldTips == newTips { return IncrementalWalk(base: walk, newCommits: [], oldTips: oldTips) }
            let moved = newTips.subtracting(oldTips)
            var covered = true
            for old in oldTips where !newTips.contains(old) {
                var reached = false
                for tip in moved where try repository.isAncestor(old, of: tip) {
                    reached = true
                    break
                }
                if !reached {
                    covered = false
                    break
                }
            }
            guard covered, !oldTips.isEmpty || newTips.isEmpty else { continue }
            let fresh = try RevisionWalk(repository, resolved: ResolvedRevisions(included: tips, excluded: Array(oldTips)),
                                         options: WalkOptions(firstParent: key == "first-parent", order: .time)).ids()
            return IncrementalWalk(base: walk, newCommits: fresh, oldTips: oldTips)
        }
        return nil
    }

    /// With `--first-parent`, each new chain must end exactly at an old tip; otherwise the old walk
    /// holds commits the new first-parent walk would not reach.
    func meetsOldTips(firstParents: [ObjectID: ObjectID?]) -> Bool {
        let new = Set(newCommits)
        for id in newCommits {
            guard let parent = firstParents[id] else { return false }
            if let parent, !new.contains(parent), !oldTips.contains(parent) { return false }
        }
        return true
    }
}
