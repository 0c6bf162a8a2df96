import CGit2

/// Every commit stored in a repository's packs, read by several threads at once, then walked.
///
/// Without a commit-graph a walk reads each commit before it knows the next one, so its reads cannot
/// be spread over threads. A pack's index lists its objects, though, and a pack's commits lie
/// together: `read(_:_:)` may be called from any number of threads at once, each commit once, and
/// records the commit's parents and committer time; a `HistoryWalk` over `.packed(self)` then orders
/// the commits, reading itself only what `read` did not (loose commits, commits stored as deltas,
/// entries that could not be read).
///
/// Every packed commit is read, reachable from the tips or not: this is for walks that reach most
/// of a repository's history (HEAD, `--all`), not for a short one.
///
/// `@unchecked Sendable`: the only state written after `init` is `headers`, one slot per commit,
/// written by the one `read` of that commit and read by the walk after every `read` has returned (the
/// caller's join orders them); the pack reader shares nothing mutable.
public final class PackedCommits: @unchecked Sendable {
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
    /// One slot per commit, written by `read` (each slot by one thread), read by the walk afterwards.
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
}

/// The packed commits as the walk's index: those `read` could not read have no time, so the walk
/// reads their objects.
extension PackedCommits: CommitIndex {
    func number(of id: ObjectID) -> Int? {
        guard let (pack, position) = reader.locate(id), numbers[pack][position] >= 0 else { return nil }
        return Int(numbers[pack][position])
    }

    func time(_ number: Int) -> Int64? { headers[number]?.time }

    func forEachParent(_ number: Int, _ body: (IndexedParent) throws(GitError) -> Bool) throws(GitError) {
        for parent in headers[number]!.parents {
            let more: Bool
            switch parent {
            case .packed(let parent): more = try body(.number(Int(parent)))
            case .other(let id): more = try body(.id(id))
            }
            if !more { return }
        }
    }
}
