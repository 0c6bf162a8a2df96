import CGit2
#if canImport(Glibc)
import Glibc
#endif

/// A commit read from a repository. Belongs to the thread of the repository it came from.
public final class Commit {
    let pointer: OpaquePointer
    public let id: ObjectID

    init(_ pointer: OpaquePointer, id: ObjectID) {
        self.pointer = pointer
        self.id = id
    }

    deinit { git_commit_free(pointer) }

    public var treeID: ObjectID { ObjectID(git_commit_tree_id(pointer)!.pointee) }

    public var parentCount: Int { Int(git_commit_parentcount(pointer)) }

    public var parentIDs: [ObjectID] {
        (0..<git_commit_parentcount(pointer)).map { ObjectID(git_commit_parent_id(pointer, $0)!.pointee) }
    }

    public var isMerge: Bool { parentCount > 1 }

    public var author: Signature { Signature(git_commit_author(pointer)!.pointee) }
    public var committer: Signature { Signature(git_commit_committer(pointer)!.pointee) }

    /// The full raw message bytes, exactly as stored (no encoding conversion).
    public var messageBytes: [UInt8] {
        guard let raw = git_commit_message_raw(pointer) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: strlen(raw)))
    }

    /// The full message with any leading blank lines removed, as `git log --format=%B` starts it.
    /// Bytes that are not UTF-8 become U+FFFD.
    public var message: String {
        guard let raw = git_commit_message(pointer) else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self)
    }

    /// The first paragraph joined into one line, as git's `%s`.
    public var summary: String {
        git_commit_summary(pointer).map { String(cString: $0) } ?? ""
    }

    /// The `encoding` header, or nil for UTF-8 (git's default).
    public var messageEncoding: String? {
        git_commit_message_encoding(pointer).map { String(cString: $0) }
    }

    /// Author with `.mailmap` applied.
    public func author(using mailmap: Mailmap) -> Signature { mailmap.resolve(author) }
    /// Committer with `.mailmap` applied.
    public func committer(using mailmap: Mailmap) -> Signature { mailmap.resolve(committer) }
}
