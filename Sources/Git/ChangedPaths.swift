import CGit2

extension Repository {
    /// Paths that differ between two trees (both sides of a rename or deletion), sorted; a nil `old`
    /// is the empty tree. No rename detection, as `git diff --name-only` without `-M`.
    public func changedPaths(from old: ObjectID?, to new: ObjectID) throws(GitError) -> [String] {
        let diff = try treeDiff(from: old, to: new)
        var paths = Set<String>()
        for index in 0..<git_diff_num_deltas(diff.pointer) {
            guard let delta = git_diff_get_delta(diff.pointer, index)?.pointee else { continue }
            if let path = delta.old_file.path { paths.insert(String(cString: path)) }
            if let path = delta.new_file.path { paths.insert(String(cString: path)) }
        }
        return paths.sorted()
    }
}
