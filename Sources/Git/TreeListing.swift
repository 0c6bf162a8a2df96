import CGit2

/// A file of a tree, as `git ls-tree -r` lists it.
public struct TreeFile: Sendable, Hashable {
    public var path: String
    public var blob: ObjectID
    /// A symbolic link (mode 120000): its blob is a target, not content.
    public var isLink: Bool
}

extension Repository {
    /// Every blob of `commit`'s tree, depth first in git's order (submodules left out), read in
    /// process: `git ls-tree -r` without a process.
    public func treeFiles(of commit: ObjectID) throws(GitError) -> [TreeFile] {
        let tree = try tree(self.commit(commit).treeID)
        let box = TreeFileBox()
        let payload = Unmanaged.passUnretained(box).toOpaque()
        try check(git_tree_walk(tree.pointer, GIT_TREEWALK_PRE, { root, entry, payload in
            guard let entry, let payload, git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return 0 }
            let box = Unmanaged<TreeFileBox>.fromOpaque(payload).takeUnretainedValue()
            let path = (root.map { String(cString: $0) } ?? "") + String(cString: git_tree_entry_name(entry))
            box.files.append(TreeFile(path: path, blob: ObjectID(git_tree_entry_id(entry)!.pointee),
                                      isLink: git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK))
            return 0
        }, payload))
        return box.files
    }
}

private final class TreeFileBox {
    var files: [TreeFile] = []
}
