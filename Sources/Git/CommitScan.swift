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

/// A fast history walk for plain tips (no `^A` or `A..B`): every commit object is read once,
/// straight from the object database, and handed out whole, newest first by committer time —
/// the order `git log` uses. `--since` prunes like git's unlimited walks do (a commit older than
/// it is dropped and its parents are not followed through it); `--until` only filters.
public final class CommitScan: Sequence, IteratorProtocol {
    private let odb: OpaquePointer
    private let files: ObjectFiles
    private var queue = TimeQueue<RawCommit>()
    private var seen = Set<ObjectID>()
    private let firstParent: Bool
    private let since: Int64?
    private let until: Int64?
    /// Where a shallow clone's history is cut: their parents are not followed, as git does.
    private let shallow: Set<ObjectID>
    /// The first error met reading an object; the walk stops there.
    public private(set) var error: GitError?

    public init(_ repository: Repository, tips: [ObjectID], firstParent: Bool = false, since: Int64? = nil, until: Int64? = nil) throws(GitError) {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repository.pointer))
        self.odb = odb!
        self.files = repository.objectFiles
        self.firstParent = firstParent
        self.since = since
        self.until = until
        self.shallow = repository.shallowCommits()
        for tip in tips where seen.insert(tip).inserted {
            try enqueue(tip)
        }
    }

    deinit { git_odb_free(odb) }

    public func next() -> RawCommit? {
        while let (_, commit) = queue.pop() {
            if let since, commit.committerTime < since { continue }
            let parents = shallow.contains(commit.id) ? [] : firstParent ? Array(commit.parents.prefix(1)) : commit.parents
            for parent in parents where seen.insert(parent).inserted {
                do { try enqueue(parent) } catch {
                    self.error = error
                    return nil
                }
            }
            if let until, commit.committerTime > until { continue }
            return commit
        }
        return nil
    }

    private func enqueue(_ id: ObjectID) throws(GitError) {
        let commit = try read(id)
        queue.push(commit, time: commit.committerTime)
    }

    private func read(_ id: ObjectID) throws(GitError) -> RawCommit {
        try readRawCommit(odb, files, id)
    }
}

/// A max-heap on committer time; ties leave in the order they came (as git's prio_queue does).
/// The heap moves only plain keys; elements wait beside it, by arrival, until popped.
struct TimeQueue<Element> {
    private var heap: [(time: Int64, order: Int)] = []
    private var elements: [Element?] = []

    private func before(_ a: Int, _ b: Int) -> Bool {
        let x = heap[a], y = heap[b]
        return x.time != y.time ? x.time > y.time : x.order < y.order
    }

    mutating func push(_ element: Element, time: Int64) {
        heap.append((time, elements.count))
        elements.append(element)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(child, parent) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (time: Int64, element: Element)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < heap.count, before(left, best) { best = left }
            if right < heap.count, before(right, best) { best = right }
            if best == parent { break }
            heap.swapAt(parent, best)
            parent = best
        }
        defer { elements[top.order] = nil }
        return (top.time, elements[top.order]!)
    }
}

/// The commits reachable from plain tips, newest first by committer time, found through git's
/// commit-graph without reading objects (commits newer than the graph are read one by one).
/// Same order and `--since`/`--until` rules as `CommitScan`. Returns nil when the repository has no
/// usable commit-graph: then `CommitScan`, which reads each object once anyway, is the faster way.
public enum GraphWalk {
    /// True when walks of `repository` can use a commit-graph.
    public static func isAvailable(in repository: Repository) -> Bool {
        let usable = !repository.isShallow && (try? repository.referenceNames(under: "refs/replace/").isEmpty) ?? true
        return CommitGraph.open(objectsDirectory: repository.objectsDirectory, usable: usable) != nil
    }

    /// A line for the user when the repository has a commit-graph that git would use but that is
    /// not consistent (so walks read the objects instead); nil otherwise.
    public static func damageNotice(in repository: Repository) -> String? {
        let usable = !repository.isShallow && (try? repository.referenceNames(under: "refs/replace/").isEmpty) ?? true
        let folder = repository.objectsDirectory + "/info"
        guard usable, FileSystem.exists(folder + "/commit-graph") || FileSystem.exists(folder + "/commit-graphs/commit-graph-chain"),
              CommitGraph.open(objectsDirectory: repository.objectsDirectory, usable: true) == nil else { return nil }
        return "the commit-graph in \(folder) is damaged or inconsistent and was not used (the history was read from the objects); "
            + "fix: `git commit-graph write --reachable` (or delete it)"
    }

    public static func commits(
        _ repository: Repository, tips: [ObjectID], firstParent: Bool = false, since: Int64? = nil, until: Int64? = nil
    ) throws(GitError) -> [ObjectID]? {
        let usable = !repository.isShallow && (try? repository.referenceNames(under: "refs/replace/").isEmpty) ?? true
        guard let graph = CommitGraph.open(objectsDirectory: repository.objectsDirectory, usable: usable) else {
            return nil
        }
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repository.pointer))
        defer { git_odb_free(odb) }
        let files = repository.objectFiles

        // Commits in the graph are positions; the few outside it are read and kept by id.
        enum Node { case graph(Int), loose(RawCommit) }
        var inGraph = [Bool](repeating: false, count: graph.count)
        var outside = Set<ObjectID>()
        var queue = TimeQueue<Node>()

        func enqueue(_ id: ObjectID) throws(GitError) {
            if let position = graph.position(of: id) {
                guard !inGraph[position] else { return }
                inGraph[position] = true
                queue.push(.graph(position), time: graph.commit(at: position).time)
            } else {
                guard outside.insert(id).inserted else { return }
                let commit = try readRawCommit(odb!, files, id)
                queue.push(.loose(commit), time: commit.committerTime)
            }
        }

        for tip in tips { try enqueue(tip) }
        var result: [ObjectID] = []
        while let (time, node) = queue.pop() {
            if let since, time < since { continue }
            switch node {
            case .graph(let position):
                var parents = graph.commit(at: position).parents
                if firstParent { parents = Array(parents.prefix(1)) }
                for parent in parents where !inGraph[parent] {
                    inGraph[parent] = true
                    queue.push(.graph(parent), time: graph.commit(at: parent).time)
                }
                if until.map({ time <= $0 }) ?? true { result.append(graph.id(at: position)) }
            case .loose(let commit):
                for parent in firstParent ? Array(commit.parents.prefix(1)) : commit.parents { try enqueue(parent) }
                if until.map({ time <= $0 }) ?? true { result.append(commit.id) }
            }
        }
        return result
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
