import Dispatch
import Git
import Synchronization

extension AuditScanner {
    /// True when reading every packed commit on all workers before walking beats walking first: a
    /// cold audit (no cached records) on several workers of a walk that reaches most of the history
    /// (HEAD or `--all`, all parents, no `--since` to stop it early) and more than a short one
    /// (a HEAD with a few commits beside a long history on other branches reads only those).
    func readsAllPacked(cache: AuditCache, tips: [ObjectID]) -> Bool {
        let walk = options.walk
        guard options.jobs > 1, cache.table.count == 0, walk.since == nil, !walk.firstParent,
              walk.revisions.isEmpty || walk.all else { return false }
        return reaches(AuditScanner.shortHistory, from: tips)
    }

    /// Below this many commits a walk is short: read as it goes, not by reading every packed commit.
    static let shortHistory = 1024

    /// Whether `tips` reach at least `count` commits (walks that many at most: ~4 ms for 1,024).
    private func reaches(_ count: Int, from tips: [ObjectID]) -> Bool {
        guard let scan = try? CommitScan(repository, tips: tips) else { return false }
        var walked = 0
        while walked < count, scan.next() != nil { walked += 1 }
        return walked == count
    }

    /// Reads and classifies every packed commit, spread over the workers in pack order, then walks
    /// the tips through them while another thread stores the records in `cache` (all of them: the
    /// walk has not said yet which it reaches); commits the packs did not give (loose ones, deltas)
    /// are read and classified by the walk, and left to the caller to store. Nil when the repository
    /// has no packs.
    func readPackedAndWalk(tips: [ObjectID], cache: inout AuditCache, notes: NoteIndex) throws(AITrailError) -> ClassifiedWalk? {
        guard let packed = PackedCommits(repository) else { return nil }
        let count = packed.count
        let results = SliceResults<Scanned?>(count: count, initial: nil)
        let jobs = options.jobs
        let failures = SliceResults<String?>(count: jobs, initial: nil)
        let location = repository.location
        let classifier = self.classifier, reviewBots = self.reviewBots, lines = options.lines, progress = self.progress
        let blockSize = 512
        let blocks = (count + blockSize - 1) / blockSize
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
            do {
                // One repository per worker: libgit2 objects never cross threads.
                let own = try Repository(location)
                var block = worker
                while block < blocks {
                    let numbers = (block * blockSize)..<min(count, (block + 1) * blockSize)
                    for number in numbers {
                        // Every packed commit is read here, reachable or not: one that cannot be
                        // classified is left for the walk, which scans it again only if it reaches
                        // it, and then fails with its error as git would (an unreachable one does not
                        // count, as for `--jobs 1`).
                        _ = try? packed.read(number) { (id, bytes, layout) throws(GitError) in
                            results[number] = try AuditScanner.scanCommit(
                                id: id, bytes: bytes, layout: layout, repository: own, classifier: classifier, reviewBots: reviewBots, notes: notes, lines: lines)
                        }
                    }
                    packed.release(numbers)
                    if worker == 0, let progress { progress(min(count, (block + 1) * blockSize), count) }
                    block += jobs
                }
            } catch {
                failures[worker] = (error as? GitError)?.message ?? "\(error)"
            }
        }
        if let message = failures.values.compactMap({ $0 }).first { throw AITrailError.audit(message) }

        // One task walks while the other stores the records; each writes its own result, read here
        // once both have finished.
        let walked = Mutex<Result<[WalkedCommit], AITrailError>>(.success([]))
        let stored = Mutex((cache: cache, records: [Int32](repeating: -1, count: count)))
        DispatchQueue.concurrentPerform(iterations: 2) { task in
            if task == 0 {
                // Its own repository: libgit2 objects never cross threads.
                let result = Result { () throws(AITrailError) in
                    try gitCall { () throws(GitError) in try packed.walk(try Repository(location), tips: tips) }
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
        let nodes = try walked.withLock { $0 }.get()
        let records = stored.withLock { stored in
            cache = stored.cache
            return stored.records
        }
        var result = ClassifiedWalk(method: "packs read in parallel")
        result.order.reserve(nodes.count)
        for node in nodes {
            let commit: RawCommit
            switch node {
            case .indexed(let number):
                if records[number] >= 0 {
                    result.order.place(packed.id(number), cached: .current(records[number]))
                    result.stored += 1
                    continue
                }
                commit = try gitCall { () throws(GitError) in try repository.rawCommit(packed.id(number)) }
            case .read(let other):
                commit = other
            }
            result.order.place(commit.id, cached: .none)
            result.scanned.append(try gitCall { () throws(GitError) in
                try commit.bytes.withUnsafeBufferPointer { (bytes) throws(GitError) in
                    try AuditScanner.scanCommit(id: commit.id, bytes: bytes, layout: commit.layout, repository: repository,
                                                classifier: classifier, reviewBots: reviewBots, notes: notes, lines: lines)
                }
            })
        }
        progress?(nodes.count, nodes.count)
        return result
    }
}
