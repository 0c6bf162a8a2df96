import CGit2

/// What to walk and how, in git rev-list's terms.
public struct WalkOptions: Sendable {
    public enum Order: Sendable {
        /// Newest first by commit time (git log's default order).
        case time
        /// Parents never before their children.
        case topological
        /// Whatever order libgit2 finds cheapest.
        case none
    }

    /// Revisions as git takes them (see `Revisions`): `HEAD`, `main`, `A..B`, `A...B`, `^A`. Empty means HEAD unless `all`.
    public var revisions: [String]
    /// Every reference (branches, tags, remotes, HEAD) except notes, as `git rev-list --exclude=refs/notes/* --all`.
    public var all: Bool
    public var firstParent: Bool
    public var order: Order
    public var reverse: Bool
    /// Keep commits whose committer time is at or after this (seconds since the epoch), like `--since`.
    public var since: Int64?
    /// Keep commits whose committer time is at or before this, like `--until`.
    public var until: Int64?

    public init(
        revisions: [String] = [], all: Bool = false, firstParent: Bool = false, order: Order = .time,
        reverse: Bool = false, since: Int64? = nil, until: Int64? = nil
    ) {
        self.revisions = revisions
        self.all = all
        self.firstParent = firstParent
        self.order = order
        self.reverse = reverse
        self.since = since
        self.until = until
    }
}

/// A revision walk as a Swift sequence of commit ids. Single pass; belongs to its repository's thread.
/// A sequence can only end, so when libgit2 cannot go on, iteration ends and `error` says why:
/// `ids()` gives the whole walk or throws, and is what callers use.
public final class RevisionWalk: Sequence, IteratorProtocol {
    let pointer: OpaquePointer
    private let repository: Repository
    private let since: Int64?
    private let until: Int64?
    private let filtersByTime: Bool

    /// Walks `options.revisions` (see `Revisions`), HEAD when there are none and not `all`.
    public convenience init(_ repository: Repository, options: WalkOptions = WalkOptions()) throws(GitError) {
        var resolved = try repository.resolve(Revisions(options.revisions), all: options.all)
        if options.revisions.isEmpty && !options.all { resolved.included.append(try repository.resolveCommit("HEAD")) }
        try self.init(repository, resolved: resolved, options: options)
    }

    /// Walks from `resolved.included`, leaving out what `resolved.excluded` reaches; `options`'
    /// revisions and `all` are not looked at.
    public init(_ repository: Repository, resolved: ResolvedRevisions, options: WalkOptions = WalkOptions()) throws(GitError) {
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, repository.pointer))
        self.pointer = walk!
        self.repository = repository
        self.since = options.since
        self.until = options.until
        self.filtersByTime = options.since != nil || options.until != nil

        var sorting: UInt32 = 0
        switch options.order {
        case .time: sorting |= GIT_SORT_TIME.rawValue
        case .topological: sorting |= GIT_SORT_TOPOLOGICAL.rawValue
        case .none: break
        }
        if options.reverse { sorting |= GIT_SORT_REVERSE.rawValue }
        try check(git_revwalk_sorting(pointer, sorting))
        if options.firstParent { try check(git_revwalk_simplify_first_parent(pointer)) }
        for id in resolved.included {
            var oid = id.raw
            try check(git_revwalk_push(pointer, &oid))
        }
        for id in resolved.excluded {
            var oid = id.raw
            try check(git_revwalk_hide(pointer, &oid))
        }
    }

    deinit { git_revwalk_free(pointer) }

    /// Why the walk ended early (a missing or damaged object, or the cut-off history of a shallow
    /// clone, which libgit2 1.5 does not know); nil while it goes on or when it ended normally.
    public private(set) var error: GitError?

    public func next() -> ObjectID? {
        var oid = git_oid()
        while true {
            let result = git_revwalk_next(&oid, pointer)
            if result == GIT_ITEROVER.rawValue { return nil }
            do { try check(result) } catch {
                self.error = error
                return nil
            }
            let id = ObjectID(oid)
            if filtersByTime, !isInTimeWindow(id) { continue }
            return id
        }
    }

    /// Every commit of the walk, in its order; throws when it ended early (see `error`).
    public func ids() throws(GitError) -> [ObjectID] {
        let ids = Array(self)
        if let error { throw error }
        return ids
    }

    private func isInTimeWindow(_ id: ObjectID) -> Bool {
        guard let commit = try? repository.commit(id) else { return false }
        let time = commit.committer.time
        if let since, time < since { return false }
        if let until, time > until { return false }
        return true
    }
}
