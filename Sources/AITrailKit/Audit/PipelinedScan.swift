import Dispatch
import Git
import Synchronization

extension AuditScanner {
    /// Walks and classifies in one read of each commit, for a history without a commit-graph: the
    /// walk must read every commit anyway (parents are inside the object). With one job the walking
    /// thread classifies each commit as it reads it; with more, it hands each commit that needs
    /// classifying, bytes and layout, to the other workers while it goes on reading (on two cores
    /// reading and classifying overlap), then helps them finish.
    func walkAndClassify(tips: [ObjectID], cache: inout AuditCache, notes: NoteIndex) throws(AITrailError) -> ClassifiedWalk {
        let scan = try gitCall { () throws(GitError) in try CommitScan(repository, tips: tips, firstParent: options.walk.firstParent) }
        var walk = ClassifiedWalk(method: options.jobs > 1 ? "walk and classify overlapped" : "one read per commit")
        let classifier = self.classifier, reviewBots = self.reviewBots, lines = options.lines
        @Sendable func classify(_ commit: RawCommit, in repository: Repository) throws(GitError) -> Scanned {
            try commit.bytes.withUnsafeBufferPointer { (bytes) throws(GitError) in
                try AuditScanner.scanCommit(id: commit.id, bytes: bytes, layout: commit.layout, repository: repository,
                                            classifier: classifier, reviewBots: reviewBots, notes: notes, lines: lines)
            }
        }
        guard options.jobs > 1 else {
            for commit in scan where walk.order.place(commit.id, cached: cachedRecord(commit.id, in: &cache, notes: notes)) {
                walk.scanned.append(try gitCall { () throws(GitError) in try classify(commit, in: repository) })
            }
            if let error = scan.error { throw AITrailError.audit(error.message) }
            progress?(walk.order.rows.count, walk.order.rows.count)
            return walk
        }

        let queue = BatchQueue(consumers: options.jobs)
        let collector = ScannedCollector()
        let location = repository.location
        let work: @Sendable () -> Void = {
            do {
                // One repository per worker: libgit2 objects never cross threads.
                let own = try Repository(location)
                while let batch = queue.take() {
                    var done: [(Int, Scanned)] = []
                    done.reserveCapacity(batch.count)
                    for (index, commit) in batch { done.append((index, try classify(commit, in: own))) }
                    collector.add(done)
                }
            } catch {
                collector.fail((error as? GitError)?.message ?? "\(error)")
                queue.close()
            }
        }
        let group = DispatchGroup()
        for _ in 1..<options.jobs { DispatchQueue.global().async(group: group, execute: work) }
        var batch: [(Int, RawCommit)] = []
        let batchSize = 256
        var pending = 0
        for commit in scan where walk.order.place(commit.id, cached: cachedRecord(commit.id, in: &cache, notes: notes)) {
            batch.append((pending, commit))
            pending += 1
            if batch.count == batchSize {
                queue.put(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { queue.put(batch) }
        queue.close()
        work()  // the walk is done: this thread helps with what is left
        group.wait()
        if let error = scan.error { throw AITrailError.audit(error.message) }
        if let failure = collector.failure { throw AITrailError.audit(failure) }
        walk.scanned = collector.ordered()
        progress?(walk.order.rows.count, walk.order.rows.count)
        return walk
    }
}

/// Batches from the walker to the workers: the batches behind a `Mutex`, and a semaphore counting
/// what there is to take (one permit per batch, and one per consumer once the queue is closed).
private final class BatchQueue: Sendable {
    private struct State {
        var batches: [[(Int, RawCommit)]] = []
        var closed = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let consumers: Int

    init(consumers: Int) { self.consumers = consumers }

    func put(_ batch: [(Int, RawCommit)]) {
        state.withLock { $0.batches.append(batch) }
        available.signal()
    }

    /// Every consumer's next `take` past the last batch returns nil. Closing twice does nothing.
    func close() {
        let first = state.withLock { (state) -> Bool in
            defer { state.closed = true }
            return !state.closed
        }
        if first { for _ in 0..<consumers { available.signal() } }
    }

    /// The next batch, or nil once the queue is closed and empty.
    func take() -> [(Int, RawCommit)]? {
        available.wait()
        return state.withLock { $0.batches.isEmpty ? nil : $0.batches.removeFirst() }
    }
}

/// Results from the workers, put back in walk order at the end.
private final class ScannedCollector: Sendable {
    private struct State {
        var results: [(Int, AuditScanner.Scanned)] = []
        var failure: String?
    }

    private let state = Mutex(State())

    var failure: String? { state.withLock { $0.failure } }

    func add(_ items: [(Int, AuditScanner.Scanned)]) { state.withLock { $0.results += items } }

    func fail(_ message: String) { state.withLock { if $0.failure == nil { $0.failure = message } } }

    func ordered() -> [AuditScanner.Scanned] {
        state.withLock { state in state.results.sort { $0.0 < $1.0 } }
        return state.withLock { $0.results.map(\.1) }
    }
}
