import CGit2

extension Repository {
    /// Paths that differ between two trees (both sides of a rename or deletion), sorted; a nil `old`
    /// is the empty tree. No rename detection, as `git diff --name-only` without `-M`.
    public func changedPaths(from old: ObjectID?, to new: ObjectID) throws(GitError) -> [String] {
        let oldTree = try old.map { (id) throws(GitError) -> Tree in try tree(id) }
        let newTree = try tree(new)
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)))
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, pointer, oldTree?.pointer, newTree.pointer, &options))
        defer { git_diff_free(diff) }
        var paths = Set<String>()
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            if let path = delta.old_file.path { paths.insert(String(cString: path)) }
            if let path = delta.new_file.path { paths.insert(String(cString: path)) }
        }
        return paths.sorted()
    }
}
