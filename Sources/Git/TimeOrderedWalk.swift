import CGit2

/// What a walk can know of commits without reading their objects: git's commit-graph, or the
/// packed commits read ahead on several threads (`PackedCommits`). Its commits are numbered
/// 0..<count; any other commit the walk meets is read from the object database.
protocol CommitIndex {
    var count: Int { get }
    /// Commit `id`'s number, nil when the index does not hold it.
    func number(of id: ObjectID) -> Int?
    func id(_ number: Int) -> ObjectID
    /// Commit `number`'s date (`CommitLayout.date`), nil when the index could not read it: the walk
    /// then reads its object.
    func time(_ number: Int) -> Int64?
    /// Runs `body` over the parents of commit `number` (one whose `time` is known), first parent
    /// first, until `body` returns false.
    func forEachParent(_ number: Int, _ body: (IndexedParent) throws(GitError) -> Bool) throws(GitError)
}

/// A parent as an index knows it: by number, or by id when the index does not hold it.
enum IndexedParent {
    case number(Int)
    case id(ObjectID)
}

/// No index: every commit is read from its object (a repository without a commit-graph, a walk too
/// short to read every packed commit first).
struct NoCommitIndex: CommitIndex {
    var count: Int { 0 }
    func number(of id: ObjectID) -> Int? { nil }
    func id(_ number: Int) -> ObjectID { preconditionFailure("no commit \(number) in an empty index") }
    func time(_ number: Int) -> Int64? { nil }
    func forEachParent(_ number: Int, _ body: (IndexedParent) throws(GitError) -> Bool) throws(GitError) {}
}

/// A commit a walk hands out: one its index holds, by number, or one it read from its object.
/// `read` is boxed (`indirect`): a walk keeps one of these per commit, and a `RawCommit` with its
/// layout is some 300 bytes, which unboxed would make every element that large (41 MiB more at
/// 100,000 packed commits, where nearly all are `indexed`).
public enum WalkedCommit: Sendable {
    case indexed(Int)
    indirect case read(RawCommit)

    /// The commit's id, given the index that numbered it.
    func id(_ index: some CommitIndex) -> ObjectID {
        switch self {
        case .indexed(let number): return index.id(number)
        case .read(let commit): return commit.id
        }
    }
}

/// The one time-ordered history walk over our own readers: newest committer date first, ties in the
/// order they were reached (git's `prio_queue`), each commit once. Its commits come from `index`
/// where it holds them, else from the object database (`readRawCommit`).
///
/// As git's walks: a shallow clone's cut commits (`shallow`) have their parents left out;
/// `firstParent` follows first parents only. (`--since`/`--until` are the audit's filters on its
/// rows: a walk that the cache can extend later must not stop early.)
struct TimeOrderedWalk<Index: CommitIndex> {
    private let index: Index
    private let odb: OpaquePointer
    private let files: ObjectFiles
    private let firstParent: Bool
    private let shallow: Set<ObjectID>
    private var queue = TimeQueue<WalkedCommit>()
    private var queued: [Bool]
    /// Commits queued that the index does not hold (or could not read), by id.
    private var read = Set<ObjectID>()

    /// `odb` must outlive the walk (the caller owns it).
    init(index: Index, odb: OpaquePointer, files: ObjectFiles, tips: [ObjectID], firstParent: Bool = false,
         shallow: Set<ObjectID> = []) throws(GitError) {
        self.index = index
        self.odb = odb
        self.files = files
        self.firstParent = firstParent
        self.shallow = shallow
        queued = [Bool](repeating: false, count: index.count)
        for tip in tips { try enqueue(tip) }
    }

    /// The next commit, nil at the end; throws when a commit it reaches cannot be read.
    mutating func next() throws(GitError) -> WalkedCommit? {
        while let (_, commit) = queue.pop() {
            let cut = !shallow.isEmpty && shallow.contains(commit.id(index))
            if !cut {
                switch commit {
                case .indexed(let number):
                    try index.forEachParent(number) { (parent) throws(GitError) -> Bool in
                        switch parent {
                        case .number(let parent): try enqueue(number: parent)
                        case .id(let id): try enqueue(id)
                        }
                        return !firstParent
                    }
                case .read(let raw):
                    let buffer = raw.bytes
                    let count = firstParent ? min(1, raw.layout.parentCount) : raw.layout.parentCount
                    for parent in 0..<count {
                        try enqueue(buffer.withUnsafeBufferPointer { raw.layout.parentID(parent, in: $0) })
                    }
                }
            }
            return commit
        }
        return nil
    }

    private mutating func enqueue(_ id: ObjectID) throws(GitError) {
        if let number = index.number(of: id) { return try enqueue(number: number) }
        try enqueue(read: id)
    }

    private mutating func enqueue(number: Int) throws(GitError) {
        guard !queued[number] else { return }
        queued[number] = true
        if let time = index.time(number) {
            queue.push(.indexed(number), time: time)
        } else {
            try enqueue(read: index.id(number))
        }
    }

    private mutating func enqueue(read id: ObjectID) throws(GitError) {
        guard read.insert(id).inserted else { return }
        let commit = try readRawCommit(odb, files, id)
        queue.push(.read(commit), time: commit.committerTime)
    }
}

/// The time-ordered walk from plain tips (no `^A` or `A..B`) over the source the caller chooses, as a
/// sequence: `git log`'s order without libgit2's walk (see `TimeOrderedWalk`). A sequence can only
/// end, so when a commit cannot be read the walk ends and `error` says why.
public final class HistoryWalk: Sequence, IteratorProtocol {
    /// Where the walk learns parents and dates, besides the commit objects it reads.
    public enum Source {
        /// The objects alone: every commit is read, and handed out whole (`.read`).
        case objects
        /// git's commit-graph where git would use one (no object read; commits newer than the graph
        /// are read), else the objects.
        case commitGraph
        /// The packed commits read ahead: start the walk once every `PackedCommits.read` has returned.
        case packed(PackedCommits)
    }

    private let odb: OpaquePointer
    private var step: (() throws(GitError) -> WalkedCommit?)?
    private let idOf: (Int) -> ObjectID
    /// True when the walk reads a commit-graph (asked for, and usable).
    public let usesCommitGraph: Bool
    /// The first error met reading an object; the walk stops there.
    public private(set) var error: GitError?

    public init(_ repository: Repository, tips: [ObjectID], source: Source = .objects, firstParent: Bool = false) throws(GitError) {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repository.pointer))
        self.odb = odb!
        func walk<Index: CommitIndex>(_ index: Index) throws(GitError) -> () throws(GitError) -> WalkedCommit? {
            var walk = try TimeOrderedWalk(index: index, odb: odb!, files: repository.objectFiles, tips: tips, firstParent: firstParent,
                                           shallow: repository.shallowCommits())
            return { () throws(GitError) in try walk.next() }
        }
        var graph: CommitGraph?
        if case .commitGraph = source { graph = repository.commitGraph }
        usesCommitGraph = graph != nil
        do throws(GitError) {
            if let graph {
                idOf = graph.id(at:)
                step = try walk(graph)
            } else if case .packed(let packed) = source {
                idOf = packed.id
                step = try walk(packed)
            } else {
                idOf = { preconditionFailure("no commit \($0) in an empty index") }
                step = try walk(NoCommitIndex())
            }
        } catch {
            git_odb_free(odb)
            throw error
        }
    }

    deinit { git_odb_free(odb) }

    public func next() -> WalkedCommit? {
        do {
            guard let commit = try step?() else { return nil }
            return commit
        } catch {
            self.error = error
            step = nil
            return nil
        }
    }

    /// The id of a commit this walk handed out.
    public func id(_ commit: WalkedCommit) -> ObjectID {
        switch commit {
        case .indexed(let number): return idOf(number)
        case .read(let commit): return commit.id
        }
    }

    /// The rest of the walk; throws when it ended early (see `error`).
    public func commits() throws(GitError) -> [WalkedCommit] {
        let commits = Array(self)
        if let error { throw error }
        return commits
    }

    /// The ids of the rest of the walk; throws when it ended early (see `error`).
    public func ids() throws(GitError) -> [ObjectID] { try commits().map(id) }
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
