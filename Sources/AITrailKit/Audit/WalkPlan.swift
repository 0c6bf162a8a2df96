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

    /// Every commit the revisions reach, newest first by commit time, for walks that read the
    /// commits afterwards: plain tips through git's commit-graph (no object read), exclusions through
    /// libgit2's walk. (Plain tips without a commit-graph are walked and classified in one read of
    /// each commit instead: `AuditScanner.walkAndClassify`.)
    func walk(_ repository: Repository) throws(GitError) -> WalkedCommits {
        guard let tips = cacheableTips else {
            if repository.isShallow { return WalkedCommits(ids: try shallowRange(repository), method: "shallow range walk") }
            return WalkedCommits(ids: try RevisionWalk(repository, resolved: revisions, options: options).ids(), method: "revision walk")
        }
        if tips.isEmpty { return WalkedCommits(ids: [], method: "nothing to walk") }
        if let ids = try GraphWalk.commits(repository, tips: tips, firstParent: options.firstParent) {
            return WalkedCommits(ids: ids, method: "commit-graph")
        }
        let scan = try CommitScan(repository, tips: tips, firstParent: options.firstParent)
        let ids = scan.map(\.id)
        if let error = scan.error { throw error }
        return WalkedCommits(ids: ids, method: "object walk")
    }
}

extension WalkPlan {
    /// A walk with exclusions in a shallow clone, where libgit2 1.5's walk fails at the cut: the
    /// commits the included revisions reach minus those the excluded ones reach, both walked with
    /// the cut respected (as git does), in the included walk's order.
    func shallowRange(_ repository: Repository) throws(GitError) -> [ObjectID] {
        var hidden = Set<ObjectID>()
        let negatives = try CommitScan(repository, tips: revisions.excluded)
        while let commit = negatives.next() { hidden.insert(commit.id) }
        if let error = negatives.error { throw error }
        let positives = try CommitScan(repository, tips: revisions.included, firstParent: options.firstParent)
        var ids: [ObjectID] = []
        while let commit = positives.next() {
            if !hidden.contains(commit.id) { ids.append(commit.id) }
        }
        if let error = positives.error { throw error }
        return ids
    }
}

/// A walk's commits in order.
struct WalkedCommits {
    let ids: [ObjectID]
    /// How they were found, for `--verbose`.
    let method: String
}

/// A commit's record in the audit cache: one that still holds, one to classify again, or none.
enum CachedRecord {
    case current(Int32)
    case stale(Int32)
    case none
}

/// The commits a walk reached, in walk order, as cache records: a commit without a current record
/// gets a slot, filled when its classification is stored. The one place that keeps this bookkeeping.
struct WalkOrder {
    /// Record indices in walk order; -1 in a slot still to fill.
    private(set) var rows: [Int32] = []
    /// The commits to classify, in the order they were placed.
    private(set) var pending: [ObjectID] = []
    private var slots: [Int] = []
    /// The stale record each pending commit replaces, or -1 for a new one.
    private var replacing: [Int32] = []

    mutating func reserve(_ count: Int) { rows.reserveCapacity(count) }

    /// Adds a commit; true when it is to be classified (it has no current record).
    @discardableResult
    mutating func place(_ id: ObjectID, cached: CachedRecord) -> Bool {
        if case .current(let index) = cached {
            rows.append(index)
            return false
        }
        slots.append(rows.count)
        if case .stale(let index) = cached { replacing.append(index) } else { replacing.append(-1) }
        pending.append(id)
        rows.append(-1)
        return true
    }

    /// Stores the classified commits, one per `pending` commit and in its order, and fills their slots.
    mutating func store(_ scanned: [AuditScanner.Scanned], in cache: inout AuditCache) {
        precondition(scanned.count == slots.count, "one classified commit per pending one")
        cache.table.reserve(scanned.count)
        for (position, commit) in scanned.enumerated() {
            rows[slots[position]] = cache.store(commit.record, replacing: replacing[position])
        }
        pending = []
        slots = []
        replacing = []
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
