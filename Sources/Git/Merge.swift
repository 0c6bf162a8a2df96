import CGit2

extension Repository {
    /// The tree git's merge of `ours` and `theirs` would give (`git merge-tree --write-tree`), or nil
    /// when the merge has conflicts a person must resolve.
    public func mergeResultTree(_ ours: ObjectID, _ theirs: ObjectID) throws(GitError) -> ObjectID? {
        let one = try commit(ours), two = try commit(theirs)
        var index: OpaquePointer?
        try check(git_merge_commits(&index, pointer, one.pointer, two.pointer, nil))
        defer { git_index_free(index) }
        if git_index_has_conflicts(index) != 0 { return nil }
        var oid = git_oid()
        try check(git_index_write_tree_to(&oid, index, pointer))
        return ObjectID(oid)
    }

    /// Writes the files of `commit`'s tree into `directory` (which must exist), without touching
    /// HEAD, the index or the work tree.
    public func export(_ commit: ObjectID, to directory: String) throws(GitError) {
        let source = try self.commit(commit)
        var tree: OpaquePointer?
        var treeOID = source.treeID.raw
        try check(git_object_lookup(&tree, pointer, &treeOID, GIT_OBJECT_TREE))
        defer { git_object_free(tree) }
        var options = git_checkout_options()
        try check(git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)))
        options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_DONT_UPDATE_INDEX.rawValue
        let result = directory.withCString { path in
            options.target_directory = path
            return git_checkout_tree(pointer, tree, &options)
        }
        try check(result)
    }
}
