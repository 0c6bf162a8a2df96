#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch
import Git

/// What to audit and how.
public struct AuditOptions: Sendable {
    /// Revisions, `--all`, `--first-parent`, `--since`, `--until` (the walk's order is always by time).
    public var walk: WalkOptions
    /// Count insertions and deletions per commit (a diff per commit: costlier).
    public var lines: Bool
    /// Worker threads reading and classifying commits, each with its own repository handle.
    public var jobs: Int
    /// Read and write `<git-common-dir>/aitrail/cache/audit`.
    public var useCache: Bool
    /// Leave out commits by bot accounts (`BotAccount`) that are not AI, and merge commits (`--no-bots`, `--no-merges`).
    public var noBots: Bool
    public var noMerges: Bool

    public init(walk: WalkOptions = WalkOptions(), lines: Bool = false, jobs: Int = AuditOptions.defaultJobs, useCache: Bool = true,
                noBots: Bool = false, noMerges: Bool = false) {
        self.walk = walk
        self.lines = lines
        self.jobs = max(1, jobs)
        self.useCache = useCache
        self.noBots = noBots
        self.noMerges = noMerges
    }

    public static var defaultJobs: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}

/// How a scan went: how many commits were walked and how many had to be read from objects.
public struct AuditStats: Sendable, Hashable {
    /// Commits reachable from the revisions (before `--since`/`--until`).
    public var walked = 0
    /// Commits read and classified in this run (the rest came from the cache).
    public var classified = 0
    /// `off` (`--no-cache`), `cold` (no usable cache), `warm`.
    public var cache = "off"
    /// The walk itself came from the cache (only new commits were walked).
    public var incrementalWalk = false
    /// How the commits were walked and read, for `--verbose`: `incrementally` (from the cache),
    /// `packs read first`, `commit-graph`, `object walk`, `revision walk`, `shallow range walk`.
    public var method = ""
}

/// The result of scanning a history.
public struct AuditScan: Sendable {
    public var commits: AuditedCommits
    public var stats: AuditStats
    /// The cache is written on another thread while the report is rendered.
    let cacheWrite: BackgroundThread?

    /// Returns once the cache is written (or failed to be): call before the process ends.
    public func waitForCache() { cacheWrite?.wait() }
}

/// Walks history and classifies every commit: the one place the audit reads a repository.
public struct AuditScanner {
    public static let notesRef = Ledger.ref
    public static let gitAINotesRef = "refs/notes/ai"

    let repository: Repository
    let classifier: Classifier
    let options: AuditOptions
    /// Called now and then with (commits done, commits to do), from a worker thread.
    let progress: (@Sendable (Int, Int) -> Void)?

    public init(repository: Repository, classifier: Classifier, options: AuditOptions,
                progress: (@Sendable (Int, Int) -> Void)? = nil) {
        self.repository = repository
        self.classifier = classifier
        self.options = options
        self.progress = progress
    }

    /// Identifies what the classifier would decide: the cache is valid only for the same fingerprint.
    var fingerprint: String {
        var text = "aitrail \(AITrailVersion.number); classifier \(AuditScanner.classifierRevision); verdict \(EvidenceVerdict.revision); "
        text += classifier.assistedByKeys.sorted().joined(separator: ",") + "; "
        text += classifier.registry.agents.map(\.fingerprintText).joined(separator: "\n")
        return "v\(AuditScanner.classifierRevision) " + hex(AuditCache.checksum(Array(text.utf8)))
    }

    /// Commits a walk that reads them hands to the workers at once (`walkAll`).
    static let walkBatch = 4096

    /// Commits an extended walk may classify before the cache is written back (see `scan`).
    static let writeBackThreshold = 256

    /// Bump when classification changes in a way the registry does not show.
    static let classifierRevision = 2

    public func scan() throws(AITrailError) -> AuditScan {
        var stats = AuditStats()
        let cachePath = AuditCache.path(commonDirectory: repository.commonDirectory)
        let fingerprint = options.useCache ? self.fingerprint : ""
        var cache = AuditCache()
        if options.useCache {
            let loaded = AuditCache.load(path: cachePath, fingerprint: fingerprint)
            cache = loaded ?? AuditCache()
            stats.cache = loaded == nil ? "cold" : "warm"
        }
        let notes = try gitCall { () throws(GitError) in try NoteIndex(repository: repository) }
        let reader = CommitReader(classifier: classifier, notes: notes, lines: options.lines)
        let plan = try gitCall { () throws(GitError) in try WalkPlan(repository: repository, options: options.walk) }
        let walked = try walk(plan, cache: &cache, reader: reader)
        stats.walked = walked.order.rows.count
        stats.classified = walked.classified
        stats.method = walked.method
        stats.incrementalWalk = walked.method == "incrementally"

        var order = walked.order.rows
        AuditScanner.sortCanonically(&order, table: cache.table)
        let cacheWrite = options.useCache ? writeBack(cache, plan: plan, order: order, stats: stats, path: cachePath, fingerprint: fingerprint) : nil
        return try report(order, table: cache.table, stats: stats, cacheWrite: cacheWrite)
    }

    /// The plan's commits, classified and stored in `cache`: the cached walk extended when it can be,
    /// else the whole walk.
    private func walk(_ plan: WalkPlan, cache: inout AuditCache, reader: CommitReader) throws(AITrailError) -> ClassifiedWalk {
        guard let tips = plan.cacheableTips, options.useCache,
              let incremental = try gitCall({ () throws(GitError) in
                  try IncrementalWalk.find(in: cache, key: plan.key, tips: tips, repository: repository)
              }) else {
            var walk = try walkAll(plan, cache: &cache, reader: reader)
            walk.store(in: &cache)
            return walk
        }
        var walk = try extend(incremental, cache: &cache, reader: reader)
        let firstParents = walk.firstParents
        walk.store(in: &cache)
        // With --first-parent, a new chain that does not run into the old one: walk it all.
        guard options.walk.firstParent, !incremental.meetsOldTips(firstParents: firstParents) else { return walk }
        let classified = walk.classified
        walk = try walkAll(plan, cache: &cache, reader: reader)
        walk.store(in: &cache)
        walk.stored += classified
        return walk
    }

    /// The cached walk extended by the commits new since (see `IncrementalWalk`).
    private func extend(_ incremental: IncrementalWalk, cache: inout AuditCache, reader: CommitReader) throws(AITrailError) -> ClassifiedWalk {
        var walk = ClassifiedWalk(method: "incrementally")
        walk.order.reserve(incremental.newCommits.count + incremental.base.commits.count)
        for id in incremental.newCommits { walk.order.place(id, cached: cachedRecord(id, in: &cache, notes: reader.notes)) }
        for index in incremental.base.commits {
            walk.order.place(cache.table.id(Int(index)), cached: isCurrent(index, in: cache, notes: reader.notes) ? .current(index) : .stale(index))
        }
        walk.scanned = try classify(walk.order.pending, reader: reader)
        return walk
    }

    /// Walks the plan in full, then classifies on the workers what the cache does not hold. A cold
    /// walk of most of the history reads and classifies every packed commit first, on all workers
    /// (`readPackedAndWalk`); any other walks first (`WalkPlan.walk`), and the classifier reuses the
    /// commits the walk had to read.
    private func walkAll(_ plan: WalkPlan, cache: inout AuditCache, reader: CommitReader) throws(AITrailError) -> ClassifiedWalk {
        var walk: ClassifiedWalk
        if let tips = plan.cacheableTips, readsAllPacked(cache: cache, tips: tips),
           let packed = try readPackedAndWalk(tips: tips, cache: &cache, reader: reader) {
            walk = packed
        } else {
            walk = ClassifiedWalk(method: "")
            // The commits the walk read wait in memory until classified, a batch at a time: each full
            // batch is classified on threads of its own while the walk reads the next one.
            var inFlight: ClassifyingBatch?
            let method: String
            do {
                method = try plan.walk(repository) { (id, read) throws(AITrailError) in
                    walk.order.place(id, read: read, cached: cachedRecord(id, in: &cache, notes: reader.notes))
                    guard walk.order.pending.count == AuditScanner.walkBatch else { return }
                    try inFlight?.finish(into: &walk, cache: &cache)
                    inFlight = ClassifyingBatch(walk.order.takeBatch(), reader: reader, scanner: self)
                }
            } catch {
                inFlight?.abandon()
                throw error
            }
            try inFlight?.finish(into: &walk, cache: &cache)
            walk.method = method
        }
        walk.scanned = try classify(walk.order.pending, reader: reader)
        return walk
    }

    /// Writes the cache back on another thread, beside the report, when this run changed it enough.
    private func writeBack(_ cache: AuditCache, plan: WalkPlan, order: [Int32], stats: AuditStats, path: String,
                           fingerprint: String) -> BackgroundThread? {
        var cache = cache
        var walkChanged = false
        if let tips = plan.cacheableTips {
            let known = cache.walks.first
            walkChanged = known?.key != plan.key || known?.tips != tips || known?.commits != order
            if walkChanged { cache.remember(CachedWalk(key: plan.key, tips: tips, commits: order)) }
        }
        // A walk extended from the cache by a few commits is not worth rewriting the whole file
        // for (6 MB for 100,000 commits): the next run extends the same cached walk again and
        // classifies those few again, in well under a millisecond. Written back once it has
        // fallen `writeBackThreshold` commits behind, like git's own housekeeping thresholds.
        let fallenBehind = !stats.incrementalWalk || stats.classified >= AuditScanner.writeBackThreshold
        guard (stats.classified > 0 || walkChanged) && fallenBehind || stats.cache == "cold" else { return nil }
        // Beside the report, on a second core. The records are not changed after this point, so
        // both only read them. A cache that cannot be written (a read-only clone) only costs speed.
        let written = cache
        return BackgroundThread { try? written.save(path: path, fingerprint: fingerprint) }
    }

    /// The report's rows: the commits of `order` the filters keep (`--since`, `--until`, `--no-merges`, `--no-bots`).
    private func report(_ order: [Int32], table: CommitTable, stats: AuditStats, cacheWrite: BackgroundThread?) throws(AITrailError) -> AuditScan {
        var order = order
        let mailmap = try gitCall { () throws(GitError) in try Mailmap(repository: repository) }
        // Per identity, not per commit: one person, one row (aider's ` (aider)` suffix, `.mailmap`).
        let authors = table.identities.map { identity in
            AuditScanner.person(name: table.strings[Int(identity.name)], email: table.strings[Int(identity.email)], mailmap: mailmap)
        }
        let bots = authors.map(BotAccount.isBot)
        let since = options.walk.since, until = options.walk.until, noMerges = options.noMerges, noBots = options.noBots
        if since != nil || until != nil || noMerges || noBots {
            table.withRecords { records in
                order.removeAll { row in
                    let record = records[row]
                    if let since, record.commitTime < since { return true }
                    if let until, record.commitTime > until { return true }
                    if noMerges, record.isMerge { return true }
                    // The `bot` class: an agent's own account (`claude[bot]`) committing AI work stays.
                    return noBots && bots[record.identity] && record.agentList == 0
                }
            }
        }
        return AuditScan(commits: AuditedCommits(table: table, rows: order, authors: authors, bots: bots, lines: options.lines),
                         stats: stats, cacheWrite: cacheWrite)
    }

    /// Newest first by committer time, then by author time, then by id: one order for a set of
    /// commits however it was walked (fresh, or extended from the cache), so outputs are comparable.
    static func sortCanonically(_ order: inout [Int32], table: CommitTable) {
        table.withRecords { records in
            func precedes(_ a: Int32, _ b: Int32) -> Bool { CommitRecord.precedes(records[a], records[b]) }
            var sorted = true
            for index in order.indices.dropFirst() where !precedes(order[index - 1], order[index]) {
                sorted = false
                break
            }
            if !sorted { order.sort(by: precedes) }
        }
    }

    /// `id`'s record in the cache, and whether it still holds (nothing with `--no-cache`).
    func cachedRecord(_ id: ObjectID, in cache: inout AuditCache, notes: NoteIndex) -> CachedRecord {
        guard options.useCache, let index = cache.index(of: id) else { return .none }
        return isCurrent(index, in: cache, notes: notes) ? .current(index) : .stale(index)
    }

    /// A cached record still holds when it was read from the same notes and has what this run needs.
    func isCurrent(_ index: Int32, in cache: AuditCache, notes: NoteIndex) -> Bool {
        if options.lines && !cache.table.record(Int(index), \.hasLineCounts) { return false }
        let blobs = cache.notes.isEmpty ? nil : cache.notes[index]
        if notes.isEmpty { return blobs == nil }
        let id = cache.table.id(Int(index))
        return blobs == notes.blobs[id]
    }

    // MARK: Classification, in parallel

    struct Scanned: Sendable {
        var record: CachedCommit
        var firstParent: ObjectID?
    }

    /// Classifies `commits` on the workers, reading those the walk did not.
    private func classify(_ commits: [PendingCommit], reader: CommitReader) throws(AITrailError) -> [Scanned] {
        try AuditScanner.classify(commits, reader: reader, workers: Workers(self))
    }

    static func classify(_ commits: [PendingCommit], reader: CommitReader, workers: Workers) throws(AITrailError) -> [Scanned] {
        let results = SliceResults<Scanned?>(count: commits.count, initial: nil)
        try workers.run(commits.count, blockSize: 256) { (range, repository) throws(GitError) in
            for position in range { results[position] = try reader.scan(commits[position], in: repository) }
        }
        return results.values.map { $0! }
    }

    /// Runs `body` over `0..<count` in blocks of `blockSize`, spread over up to `options.jobs`
    /// workers (one per 64 items at most), each with its own repository: libgit2 objects never cross
    /// threads. Reports progress from the first worker; throws the first worker's error.
    func onWorkers(_ count: Int, blockSize: Int, _ body: @Sendable (Range<Int>, Repository) throws(GitError) -> Void) throws(AITrailError) {
        try Workers(self).run(count, blockSize: blockSize, body)
    }
}

/// The audit's worker threads: up to `jobs`, each with its own repository. `shared`, when given, is
/// the repository a single worker uses on the calling thread; without it every worker opens one.
struct Workers: @unchecked Sendable {
    let jobs: Int
    let location: Repository.Location
    let shared: Repository?
    let progress: (@Sendable (Int, Int) -> Void)?

    init(_ scanner: AuditScanner, sharing: Bool = true) {
        jobs = scanner.options.jobs
        location = scanner.repository.location
        shared = sharing ? scanner.repository : nil
        progress = scanner.progress
    }

    func run(_ count: Int, blockSize: Int, _ body: @Sendable (Range<Int>, Repository) throws(GitError) -> Void) throws(AITrailError) {
        if count == 0 { return }
        let jobs = min(self.jobs, max(1, count / 64))
        let blocks = (count + blockSize - 1) / blockSize
        let progress = self.progress
        @Sendable func work(_ worker: Int, _ repository: Repository) throws(GitError) {
            for block in stride(from: worker, to: blocks, by: jobs) {
                let range = (block * blockSize)..<min(count, (block + 1) * blockSize)
                try body(range, repository)
                if worker == 0, let progress { progress(min(count, range.upperBound * jobs), count) }
            }
        }
        if jobs == 1, let shared {
            do { try work(0, shared) } catch { throw AITrailError.audit(error.message) }
            return
        }
        let failures = SliceResults<String?>(count: jobs, initial: nil)
        let location = self.location
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
            do {
                try work(worker, try Repository(location))
            } catch {
                failures[worker] = (error as? GitError)?.message ?? "\(error)"
            }
        }
        if let message = failures.values.compactMap({ $0 }).first { throw AITrailError.audit(message) }
    }
}

extension AuditScanner {
    /// The person an author is in reports: the name without aider's ` (aider)` suffix (aider marks
    /// the changes it wrote so; the person is the same), then `.mailmap`.
    static func person(name: String, email: String, mailmap: Mailmap) -> Identity {
        let suffix = " (aider)"
        let name = name.hasSuffix(suffix) ? String(name.dropLast(suffix.count)) : name
        let mapped = mailmap.resolve(name: name, email: email)
        return Identity(name: mapped.name, email: mapped.email)
    }
}

/// Classifies one commit for the audit, the same on every worker: its message and identities, what
/// its notes add and, if asked, its line counts.
struct CommitReader: Sendable {
    let classifier: Classifier
    /// The registry's AI review bots, whose findings in notes are marked as such.
    let reviewBots: Set<String>
    let notes: NoteIndex
    let lines: Bool

    init(classifier: Classifier, notes: NoteIndex, lines: Bool) {
        self.classifier = classifier
        reviewBots = Set(classifier.registry.agents.filter { $0.kind == .reviewBot }.map(\.id))
        self.notes = notes
        self.lines = lines
    }

    /// Classifies a commit the walk read, or reads it first.
    func scan(_ commit: PendingCommit, in repository: Repository) throws(GitError) -> AuditScanner.Scanned {
        switch commit {
        case .id(let id):
            return try repository.withCommitBytes(id) { (bytes) throws(GitError) in try scan(id: id, bytes: bytes, in: repository) }
        case .read(let raw):
            return try raw.bytes.withUnsafeBufferPointer { (bytes) throws(GitError) in
                try scan(id: raw.id, bytes: bytes, layout: raw.layout, in: repository)
            }
        }
    }

    /// Classifies a commit from its raw object and its `layout` (parsed here when the walk did not):
    /// the message and identities are classified as bytes, so a commit without findings costs strings
    /// for its author only. A commit with an `encoding` header other than UTF-8 is first converted,
    /// as `git log` shows it.
    func scan(id: ObjectID, bytes: UnsafeBufferPointer<UInt8>, layout parsed: CommitLayout? = nil,
              in repository: Repository) throws(GitError) -> AuditScanner.Scanned {
        guard let layout = parsed ?? CommitLayout(bytes) else { throw GitError.malformedCommit(id) }
        if let encoding = layout.encoding, !TextEncoding.isUTF8(UnsafeBufferPointer(rebasing: bytes[encoding])),
           let converted = TextEncoding.utf8(bytes, from: String(decoding: UnsafeBufferPointer(rebasing: bytes[encoding]), as: UTF8.self)) {
            return try converted.withUnsafeBufferPointer { (utf8) throws(GitError) -> AuditScanner.Scanned in
                guard let commit = CommitLayout(utf8) else { throw GitError.malformedCommit(id) }
                return try scan(id: id, commit: commit, bytes: utf8, in: repository)
            }
        }
        return try scan(id: id, commit: layout, bytes: bytes, in: repository)
    }

    /// A classified commit's record, with what its notes add and, if asked, its line counts.
    private func scan(id: ObjectID, commit: CommitLayout, bytes: UnsafeBufferPointer<UInt8>,
                      in repository: Repository) throws(GitError) -> AuditScanner.Scanned {
        guard let authorLine = commit.author, let committerLine = commit.committer else { throw GitError.malformedCommit(id) }
        func identity(_ signature: SignatureLayout) -> RawIdentity {
            RawIdentity(name: UnsafeBufferPointer(rebasing: bytes[signature.name]), email: UnsafeBufferPointer(rebasing: bytes[signature.email]))
        }
        let rawAuthor = identity(authorLine)
        var attributions = classifier.classify(
            message: UnsafeBufferPointer(rebasing: bytes[commit.message]), author: rawAuthor, committer: identity(committerLine)).attributions
        let author = Identity(rawAuthor), tree = commit.treeID, firstParent = commit.firstParentID
        var evidence = EvidenceStatus.none
        let noted = notes.blobs[id]
        let aitrailNote = noted?.aitrail, aiNote = noted?.ai
        if aitrailNote != nil || aiNote != nil {
            var findings = NoteFindings()
            if let aitrailNote {
                findings.addAITrailNote(try repository.noteText(blob: aitrailNote), tree: tree.hex, registry: classifier.registry, now: Timestamp.now())
            }
            if let aiNote {
                findings.addGitAINote(try repository.noteText(blob: aiNote), registry: classifier.registry)
            }
            // A note naming an agent the registry calls a review bot names one (the classifier decides for
            // the message and identities: a review bot that committed the change itself is an agent there).
            var noted = findings.attributions
            if !reviewBots.isEmpty {
                for index in noted.indices where reviewBots.contains(noted[index].agent) { noted[index].isReviewBot = true }
            }
            attributions += noted
            evidence = findings.evidence
        }
        var insertions = -1, deletions = -1
        if lines {
            let parentTree = try firstParent.map { (parent) throws(GitError) -> ObjectID in try repository.commitFields(parent).treeID }
            let stats = try repository.diffStats(from: parentTree, to: tree)
            insertions = stats.insertions
            deletions = stats.deletions
        }
        // Most commits have no findings: their lists stay empty without filtering an empty array four times.
        let found = attributions.isEmpty ? nil : Classification(attributions)
        return AuditScanner.Scanned(
            record: CachedCommit(
                id: id, commitTime: committerLine.time, authorTime: authorLine.time, authorName: author.name, authorEmail: author.email,
                isMerge: commit.isMerge, agents: found?.agents ?? [], models: found?.models ?? [], reviewBots: found?.reviewBots ?? [],
                sources: found?.sources ?? [], evidence: evidence, insertions: insertions, deletions: deletions,
                aitrailNote: aitrailNote, aiNote: aiNote),
            firstParent: firstParent)
    }
}

/// Which commits carry notes, and the blob of each: a changed note means a changed blob id.
struct NoteIndex: Sendable {
    /// By commit: its aitrail and git-ai note blobs, in one table so a commit is looked up once.
    private(set) var blobs: [ObjectID: NoteBlobs] = [:]

    var isEmpty: Bool { blobs.isEmpty }

    init(repository: Repository) throws(GitError) {
        let aitrail = try repository.notes(ref: AuditScanner.notesRef)
        let gitAI = try repository.notes(ref: AuditScanner.gitAINotesRef)
        blobs.reserveCapacity(aitrail.count + gitAI.count)
        for entry in aitrail { blobs[entry.target, default: NoteBlobs()].aitrail = entry.blob }
        for entry in gitAI { blobs[entry.target, default: NoteBlobs()].ai = entry.blob }
    }
}

/// Runs a Git-layer call, turning its error into the audit's.
func gitCall<T>(_ body: () throws(GitError) -> T) throws(AITrailError) -> T {
    do { return try body() } catch { throw AITrailError.audit(error.message) }
}

func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
}

/// A full batch of the walk's commits, classified on threads of their own (their own repositories)
/// while the walk reads the next batch on the scanner's: `finish` waits for it and stores it.
private struct ClassifyingBatch {
    let batch: WalkOrder.Batch
    let thread: BackgroundThread
    let result: SliceResults<Result<[AuditScanner.Scanned], AITrailError>?>

    init(_ batch: WalkOrder.Batch, reader: CommitReader, scanner: AuditScanner) {
        self.batch = batch
        let result = SliceResults<Result<[AuditScanner.Scanned], AITrailError>?>(count: 1, initial: nil)
        self.result = result
        let workers = Workers(scanner, sharing: false)
        thread = BackgroundThread {
            result[0] = Result { () throws(AITrailError) in try AuditScanner.classify(batch.commits, reader: reader, workers: workers) }
        }
    }

    func finish(into walk: inout ClassifiedWalk, cache: inout AuditCache) throws(AITrailError) {
        thread.wait()
        let scanned = try result[0]!.get()
        walk.order.store(scanned, of: batch, in: &cache)
        walk.stored += scanned.count
    }

    /// Waits for the batch when the walk failed (its error is the one reported).
    func abandon() { thread.wait() }
}
