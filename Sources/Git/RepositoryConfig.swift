import CGit2

/// A repository's configuration as git sees it (system, global, local, worktree), for reading the
/// few keys aitrail needs and for writing the local keys `aitrail install` sets.
public final class RepositoryConfig {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_config_free(pointer) }

    /// The last value of `key`, or nil when unset.
    public func string(_ key: String) throws(GitError) -> String? { try configString(pointer, key) }

    /// A boolean as git reads one; nil when unset, or set to something that is not a boolean.
    public func bool(_ key: String) -> Bool? {
        var value: Int32 = 0
        return git_config_get_bool(&value, pointer, key) < 0 ? nil : value != 0
    }

    /// Every value of a multi-valued key, in order.
    public func strings(_ key: String) throws(GitError) -> [String] {
        var iterator: OpaquePointer?
        guard try checkFound(git_config_multivar_iterator_new(&iterator, pointer, key, nil)) else { return [] }
        return try drainConfigIterator(iterator).map(\.value)
    }

    /// Every `name = value` whose name matches `regex` (names as libgit2 reports them: `remote.origin.url`).
    public func entries(matching regex: String) throws(GitError) -> [(name: String, value: String)] {
        var iterator: OpaquePointer?
        try check(git_config_iterator_glob_new(&iterator, pointer, regex))
        return try drainConfigIterator(iterator)
    }

    /// Adds `value` to a multi-valued key in the repository's own config file.
    public func add(_ key: String, value: String) throws(GitError) {
        // A regular expression that matches nothing appends a new value instead of replacing one.
        try check(git_config_set_multivar(pointer, key, "^$a", value))
    }

    /// Removes the values of `key` equal to `value` from the repository's own config file.
    public func remove(_ key: String, value: String) throws(GitError) {
        let result = git_config_delete_multivar(pointer, key, "^" + Self.escapeRegex(value) + "$")
        if result == GIT_ENOTFOUND.rawValue { return }
        try check(result)
    }

    static func escapeRegex(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\^$.|?*+()[]{}".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}

extension Repository {
    /// The configuration git would use here; writes go to the repository's own config file.
    public func config() throws(GitError) -> RepositoryConfig {
        // Writes go to the highest-priority file, which for a repository's config is .git/config.
        var config: OpaquePointer?
        try check(git_repository_config(&config, pointer))
        return RepositoryConfig(config!)
    }

    /// The character that starts comment lines in commit messages (`core.commentChar`, default `#`).
    /// `auto` is treated as `#`, as git does when the message has no `#` line to avoid.
    public func commentCharacter() -> UInt8 {
        guard let config = try? config(), let value = try? config.string("core.commentChar"),
              let first = value.utf8.first, value != "auto" else { return UInt8(ascii: "#") }
        return first
    }
}
