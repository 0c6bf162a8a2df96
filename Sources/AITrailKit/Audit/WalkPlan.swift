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

    /// Every commit the revisions reach, newest first by commit time. Plain tips go through git's
    /// commit-graph when there is one (no object read), else through one read of each commit whose
    /// bytes are kept for classification; exclusions go through libgit2's walk.
    func walk(_ repository: Repository) throws(GitError) -> WalkedCommits {
        guard let tips = cacheableTips else {
            if repository.isShallow { return WalkedCommits(ids: try shallowRange(repository), raw: nil, method: "shallow range walk") }
            return WalkedCommits(ids: try RevisionWalk(repository, resolved: revisions, options: options).ids(), raw: nil, method: "revision walk")
        }
        if tips.isEmpty { return WalkedCommits(ids: [], raw: nil, method: "nothing to walk") }
        if let ids = try GraphWalk.commits(repository, tips: tips, firstParent: options.firstParent) {
            return WalkedCommits(ids: ids, raw: nil, method: "commit-graph")
        }
        let scan = try CommitScan(repository, tips: tips, firstParent: options.firstParent)
        let raw = RawCommitStore()
        var ids: [ObjectID] = []
        for commit in scan {
            ids.append(commit.id)
            raw.append(commit)
        }
        if let error = scan.error { throw error }
        return WalkedCommits(ids: ids, raw: raw, method: "one read per commit")
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

/// A walk's commits in order, and their raw objects when the walk read them (slot = position in `ids`).
struct WalkedCommits {
    let ids: [ObjectID]
    let raw: RawCommitStore?
    /// How they were found, for `--verbose`.
    let method: String
}

/// Raw commit objects in one buffer, with their parsed layouts: no allocation per commit, shared
/// read-only by the workers.
final class RawCommitStore: @unchecked Sendable {
    // Written only by the walk, before any worker starts; read-only afterwards.
    private var bytes: [UInt8] = []
    private var offsets: [Int] = [0]
    private var layouts: [CommitLayout] = []

    func append(_ commit: RawCommit) {
        bytes.append(contentsOf: commit.bytes)
        offsets.append(bytes.count)
        layouts.append(commit.layout)
    }

    /// Runs `body` over the raw object and layout of the commit in `slot`.
    func withCommit<T, E: Error>(slot: Int, _ body: (UnsafeBufferPointer<UInt8>, CommitLayout) throws(E) -> T) throws(E) -> T {
        try bytes.withUnsafeBufferPointer { (buffer) throws(E) -> T in
            try body(UnsafeBufferPointer(rebasing: buffer[offsets[slot]..<offsets[slot + 1]]), layouts[slot])
        }
    }
}

/// A walk extended from a cached one: the commits reachable from the new tips but not the old ones,
/// followed by the old walk. Valid when every old tip is an ancestor of (or equal to) a new tip.
struct IncrementalWalk {
    let base: CachedWalk
    let newCommits: [ObjectID]
    let oldTips: Set<ObjectID>
    var isValid = true

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
