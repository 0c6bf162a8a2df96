import CGit2
#if canImport(Glibc)
import Glibc
#endif

/// A commit as stored: its id, the raw object (headers, blank line, message) and where its fields
/// are in it, parsed once (`CommitLayout`).
public struct RawCommit: Sendable {
    public let id: ObjectID
    /// The whole commit object as stored.
    public let bytes: [UInt8]
    public let layout: CommitLayout

    /// Nil when git would call the object bogus (see `CommitLayout`).
    public init?(id: ObjectID, bytes: [UInt8]) {
        guard let layout = bytes.withUnsafeBufferPointer({ CommitLayout($0) }) else { return nil }
        self.id = id
        self.bytes = bytes
        self.layout = layout
    }

    /// Committer time, seconds since the epoch: what git orders and filters walks by (`CommitLayout.date`).
    public var committerTime: Int64 { layout.date }

    public var parents: [ObjectID] {
        bytes.withUnsafeBufferPointer { buffer in (0..<layout.parentCount).map { layout.parentID($0, in: buffer) } }
    }
}

extension Repository {
    /// A commit's raw object, read straight from the object database (no parsing beyond the headers).
    public func rawCommit(_ id: ObjectID) throws(GitError) -> RawCommit {
        try withObjectDatabase { (odb) throws(GitError) in try readRawCommit(odb, objectFiles, id) }
    }

    /// Runs `body` with the repository's object database handle.
    func withObjectDatabase<T>(_ body: (OpaquePointer) throws(GitError) -> T) throws(GitError) -> T {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer))
        defer { git_odb_free(odb) }
        return try body(odb!)
    }
}

/// Runs `body` over the bytes of commit `id` as stored, straight from the object database (libgit2's
/// commit parser and object cache are not involved). Throws when it is missing or not a commit.
func withCommitObject<T>(
    _ odb: OpaquePointer, _ files: ObjectFiles, _ id: ObjectID, _ body: (UnsafeBufferPointer<UInt8>) throws(GitError) -> T
) throws(GitError) -> T {
    if let (type, bytes) = try files.read(id) {
        guard type == 1 else { throw GitError("object \(id.hex) is not a commit") }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(GitError) -> T in try body(buffer) }
    }
    var object: OpaquePointer?
    var oid = id.raw
    let result = git_odb_read(&object, odb, &oid)
    if result == GIT_ENOTFOUND.rawValue { throw GitError("no commit \(id.hex) in this repository", code: result) }
    try check(result)
    defer { git_odb_object_free(object) }
    guard git_odb_object_type(object) == GIT_OBJECT_COMMIT else { throw GitError("object \(id.hex) is not a commit") }
    let size = Int(git_odb_object_size(object))
    guard size > 0, let data = git_odb_object_data(object) else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
    return try body(UnsafeRawBufferPointer(start: data, count: size).bindMemory(to: UInt8.self))
}

func readRawCommit(_ odb: OpaquePointer, _ files: ObjectFiles, _ id: ObjectID) throws(GitError) -> RawCommit {
    try withCommitObject(odb, files, id) { (buffer) throws(GitError) -> RawCommit in
        guard let commit = RawCommit(id: id, bytes: Array(buffer)) else { throw GitError("commit \(id.hex) cannot be parsed") }
        return commit
    }
}
