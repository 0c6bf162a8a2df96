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

    /// The raw message bytes (leading blank lines removed).
    public var messageBytes: ArraySlice<UInt8> { bytes[layout.message] }
}

/// A history walk of plain tips (no `^A` or `A..B`) that reads every commit object once, straight
/// from the object database, and hands it out whole, newest first by committer time — the order
/// `git log` uses (`TimeOrderedWalk` without an index: for a repository without a commit-graph).
public final class CommitScan: Sequence, IteratorProtocol {
    private let odb: OpaquePointer
    private var walk: TimeOrderedWalk<NoCommitIndex>?
    /// The first error met reading an object; the walk stops there.
    public private(set) var error: GitError?

    public init(_ repository: Repository, tips: [ObjectID], firstParent: Bool = false, since: Int64? = nil, until: Int64? = nil) throws(GitError) {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repository.pointer))
        self.odb = odb!
        do {
            walk = try TimeOrderedWalk(index: NoCommitIndex(), odb: odb!, files: repository.objectFiles, tips: tips,
                                       firstParent: firstParent, since: since, until: until, shallow: repository.shallowCommits())
        } catch {
            git_odb_free(odb)
            throw error
        }
    }

    deinit { git_odb_free(odb) }

    public func next() -> RawCommit? {
        do {
            guard case .read(let commit)? = try walk?.next() else { return nil }
            return commit
        } catch {
            self.error = error
            walk = nil
            return nil
        }
    }
}

/// The commits reachable from plain tips, newest first by committer time, found through git's
/// commit-graph without reading objects (commits newer than the graph are read one by one).
/// Same order and `--since`/`--until` rules as `CommitScan`. Returns nil when the repository has no
/// usable commit-graph: then `CommitScan`, which reads each object once anyway, is the faster way.
public enum GraphWalk {
    /// True when walks of `repository` can use a commit-graph.
    public static func isAvailable(in repository: Repository) -> Bool {
        graph(of: repository) != nil
    }

    /// A line for the user when the repository has a commit-graph that git would use but that is
    /// not consistent (so walks read the objects instead); nil otherwise.
    public static func damageNotice(in repository: Repository) -> String? {
        let folder = repository.objectsDirectory + "/info"
        guard isUsable(repository), FileSystem.exists(folder + "/commit-graph") || FileSystem.exists(folder + "/commit-graphs/commit-graph-chain"),
              CommitGraph.open(objectsDirectory: repository.objectsDirectory, usable: true) == nil else { return nil }
        return "the commit-graph in \(folder) is damaged or inconsistent and was not used (the history was read from the objects); "
            + "fix: `git commit-graph write --reachable` (or delete it)"
    }

    public static func commits(
        _ repository: Repository, tips: [ObjectID], firstParent: Bool = false, since: Int64? = nil, until: Int64? = nil
    ) throws(GitError) -> [ObjectID]? {
        guard let graph = graph(of: repository) else { return nil }
        return try repository.withObjectDatabase { (odb) throws(GitError) -> [ObjectID] in
            var walk = try TimeOrderedWalk(index: graph, odb: odb, files: repository.objectFiles, tips: tips,
                                           firstParent: firstParent, since: since, until: until)
            var result: [ObjectID] = []
            while let commit = try walk.next() { result.append(commit.id(graph)) }
            return result
        }
    }

    /// git leaves the commit-graph alone in a shallow clone and with replace refs.
    private static func isUsable(_ repository: Repository) -> Bool {
        !repository.isShallow && (try? repository.referenceNames(under: "refs/replace/").isEmpty) ?? true
    }

    private static func graph(of repository: Repository) -> CommitGraph? {
        CommitGraph.open(objectsDirectory: repository.objectsDirectory, usable: isUsable(repository))
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
