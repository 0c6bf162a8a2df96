import Dispatch
import Git
import Synchronization

extension AuditScanner {
    /// True when reading every packed commit on all workers before walking beats walking first: a
    /// cold audit (no cached records) of a walk that reaches most of the history (HEAD or `--all`,
    /// all parents; `--since` filters the rows, not the walk) and more than a short one (a HEAD with
    /// a few commits beside a long history on other branches reads only those).
    func readsAllPacked(cache: AuditCache, tips: [ObjectID]) -> Bool {
        let walk = options.walk
        guard cache.table.count == 0, !walk.firstParent,
              walk.revisions.isEmpty || walk.all else { return false }
        return reaches(AuditScanner.shortHistory, from: tips)
    }

    /// Below this many commits a walk is short: read as it goes, not by reading every packed commit.
    static let shortHistory = 1024

    /// Whether `tips` reach at least `count` commits (walks that many at most: ~4 ms for 1,024).
    private func reaches(_ count: Int, from tips: [ObjectID]) -> Bool {
        guard let walk = try? HistoryWalk(repository, tips: tips) else { return false }
        return walk.prefix(count).reduce(0) { walked, _ in walked + 1 } == count
    }

    /// Reads and classifies every packed commit, spread over the workers in pack order, then walks
    /// the tips through them while another thread stores the records in `cache` (all of them: the
    /// walk has not said yet which it reaches). Commits the packs did not give (loose ones, deltas)
    /// are left pending, for the caller to classify and store. Nil when the repository has no packs.
    func readPackedAndWalk(tips: [ObjectID], cache: inout AuditCache, reader: CommitReader) throws(AITrailError) -> ClassifiedWalk? {
        guard let packed = PackedCommits(repository) else { return nil }
        let count = packed.count
        let results = SliceResults<Scanned?>(count: count, initial: nil)
        try onWorkers(count, blockSize: 512) { (numbers, repository) throws(GitError) in
            for number in numbers {
                // Every packed commit is read here, reachable or not: one that cannot be classified is
                // left for the walk, which reads it again only if it reaches it, and then fails with
                // its error as git would (an unreachable one does not count, as for `--jobs 1`).
                _ = try? packed.read(number) { (id, bytes, layout) throws(GitError) in
                    results[number] = try reader.scan(id: id, bytes: bytes, layout: layout, in: repository)
                }
            }
            packed.release(numbers)
        }

        // One task walks while the other stores the records (one after the other with one job); each
        // writes its own result, read here once both have finished.
        let location = repository.location
        let walked = Mutex<Result<[WalkedCommit], AITrailError>>(.success([]))
        let stored = Mutex((cache: cache, records: [Int32](repeating: -1, count: count)))
        let task: @Sendable (Int) -> Void = { task in
            if task == 0 {
                // Its own repository: libgit2 objects never cross threads.
                let result = Result { () throws(AITrailError) in
                    try gitCall { () throws(GitError) in
                        try HistoryWalk(try Repository(location), tips: tips, source: .packed(packed)).commits()
                    }
                }
                walked.withLock { $0 = result }
            } else {
                stored.withLock { stored in
                    stored.cache.table.reserve(count)
                    for number in 0..<count {
                        if let scanned = results[number] { stored.records[number] = stored.cache.store(scanned.record, replacing: -1) }
                    }
                }
            }
        }
        if options.jobs > 1 { DispatchQueue.concurrentPerform(iterations: 2, execute: task) } else { (0..<2).forEach(task) }
        let commits = try walked.withLock { $0 }.get()
        let records = stored.withLock { stored in
            cache = stored.cache
            return stored.records
        }
        var walk = ClassifiedWalk(method: "packs read first")
        walk.order.reserve(commits.count)
        for commit in commits {
            switch commit {
            case .indexed(let number) where records[number] >= 0:
                walk.order.place(packed.id(number), cached: .current(records[number]))
                walk.stored += 1
            case .indexed(let number):
                walk.order.place(packed.id(number), cached: .none)
            case .read(let read):
                walk.order.place(read.id, read: read, cached: .none)
            }
        }
        return walk
    }
}
