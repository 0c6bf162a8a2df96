#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Git

extension AuditScanner {
    /// Walks and classifies at once, for a history without a commit-graph: the walk must read every
    /// commit anyway (parents are inside the object), so it hands each commit that needs classifying,
    /// bytes and all, to workers while it goes on reading. On two cores reading and classifying overlap.
    func walkAndClassify(tips: [ObjectID], cache: inout AuditCache, notes: NoteIndex) throws(AuditError) -> ClassifiedWalk {
        let scan = try gitCall { () throws(GitError) in try CommitScan(repository, tips: tips, firstParent: options.walk.firstParent) }
        let queue = BatchQueue()
        let collector = ScannedCollector()
        let workers = max(1, options.jobs - 1)
        let location = repository.location
        let classifier = self.classifier, reviewBots = self.reviewBots, lines = options.lines
        let work: @Sendable () -> Void = {
                do {
                    // One repository per worker: libgit2 objects never cross threads.
                    let own = try Repository(location)
                    while let batch = queue.take() {
                        var done: [(Int, Scanned)] = []
                        done.reserveCapacity(batch.count)
                        for item in batch {
                            let scanned = try item.commit.bytes.withUnsafeBufferPointer { (bytes) throws(GitError) in
                                try AuditScanner.scanCommit(id: item.commit.id, bytes: bytes, layout: item.commit.layout, repository: own, classifier: classifier, reviewBots: reviewBots, notes: notes, lines: lines)
                            }
                            done.append((item.index, scanned))
                        }
                        collector.add(done)
                    }
                } catch {
                    collector.fail((error as? GitError)?.message ?? "\(error)")
                    queue.close()
                }
        }
        let group = DispatchGroup()
        for _ in 0..<workers { DispatchQueue.global().async(group: group, execute: work) }

        var order: [Int32] = [], pendingSlots: [Int] = [], pendingRecords: [Int32] = []
        var batch: [PendingCommit] = []
        let batchSize = 256
        for commit in scan {
            let slot = order.count
            let cached = options.useCache ? cache.index(of: commit.id) : nil
            if let cached, isCurrent(cached, in: cache, notes: notes) {
                order.append(cached)
                continue
            }
            order.append(-1)
            batch.append(PendingCommit(index: pendingSlots.count, commit: commit))
            pendingSlots.append(slot)
            pendingRecords.append(cached ?? -1)
            if batch.count == batchSize {
                queue.put(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { queue.put(batch) }
        queue.close()
        work()  // the walk is done: this thread helps with what is left
        group.wait()
        if let error = scan.error { throw AuditError(error.message) }
        if let failure = collector.failure { throw AuditError(failure) }
        let scanned = collector.ordered(count: pendingSlots.count)
        progress?(order.count, order.count)
        return ClassifiedWalk(order: order, pendingSlots: pendingSlots, pendingRecords: pendingRecords, scanned: scanned)
    }
}

/// A walk whose commits are classified: `order` holds cache records in walk order, and -1 where a
/// commit of `scanned` is still to be stored (at `pendingSlots`, replacing `pendingRecords` or -1).
struct ClassifiedWalk {
    var order: [Int32]
    var pendingSlots: [Int]
    var pendingRecords: [Int32]
    var scanned: [AuditScanner.Scanned]
    /// Commits classified and already stored in the cache.
    var stored = 0
}

private struct PendingCommit: @unchecked Sendable {
    let index: Int
    let commit: RawCommit
}

/// Batches from the walker to the workers: a mutex and a condition variable.
private final class BatchQueue: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var ready = pthread_cond_t()
    private var batches: [[PendingCommit]] = []
    private var closed = false

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&ready, nil)
    }

    deinit {
        pthread_cond_destroy(&ready)
        pthread_mutex_destroy(&mutex)
    }

    func put(_ batch: [PendingCommit]) {
        pthread_mutex_lock(&mutex)
        batches.append(batch)
        pthread_cond_signal(&ready)
        pthread_mutex_unlock(&mutex)
    }

    func close() {
        pthread_mutex_lock(&mutex)
        closed = true
        pthread_cond_broadcast(&ready)
        pthread_mutex_unlock(&mutex)
    }

    /// The next batch, or nil once the queue is closed and empty.
    func take() -> [PendingCommit]? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while batches.isEmpty && !closed { pthread_cond_wait(&ready, &mutex) }
        return batches.isEmpty ? nil : batches.removeFirst()
    }
}

/// Results from the workers, put back in walk order at the end.
private final class ScannedCollector: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var results: [(Int, AuditScanner.Scanned)] = []
    private(set) var failure: String?

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    func add(_ items: [(Int, AuditScanner.Scanned)]) {
        pthread_mutex_lock(&mutex)
        results += items
        pthread_mutex_unlock(&mutex)
    }

    func fail(_ message: String) {
        pthread_mutex_lock(&mutex)
        if failure == nil { failure = message }
        pthread_mutex_unlock(&mutex)
    }

    func ordered(count: Int) -> [AuditScanner.Scanned] {
        results.sort { $0.0 < $1.0 }
        return results.map(\.1)
    }
}
