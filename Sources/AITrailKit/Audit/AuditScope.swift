import Git

/// What an audit covered, in words for the report's heading: `HEAD (main)`, `all branches and tags`,
/// `commits in feature not in main`, and the filters applied (`without bots`, `without merges`).
public enum AuditScope {
    /// `head` is HEAD's branch (`main`), or nil when HEAD is detached (`detachedAt` then names the commit).
    public static func describe(
        walk: WalkOptions, head: String?, detachedAt: String? = nil, noBots: Bool = false, noMerges: Bool = false,
        since: String? = nil, until: String? = nil
    ) -> String {
        var parts = walk.revisions.map(describe(revision:))
        if walk.all { parts.append("all branches and tags") }
        if parts.isEmpty {
            if let head { parts.append("HEAD (\(head))") } else if let detachedAt { parts.append("HEAD (detached at \(detachedAt))") } else { parts.append("HEAD") }
        }
        if walk.firstParent { parts.append("first parents only") }
        if let since { parts.append("since \(since)") }
        if let until { parts.append("until \(until)") }
        if noBots { parts.append("without bots") }
        if noMerges { parts.append("without merges") }
        return parts.joined(separator: ", ")
    }

    /// `A..B` → `commits in B not in A`; `A...B` → `commits in A or B but not both`; `^A` → `not in A`.
    static func describe(revision: String) -> String {
        switch Revisions.parse(revision) {
        case .include(let name): return name
        case .exclude(let name): return "not in \(name)"
        case .range(let from, let to): return "commits in \(to) not in \(from)"
        case .symmetric(let left, let right): return "commits in \(left) or \(right) but not both"
        case .commitOnly(let name): return "\(name) without its parents"
        case .parentsOf(let name): return "the parents of \(name)"
        case .withoutParent(let name, let parent): return "commits in \(name) not in \(name)^\(parent)"
        }
    }
}

/// The name a report gives a repository: its `origin` remote as `host/path` (no scheme, user,
/// password, port or `.git`: `git@github.com:acme/shop.git` and `https://token@github.com/acme/shop`
/// are both `github.com/acme/shop`), a local remote's folder name, or else the repository's folder name.
public enum RepositoryName {
    public static func of(_ repository: Repository) -> String {
        if let url = try? repository.config().string("remote.origin.url"), let name = normalise(remoteURL: url) { return name }
        let folder = repository.workDirectory ?? repository.commonDirectory
        return lastComponent(folder)
    }

    /// Nil for an empty URL.
    public static func normalise(remoteURL: String) -> String? {
        var url = remoteURL.trimmingSpaces
        while url.hasSuffix("/") { url.removeLast() }
        if url.hasSuffix(".git") { url.removeLast(4) }
        while url.hasSuffix("/") { url.removeLast() }
        guard !url.isEmpty else { return nil }
        var host: Substring, path: Substring
        if let scheme = url.firstRange(of: "://") {
            let rest = url[scheme.upperBound...]
            if url.hasPrefix("file://") { return lastComponent(String(rest)) }
            let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            host = rest[..<authorityEnd]
            path = rest[authorityEnd...].drop { $0 == "/" }
        } else if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/"), url.distance(from: url.startIndex, to: colon) > 1 {
            // scp-like `user@host:path` (a one-letter "host" is a Windows drive).
            host = url[..<colon]
            path = url[url.index(after: colon)...].drop { $0 == "/" }
        } else {
            return lastComponent(url)
        }
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if let port = host.lastIndex(of: ":"), !host.hasPrefix("[") || host[..<port].hasSuffix("]") { host = host[..<port] }
        let hostName = host.lowercased()
        return path.isEmpty ? hostName : hostName + "/" + path
    }

    private static func lastComponent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if trimmed.hasSuffix("/.git") { trimmed = trimmed.dropLast(5) }
        if trimmed.hasSuffix(".git") { trimmed = trimmed.dropLast(4) }
        return String(trimmed.split(separator: "/").last ?? trimmed)
    }
}
