import CGit2

/// Files changed, lines inserted and deleted between two trees, as `git diff --shortstat` counts them
/// (no rename detection, binary files count as changed files with no lines).
public struct DiffStats: Sendable, Hashable {
    public var files: Int
    public var insertions: Int
    public var deletions: Int

    public init(files: Int = 0, insertions: Int = 0, deletions: Int = 0) {
        self.files = files
        self.insertions = insertions
        self.deletions = deletions
    }
}

extension Repository {
    /// Stats between two trees; a nil `old` is the empty tree (a root commit).
    public func diffStats(from old: ObjectID?, to new: ObjectID) throws(GitError) -> DiffStats {
        let diff = try treeDiff(from: old, to: new)
        var stats: OpaquePointer?
        try check(git_diff_get_stats(&stats, diff.pointer))
        defer { git_diff_stats_free(stats) }
        return DiffStats(
            files: Int(git_diff_stats_files_changed(stats)),
            insertions: Int(git_diff_stats_insertions(stats)),
            deletions: Int(git_diff_stats_deletions(stats)))
    }

    /// Stats of a commit against its first parent (the empty tree for a root commit).
    public func diffStats(of commit: Commit) throws(GitError) -> DiffStats {
        let parentTree = try commit.parentIDs.first.map { (id) throws(GitError) -> ObjectID in try self.commit(id).treeID }
        return try diffStats(from: parentTree, to: commit.treeID)
    }

    /// The diff between two trees (nil: the empty tree), without rename detection.
    func treeDiff(from old: ObjectID?, to new: ObjectID) throws(GitError) -> Diff {
        let oldTree = try old.map { (id) throws(GitError) -> Tree in try tree(id) }
        let newTree = try tree(new)
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)))
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, pointer, oldTree?.pointer, newTree.pointer, &options))
        return Diff(diff!)
    }

    func tree(_ id: ObjectID) throws(GitError) -> Tree {
        var tree: OpaquePointer?
        var oid = id.raw
        try check(git_tree_lookup(&tree, pointer, &oid))
        return Tree(tree!)
    }
}

/// An owned diff handle.
final class Diff {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_diff_free(pointer) }
}

/// An owned tree handle.
final class Tree {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_tree_free(pointer) }
}
