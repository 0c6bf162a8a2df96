import Git

/// Notes that flow without `aitrail sync`: `aitrail install` adds a fetch refspec per remote, so a
/// plain `git fetch` or `git pull` brings the remote's notes into its tracking ref
/// (`refs/notes/remotes/<remote>/aitrail`, the ref `aitrail sync` uses); the next hook or command
/// that reads the notes merges them line-wise into `refs/notes/aitrail`. The local ref is only ever
/// moved by a compare-and-swap to a merge that contains it — never overwritten by a forced fetch.
public enum NotesFlow {
    /// The fetch refspec for `remote`: forced into the tracking ref only, which holds nothing local.
    public static func fetchRefspec(remote: String) -> String { "+\(Ledger.ref):\(NotesSync.trackingRef(remote))" }

    /// The repository's remotes, by name.
    public static func remotes(of repository: Repository) throws(GitError) -> [String] {
        var names: [String] = []
        for entry in try repository.config().entries(matching: "^remote\\..*\\.url$") {
            let parts = entry.name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 3 else { continue }
            let name = parts[1..<(parts.count - 1)].joined(separator: ".")
            if NotesSync.isRemoteName(name) && !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Adds the fetch refspec to every remote that lacks it; returns the remotes changed.
    public static func configureFetch(in repository: Repository) throws(GitError) -> [String] {
        let config = try repository.config()
        var changed: [String] = []
        for remote in try remotes(of: repository) {
            let key = "remote.\(remote).fetch"
            let refspec = fetchRefspec(remote: remote)
            if try config.strings(key).contains(refspec) { continue }
            try config.add(key, value: refspec)
            changed.append(remote)
        }
        return changed
    }

    /// Remotes whose `git fetch` does not bring the notes (no refspec for them).
    public static func remotesWithoutFetch(in repository: Repository) throws(GitError) -> [String] {
        let config = try repository.config()
        var missing: [String] = []
        for remote in try remotes(of: repository) {
            let refspecs = try config.strings("remote.\(remote).fetch")
            if !refspecs.contains(where: { $0.hasSuffix(":" + NotesSync.trackingRef(remote)) }) { missing.append(remote) }
        }
        return missing
    }

    /// A tracking ref holding notes the local ref lacks.
    public struct Behind: Sendable, Hashable {
        public let remote: String
        public let ref: String
        public let tip: ObjectID
    }

    /// The tracking refs whose notes are not all in the local ref yet. A tip already taken in (kept in
    /// `<git-common-dir>/aitrail/notes-taken-in`) is skipped without walking the notes history, so a
    /// hook pays nothing for it however far the local notes have moved on since.
    public static func behind(in repository: Repository) throws(GitError) -> [Behind] {
        let local = try repository.referenceTarget(Ledger.ref)
        let taken = local == nil ? [:] : takenIn(repository)
        var out: [Behind] = []
        var contained: [String: ObjectID] = [:]
        for name in try repository.referenceNames(under: "refs/notes/remotes/") where name.hasSuffix("/aitrail") {
            guard let tip = try repository.referenceTarget(name), taken[name] != tip else { continue }
            if let local {
                var isContained = tip == local
                if !isContained { isContained = try repository.isAncestor(tip, of: local) }
                if isContained {
                    contained[name] = tip
                    continue
                }
            }
            let remote = String(name.dropFirst("refs/notes/remotes/".count).dropLast("/aitrail".count))
            out.append(Behind(remote: remote, ref: name, tip: tip))
        }
        if !contained.isEmpty { noteTakenIn(contained, repository) }
        return out
    }

    private static func takenInPath(_ repository: Repository) -> String { repository.commonDirectory + "/aitrail/notes-taken-in" }

    /// `<tracking ref> <tip>` per line: the tips known to be in the local notes.
    static func takenIn(_ repository: Repository) -> [String: ObjectID] {
        guard let bytes = try? FileSystem.read(takenInPath(repository)) else { return [:] }
        var out: [String: ObjectID] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let id = ObjectID(hex: String(parts[1])) { out[String(parts[0])] = id }
        }
        return out
    }

    /// Records tips as taken in; a file that cannot be written only costs a walk next time.
    static func noteTakenIn(_ tips: [String: ObjectID], _ repository: Repository) {
        var all = takenIn(repository)
        for (ref, tip) in tips { all[ref] = tip }
        let text = all.keys.sorted().map { "\($0) \(all[$0]!.hex)\n" }.joined()
        try? FileSystem.makeDirectories(repository.commonDirectory + "/aitrail")
        try? FileSystem.writeAtomically(Array(text.utf8), to: takenInPath(repository))
    }

    /// Merges every tracking ref the local ref lacks into it, line-wise (the union of both notes on
    /// each commit, as `aitrail sync` does). Returns the remotes taken in. A concurrent writer of the
    /// local ref makes it start over; it never loses their records.
    @discardableResult
    public static func takeIn(repository: Repository) throws(GitError) -> [String] {
        var taken: [String] = []
        for behind in try behind(in: repository) {
            for attempt in 0..<5 {
                let ours = try repository.referenceTarget(Ledger.ref)
                let merged: ObjectID
                if let ours {
                    merged = try repository.mergeNotes(
                        ours: ours, theirs: behind.tip, signature: Ledger.signature(for: repository),
                        message: "aitrail: merge notes fetched from \(behind.remote)")
                } else {
                    merged = behind.tip
                }
                do {
                    try repository.updateReference(Ledger.ref, to: merged, expected: ours, message: "aitrail: take in notes from \(behind.remote)")
                    taken.append(behind.remote)
                    noteTakenIn([behind.ref: behind.tip], repository)
                    break
                } catch where error.isConflict && attempt < 4 {
                    continue
                }
            }
        }
        return taken
    }
}
