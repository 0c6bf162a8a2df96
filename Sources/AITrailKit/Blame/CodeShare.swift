#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch
import Git
import Synchronization

/// What to measure and how (`aitrail audit --code`).
public struct CodeShareOptions: Sendable {
    /// The revision whose tree is measured.
    public var revision: String
    /// Directory rows group paths by their first `depth` folders.
    public var depth: Int
    /// `git blame` processes run at once (and the audit's worker threads).
    public var jobs: Int
    /// Read and write `<git-common-dir>/aitrail/cache/blame` (and the audit's cache).
    public var useCache: Bool
    /// Also compute survival (needs each commit's insertions: a diff per commit, cached by the audit).
    public var survival: Bool
    public var period: AuditPeriod

    public init(revision: String = "HEAD", depth: Int = 1, jobs: Int = AuditOptions.defaultJobs, useCache: Bool = true,
                survival: Bool = false, period: AuditPeriod = .month) {
        self.revision = revision
        self.depth = max(1, depth)
        self.jobs = max(1, jobs)
        self.useCache = useCache
        self.survival = survival
        self.period = period
    }
}

/// How a share run went, for `--verbose` and the tests of the cache.
public struct CodeShareStats: Sendable, Hashable {
    /// Files blamed by git in this run.
    public var blamed = 0
    /// Files whose blame came from the cache.
    public var reused = 0
    /// `off`, `cold` or `warm` (a cached revision on this one's first-parent chain was used).
    public var cache = "off"
    /// The files' attributes came from the cache (no `.gitattributes` or attributes file changed).
    public var attributesFromCache = false
}

/// Computes the code share (and survival) of a revision's tree: every text file blamed by git
/// (`GitBlame`, `--jobs` at once), each line's commit joined to the audit's classification
/// (`CommitAttributions`), refined by git-ai line notes (`GitAINotes`), cached per file (`BlameCache`).
public struct CodeShareScanner {
    let repository: Repository
    let classifier: Classifier
    let options: CodeShareOptions

    public init(repository: Repository, classifier: Classifier, options: CodeShareOptions) {
        self.repository = repository
        self.classifier = classifier
        self.options = options
    }

    public func scan() throws(AITrailError) -> CodeShareReport {
        let commit: ObjectID
        do { commit = try repository.resolveCommit(options.revision) } catch {
            throw AITrailError.blame("cannot resolve '\(options.revision)' to a commit: \(error.message); give a branch, tag or commit id")
        }
        let entries: [TreeFile]
        do { entries = try repository.treeFiles(of: commit) } catch {
            throw AITrailError.blame("cannot read the tree of \(commit.short): \(error.message)")
        }
        let attributeKey = TreeFiles.attributeKey(entries, repository: repository)

        // Files from the cache where the history allows it (see BlameCache), the rest blamed now.
        var stats = CodeShareStats()
        let cachePath = BlameCache.path(commonDirectory: repository.commonDirectory)
        var cache = BlameCache()
        var reusable: (snapshot: BlameCache.Snapshot, changed: Set<String>)?
        if options.useCache {
            cache = BlameCache.load(path: cachePath) ?? BlameCache()
            reusable = try reusableSnapshot(in: cache, for: commit)
            stats.cache = reusable == nil ? "cold" : "warm"
        }
        // Attributes: the cached revision's flags when nothing they depend on changed and it knew
        // every path; else git's check-attr over the whole tree.
        let attributes: TreeFiles.Attributes
        if let snapshot = reusable?.snapshot, snapshot.attributeKey == attributeKey,
           entries.allSatisfy({ $0.isLink || snapshot.files[$0.path] != nil }) {
            var known = TreeFiles.Attributes()
            for file in snapshot.files.values {
                if file.generated { known.generated.insert(file.path) }
                if file.noDiff { known.noDiff.insert(file.path) }
            }
            attributes = known
            stats.attributesFromCache = true
        } else {
            attributes = try TreeFiles.attributes(of: entries.filter { !$0.isLink }.map(\.path), commit: commit,
                                                  gitDirectory: repository.gitDirectory)
        }
        var files: [BlamedFile?] = Array(repeating: nil, count: entries.count)
        var toBlame: [Int] = []
        for (index, entry) in entries.enumerated() where !entry.isLink {
            let generated = attributes.generated.contains(entry.path), noDiff = attributes.noDiff.contains(entry.path)
            if let reusable, !reusable.changed.contains(entry.path), var cached = reusable.snapshot.files[entry.path],
               cached.blob == entry.blob, cached.noDiff == noDiff {
                cached.generated = generated
                files[index] = cached
                stats.reused += 1
                continue
            }
            if noDiff {
                files[index] = BlamedFile(path: entry.path, blob: entry.blob, binary: false, noDiff: true, generated: generated, ranges: [])
                continue
            }
            let bytes: [UInt8]
            do { bytes = try repository.blob(entry.blob) } catch {
                throw AITrailError.blame("cannot read \(entry.path) (\(entry.blob.short)) at \(commit.short): \(error.message)")
            }
            if TreeFiles.isBinary(bytes) {
                files[index] = BlamedFile(path: entry.path, blob: entry.blob, binary: true, generated: generated, ranges: [])
            } else {
                files[index] = BlamedFile(path: entry.path, blob: entry.blob, binary: false, generated: generated, ranges: [])
                toBlame.append(index)
            }
        }
        stats.blamed = toBlame.count
        let blamed = try blameAll(toBlame.map { entries[$0].path }, commit: commit)
        for (slot, index) in toBlame.enumerated() { files[index]!.ranges = blamed[slot] }
        let known = files.compactMap { $0 }
        if options.useCache && (reusable?.snapshot.commit != commit || stats.blamed > 0) {
            cache.remember(BlameCache.Snapshot(commit: commit, attributeKey: attributeKey, files: Dictionary(known.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })))
            // A cache that cannot be written only makes the next run slower.
            try? cache.save(path: cachePath)
        }

        let attributions: CommitAttributions
        do {
            attributions = try CommitAttributions(
                repository: repository, classifier: classifier, commit: commit, lines: options.survival, jobs: options.jobs,
                useCache: options.useCache)
        } catch {
            throw AITrailError.blame(error.message)
        }
        defer { attributions.waitForCache() }
        let notes = GitAINotes(repository: repository, registry: classifier.registry)
        return CodeShareReport(
            files: known, links: entries.count(where: \.isLink), commit: commit,
            revision: options.revision, repository: RepositoryName.of(repository), depth: options.depth,
            attributions: attributions, notes: notes, survival: options.survival, period: options.period, stats: stats)
    }

    /// The most recent cached revision on `commit`'s first-parent chain (within 1,000 steps), and the
    /// paths any first-parent step from it to `commit` changed.
    func reusableSnapshot(in cache: BlameCache, for commit: ObjectID) throws(AITrailError) -> (BlameCache.Snapshot, Set<String>)? {
        guard !cache.snapshots.isEmpty else { return nil }
        let cached = Dictionary(cache.snapshots.map { ($0.commit, $0) }, uniquingKeysWith: { a, _ in a })
        do {
            var chain: [ObjectID] = [commit]
            var current = commit
            while cached[current] == nil {
                guard chain.count < 1000, let parent = try repository.commit(current).parentIDs.first else { return nil }
                chain.append(parent)
                current = parent
            }
            var changed = Set<String>()
            for (child, parent) in zip(chain, chain.dropFirst()) {
                changed.formUnion(try repository.changedPaths(from: repository.commit(parent).treeID, to: repository.commit(child).treeID))
            }
            return (cached[current]!, changed)
        } catch {
            throw AITrailError.blame("cannot read the history of \(commit.short): \(error.message)")
        }
    }

    /// `git blame --incremental` of every path at `commit`, `jobs` at a time; ranges in path order.
    func blameAll(_ paths: [String], commit: ObjectID) throws(AITrailError) -> [[BlameRange]] {
        guard !paths.isEmpty else { return [] }
        let directory = repository.workDirectory ?? repository.gitDirectory
        let next = Mutex(0)
        let results = Mutex<[Int: Result<[BlameRange], AITrailError>]>([:])
        let revision = commit.hex
        DispatchQueue.concurrentPerform(iterations: min(options.jobs, paths.count)) { _ in
            while true {
                let index = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < paths.count else { return }
                let result = Result { () throws(AITrailError) in
                    try GitBlame.blame(revision: revision, path: paths[index], directory: directory, incremental: true).ranges
                }
                results.withLock { $0[index] = result }
                if case .failure = result { next.withLock { $0 = paths.count } }
            }
        }
        return try results.withLock { all throws(AITrailError) in
            var out: [[BlameRange]] = []
            for index in paths.indices {
                guard let result = all[index] else { continue }
                out.append(try result.get())
            }
            return out
        }
    }
}
