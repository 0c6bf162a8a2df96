import CGit2

/// A repository's mailmap (`.mailmap` in the work tree or HEAD, `mailmap.file`, `mailmap.blob`), as git reads it.
public final class Mailmap: @unchecked Sendable {
    // Safe to share: git_mailmap_resolve only reads the map after it is built.
    let pointer: OpaquePointer?

    /// The mailmap git would use in `repository`; empty when there is none.
    public init(repository: Repository) throws(GitError) {
        var map: OpaquePointer?
        try check(git_mailmap_from_repository(&map, repository.pointer))
        self.pointer = map
    }

    /// A mailmap from the text of a `.mailmap` file.
    public init(text: String) throws(GitError) {
        var map: OpaquePointer?
        try check(git_mailmap_from_buffer(&map, text, text.utf8.count))
        self.pointer = map
    }

    deinit { git_mailmap_free(pointer) }

    public func resolve(_ signature: Signature) -> Signature {
        let (name, email) = resolve(name: signature.name, email: signature.email)
        var out = signature
        out.name = name
        out.email = email
        return out
    }

    public func resolve(name: String, email: String) -> (name: String, email: String) {
        // The results may point into the C strings passed in, so copy them before those go away.
        name.withCString { cName in
            email.withCString { cEmail in
                var realName: UnsafePointer<CChar>?
                var realEmail: UnsafePointer<CChar>?
                guard git_mailmap_resolve(&realName, &realEmail, pointer, cName, cEmail) == 0 else { return (name, email) }
                return (realName.map { String(cString: $0) } ?? name, realEmail.map { String(cString: $0) } ?? email)
            }
        }
    }
}
