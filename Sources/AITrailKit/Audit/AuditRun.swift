import Git

/// What `aitrail audit` sets up and says around the scan, apart from argument parsing.
public enum AuditRun {
    /// The object cache each repository may hold during an audit: each commit is read once, so a
    /// worker's cache would only hold memory.
    public static let objectCacheBytes = 4 << 20

    /// Sets libgit2 for one pass over history: a small object cache, and no re-hashing of every
    /// object read (git trusts the pack's checksums too; libgit2's check costs a third of a scan).
    public static func tuneLibgit2() {
        Libgit2.setObjectCacheLimit(bytes: objectCacheBytes)
        Libgit2.setReadVerification(false)
    }

    /// The report's scope in words, for the repository's HEAD: its branch (`main`), else the commit
    /// it is detached at.
    public static func scope(
        of walk: WalkOptions, in repository: Repository, noBots: Bool, noMerges: Bool, since: String?, until: String?
    ) -> String {
        let head = repository.headReferenceName()
        let detached = head == nil ? (try? repository.head()).flatMap { $0.map { String($0.hex.prefix(7)) } } : nil
        return AuditScope.describe(
            walk: walk, head: head.map { $0.hasPrefix("refs/heads/") ? String($0.dropFirst(11)) : $0 }, detachedAt: detached,
            noBots: noBots, noMerges: noMerges, since: since, until: until)
    }

    /// `--verbose`'s line: what the scan did.
    public static func statsLine(_ scan: AuditScan) -> String {
        let stats = scan.stats
        return "\(stats.walked) commits walked (\(stats.method)), \(stats.classified) classified, \(scan.commits.count) reported, cache \(stats.cache)"
    }
}

/// The audit's progress line: `audit: 12000 of 100000 commits · 45000/s · 2s left`.
public enum AuditProgress {
    /// `elapsed` seconds since the scan started.
    public static func line(done: Int, total: Int, elapsed: Double) -> String {
        let rate = Double(done) / max(elapsed, 0.001)
        let left = rate > 0 ? Int((Double(total - done) / rate).rounded(.up)) : 0
        return "audit: \(done) of \(total) commits · \(Int(rate))/s · \(left)s left"
    }
}
