import CGit2

/// Every commit stored in a repository's packs, read by several threads at once, then walked.
///
/// Without a commit-graph a walk reads each commit before it knows the next one, so its reads cannot
/// be spread over threads. A pack's index lists its objects, though, and a pack's commits lie
/// together: `read(_:_:)` may be called from any number of threads at once, each commit once, and
/// records the commit's parents and committer time; `walk(_:tips:firstParent:)` then orders the
/// commits the way `CommitScan` does, reading itself only what `read` did not (loose commits, commits
/// stored as deltas, entries that could not be read).
///
/// Every packed commit is read, reachable from the tips or not: this is for walks that reach most
/// of a repository's history (HEAD, `--all`), not for a short one.
public final class PackedCommits: @unchecked Sendable {
    /// A walked commit: one of the packed ones by number, or one read by the walk itself.
    public enum Node {
        case packed(Int)
        case other(RawCommit)
    }

    private enum Parent {
        case packed(Int32)
        case other(ObjectID)
    }

    private struct Header {
        let time: Int64
        let parents: [Parent]
    }

    private let reader: PackReader
    private let locations: [PackReader.Location]
    /// Per pack: index position → commit number, or -1 for an object that is not a listed commit.
    private let numbers: [[Int32]]
    /// One slot per commit, written by `read` (each slot by one thread), read by `walk` afterwards.
    private let headers: UnsafeMutableBufferPointer<Header?>

    /// The number of packed commits: `read` takes 0..<count.
    public let count: Int

    /// Lists the packed commits of `repository`; nil when it has no packs.
    public init?(_ repository: Repository) {
        guard let reader = repository.packReader else { return nil }
        self.reader = reader
        locations = reader.commitLocations()
        count = locations.count
        var numbers: [[Int32]] = []
        for pack in 0..<reader.packCount {
            numbers.append([Int32](repeating: -1, count: reader.objectCount(pack: pack)))
        }
        for (number, location) in locations.enumerated() { numbers[location.pack][location.position] = Int32(number) }
        self.numbers = numbers
        headers = .allocate(capacity: count)
        headers.initialize(repeating: nil)
    }

    deinit {
        headers.deinitialize()
        headers.deallocate()
    }

    /// Commit `number`'s id.
    public func id(_ number: Int) -> ObjectID {
        reader.objectID(pack: locations[number].pack, position: locations[number].position)
    }

    /// Reads commit `number` and runs `body` over its id, bytes (the object as stored) and layout; nil, and
    /// `body` not run, when its entry cannot be read or is not a commit's (the walk then reads it
    /// through the object database, which reports what is wrong). Safe from several threads at once
    /// for different numbers.
    public func read<T, E: Error>(_ number: Int, _ body: (ObjectID, UnsafeBufferPointer<UInt8>, CommitLayout) throws(E) -> T) throws(E) -> T? {
        let id = self.id(number)
        guard let (type, bytes) = reader.object(at: locations[number]), type == 1,
              let commit = RawCommit(id: id, bytes: bytes) else { return nil }
        let parents = commit.parents.map { parent -> Parent in
            // A pack's commits are stored in walk order: the parent is most often the next one.
            if number + 1 < count, self.id(number + 1) == parent { return .packed(Int32(number + 1)) }
            if let (pack, position) = reader.locate(parent) {
                let number = numbers[pack][position]
                if number >= 0 { return .packed(number) }
            }
            return .other(parent)
        }
        headers[number] = Header(time: commit.committerTime, parents: parents)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(E) -> T in try body(id, buffer, commit.layout) }
    }

    /// Lets go of the pack pages that held commits `numbers`, once read (they are read once, in pack
    /// order): else the packs' commits, 24 MB for 100,000, would all count in the peak memory.
    public func release(_ numbers: Range<Int>) {
        guard let first = numbers.first, let last = numbers.last else { return }
        let start = locations[first], end = locations[last]
        if start.pack == end.pack { reader.release(pack: start.pack, offsets: start.offset..<end.offset) }
    }

    /// The commits reachable from `tips`, newest first by committer time (ties in the order they were
    /// reached), as `CommitScan` walks them. Call once every `read` has returned.
    public func walk(_ repository: Repository, tips: [ObjectID], firstParent: Bool = false) throws(GitError) -> [Node] {
        try repository.withObjectDatabase { (odb) throws(GitError) -> [Node] in
            let files = repository.objectFiles
            var queued = [Bool](repeating: false, count: count)
            var outside = Set<ObjectID>()
            var queue = TimeQueue<Node>()
            // A shallow clone's history is cut at these: their parents are not followed, as git does.
            let shallow = repository.shallowCommits()

            func enqueue(packed number: Int) throws(GitError) {
                guard !queued[number] else { return }
                queued[number] = true
                if let header = headers[number] {
                    queue.push(.packed(number), time: header.time)
                } else {
                    try enqueue(other: id(number))
                }
            }
            func enqueue(other id: ObjectID) throws(GitError) {
                guard outside.insert(id).inserted else { return }
                let commit = try readRawCommit(odb, files, id)
                queue.push(.other(commit), time: commit.committerTime)
            }
            func enqueue(_ id: ObjectID) throws(GitError) {
                if let (pack, position) = reader.locate(id), numbers[pack][position] >= 0 {
                    try enqueue(packed: Int(numbers[pack][position]))
                } else {
                    try enqueue(other: id)
                }
            }

            for tip in tips { try enqueue(tip) }
            var result: [Node] = []
            result.reserveCapacity(count)
            while let (_, node) = queue.pop() {
                switch node {
                case .packed(let number):
                    let parents = !shallow.isEmpty && shallow.contains(id(number)) ? [] : headers[number]!.parents
                    for parent in firstParent ? Array(parents.prefix(1)) : parents {
                        switch parent {
                        case .packed(let parent): try enqueue(packed: Int(parent))
                        case .other(let id): try enqueue(id)
                        }
                    }
                case .other(let commit):
                    let parents = shallow.contains(commit.id) ? [] : commit.parents
                    for parent in firstParent ? Array(parents.prefix(1)) : parents { try enqueue(parent) }
                }
                result.append(node)
            }
            return result
        }
    }
}
