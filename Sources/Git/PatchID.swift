import CGit2

extension Repository {
    /// The patch id of a commit's change against its first parent (the empty tree for a root
    /// commit), as `git patch-id --stable` computes it: line numbers and whitespace do not count, so
    /// a commit and its rebased copy have the same id unless the rebase changed the patch itself.
    public func patchID(of commit: Commit) throws(GitError) -> ObjectID {
        let parentTree = try commit.parentIDs.first.map { (id) throws(GitError) -> ObjectID in try self.commit(id).treeID }
        let diff = try treeDiff(from: parentTree, to: commit.treeID)
        var options = git_diff_patchid_options()
        try check(git_diff_patchid_options_init(&options, UInt32(GIT_DIFF_PATCHID_OPTIONS_VERSION)))
        var id = git_oid()
        try check(git_diff_patchid(&id, diff.pointer, &options))
        return ObjectID(id)
    }
}
