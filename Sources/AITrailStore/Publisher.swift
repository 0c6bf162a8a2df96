import AITrailKit
import Git

/// What one publish did.
public struct PublishResult: Sendable, Hashable {
    public var repository: String
    /// `first` (nothing stored yet), `incremental` (from the stored tip), `rewritten` (the stored tip
    /// is no longer in the branch's history: walked whole), `up to date`, `behind` (this clone is
    /// older than what is stored), `whole` (the stored tip is not in this clone: walked whole).
    public var mode: String
    public var tip: String?
    /// Commits classified and sent (not stored before, or stored as unreachable).
    public var stored = 0
    public var aiStored = 0
    /// Stored commits that the branch no longer reaches (kept, marked `reachable = false`).
    public var markedUnreachable = 0
    public var notices: [String] = []

    /// `github.com/acme/api: 12 new commits (3 AI), 2 marked unreachable (force push)`.
    public var summary: String {
        switch mode {
        case "up to date": return "\(repository): up to date at \(tip.map { String($0.prefix(12)) } ?? "?")"
        case "behind": return "\(repository): nothing new (this clone is behind the stored tip)"
        case "empty": return "\(repository): no commits yet"
        default:
            var text = "\(repository): \(stored) new commit\(stored == 1 ? "" : "s") (\(aiStored) AI)"
            if markedUnreachable > 0 { text += ", \(markedUnreachable) marked unreachable (history rewritten)" }
            return text + " [\(mode)]"
        }
    }
}

/// Publishes one repository's per-commit audit records into the store.
///
/// Incremental: the store remembers the tip each repository was published at; the next publish
/// audits `tip..HEAD` only. When the tip is no longer in the branch's history (a force push), the
/// branch is walked whole (the audit's cache makes that cheap), commits not stored yet are sent, and
/// stored commits the branch no longer reaches are kept and marked `reachable = false` (reports
/// leave them out; a later publish that reaches them again marks them back).
public struct Publisher {
    public var repositoryPath: String
    /// Overrides the identity (default: the `origin` remote, normalised as the audit names it).
    public var repositoryID: String?
    /// The revision to publish (default: HEAD, the branch the CI job checked out).
    public var revision: String
    public var jobs: Int

    public init(repositoryPath: String, repositoryID: String? = nil, revision: String = "HEAD", jobs: Int = 1) {
        self.repositoryPath = repositoryPath
        self.repositoryID = repositoryID
        self.revision = revision
        self.jobs = max(1, jobs)
    }

    public func publish(into database: any Database, now: Int64 = Timestamp.now()) throws(StoreError) -> PublishResult {
        let repository: Repository
        do { repository = try Repository(discovering: repositoryPath) } catch {
            throw StoreError("'\(repositoryPath)' is not a git repository (\(error.message)): run in a clone, or list clones with --repos",
                             kind: .repository)
        }
        let name: String
        var notices: [String] = []
        if let repositoryID, !repositoryID.isEmpty {
            name = repositoryID
        } else {
            name = RepositoryName.of(repository)
            if (try? repository.config().string("remote.origin.url")) == nil {
                notices.append("no remote 'origin': stored as '\(name)' (its folder's name); give it a lasting name with --repo-id")
            }
        }
        var result = PublishResult(repository: name, mode: "first")
        guard !repository.isHeadUnborn || revision != "HEAD" else {
            result.mode = "empty"
            result.notices = notices
            return result
        }
        let head: ObjectID
        do { head = try repository.resolveCommit(revision) } catch {
            throw StoreError("cannot publish '\(revision)' of \(name): \(error.message)", kind: .repository)
        }
        result.tip = head.hex
        try Schema.prepare(database)
        let store = CommitStore(database: database)
        let stored = try store.repository(name)
        var revisions = [head.hex]
        var wholeBranch = true
        if let tipHex = stored?.tip, let tip = ObjectID(hex: tipHex) {
            if tip == head {
                result.mode = "up to date"
                result.notices = notices
                return result
            }
            if repository.objectExists(tip) {
                let (forward, backward) = ((try? repository.isAncestor(tip, of: head)) ?? false, (try? repository.isAncestor(head, of: tip)) ?? false)
                if forward {
                    revisions.append("^" + tip.hex)
                    wholeBranch = false
                    result.mode = "incremental"
                } else if backward {
                    result.mode = "behind"
                    result.notices = notices
                    return result
                } else {
                    result.mode = "rewritten"
                }
            } else {
                result.mode = "whole"
                notices.append("the stored tip \(tip.hex.prefix(12)) is not in this clone (a force push, or a clone older than the store): "
                    + "walking the branch whole")
            }
        }
        // A shallow clone has only part of the history: what it lacks is not "unreachable".
        let complete = !repository.isShallow
        if wholeBranch && !complete {
            notices.append("shallow clone: publishing the commits it has; fetch the whole history (fetch-depth: 0) "
                + "so force-pushed commits are recognised")
        }
        let commits = try audit(repository, revisions: revisions)
        // In the write transaction, under the repository's lock: what is stored now (another writer
        // may have published meanwhile), what to send, what the branch no longer reaches.
        let outcome = try database.transaction(lockKey: PublishLock.key(name)) { () throws(StoreError) -> (Int, Int, Int) in
            var send = commits
            var unreachable: [String] = []
            if wholeBranch {
                let known = try store.commitIDs(of: name)
                send = commits.filter { known[$0.id.hex] != true }
                if complete && result.mode != "first" {
                    let reached = Set(commits.map(\.id.hex))
                    unreachable = known.filter { $0.value && !reached.contains($0.key) }.map(\.key)
                }
            }
            try store.upsert(send, repository: name, publishedAt: now)
            try store.markUnreachable(unreachable, repository: name)
            // Never move the tip back to an ancestor of what another writer just stored.
            let current = try store.repository(name)?.tip.flatMap { ObjectID(hex: $0) }
            let newer = current.map { $0 != head && repository.objectExists($0) && ((try? repository.isAncestor(head, of: $0)) ?? false) } ?? false
            if !newer { try store.setTip(head.hex, repository: name, publishedAt: now) }
            return (send.count, send.filter(\.isAI).count, unreachable.count)
        }
        result.stored = outcome.0
        result.aiStored = outcome.1
        result.markedUnreachable = outcome.2
        result.notices = notices
        return result
    }

    /// The audit's per-commit records of the revisions: the same scanner, classifier, policy and cache as `aitrail audit`.
    private func audit(_ repository: Repository, revisions: [String]) throws(StoreError) -> [AuditedCommit] {
        let policy: Policy
        do { policy = try PolicyLoader.load(workTreeOf: repository, lenient: true) } catch {
            throw StoreError(error.message, kind: .repository)
        }
        let options = AuditOptions(walk: WalkOptions(revisions: revisions), jobs: jobs)
        let scanner = AuditScanner(repository: repository, classifier: policy.classifier, options: options)
        let scan: AuditScan
        do { scan = try scanner.scan() } catch {
            throw StoreError("cannot audit \(repositoryPath): \(error.description)", kind: .repository)
        }
        defer { scan.waitForCache() }
        return Array(scan.commits)
    }
}

/// A lock per repository (PostgreSQL advisory lock): two writers of one repository take turns.
enum PublishLock {
    static func key(_ repository: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in repository.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
