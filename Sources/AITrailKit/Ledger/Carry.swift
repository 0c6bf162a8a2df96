import Git

/// `aitrail carry` (SPEC §5, §7): a squash or rebase merge replaces a pull request's commits with
/// new ones, and the records noted on the old commits stay on commits the default branch never
/// contains. Carrying copies their usage and evidence records onto the new commits, each marked
/// `"carried":{"from":"<old commit>"}`, union-merged into the new commit's note (exact repeats
/// dropped, so carrying twice adds nothing; never a forced update).
public struct Carry {
    /// The records of one replaced commit go onto the commit that replaced it.
    public struct Move: Sendable, Hashable {
        public var from: ObjectID
        public var onto: ObjectID
        public init(from: ObjectID, onto: ObjectID) {
            self.from = from
            self.onto = onto
        }
    }

    /// How a rebase's commits were paired with the originals.
    public enum Match: String, Sendable {
        case patchID = "patch id", authorAndMessage = "author and message", order
    }

    /// What to carry, and what was left and why.
    public struct Plan: Sendable {
        public var moves: [Move] = []
        /// How each move of a rebase was matched (empty for a squash).
        public var matches: [Move: Match] = [:]
        /// Replaced commits with no counterpart among the new ones (a rebase that dropped or split them).
        public var unmatched: [ObjectID] = []
        /// Commits that are already in the new commits' history: their notes are still there.
        public var alreadyContained: [ObjectID] = []
    }

    /// What one target received.
    public struct Written: Sendable, Hashable {
        public var onto: ObjectID
        public var from: [ObjectID]
        /// Records newly added to the target's note (0: all were there already).
        public var added: Int
        public var offered: Int
    }

    public let ledger: Ledger
    public var repository: Repository { ledger.repository }

    public init(ledger: Ledger) { self.ledger = ledger }

    /// The usage and evidence records of `commit`, as they are written on the commit that replaced
    /// it. A record carried before keeps the commit it was first noted on; an evidence record keeps
    /// its tree (the gate judges whether that tree is the one under review). Records of a type this
    /// aitrail does not know are not carried: it cannot mark them.
    public static func carried(_ records: [LedgerRecord], from commit: ObjectID) -> [LedgerRecord] {
        let mark = CarriedFrom(from: commit.hex)
        return records.compactMap { record in
            switch record {
            case .usage(var usage):
                if usage.carried == nil { usage.carried = mark }
                return .usage(usage)
            case .evidence(var evidence):
                if evidence.carried == nil { evidence.carried = mark }
                return .evidence(evidence)
            case .other:
                return nil
            }
        }
    }

    // MARK: Planning

    /// A squash merge: every replaced commit's records go onto `onto`.
    public func squash(_ from: [ObjectID], onto: ObjectID) throws(GitError) -> Plan {
        var plan = Plan()
        for commit in from {
            if commit == onto {
                plan.alreadyContained.append(commit)
            } else if try repository.isAncestor(commit, of: onto) {
                plan.alreadyContained.append(commit)
            } else {
                plan.moves.append(Move(from: commit, onto: onto))
            }
        }
        return plan
    }

    /// A rebase merge: each replaced commit (oldest first) is paired with one of the new commits
    /// (oldest first) — by patch id (`git patch-id --stable`: the same change, wherever it landed),
    /// then by author (name, e-mail, time) and message (a rebase keeps both even where it had to
    /// change the patch), then, if as many are left on each side and `byOrder`, by order. The rest
    /// are unmatched.
    public func rebase(_ from: [ObjectID], onto: [ObjectID], byOrder: Bool = true) throws(GitError) -> Plan {
        var plan = Plan()
        guard let tip = onto.last else {
            plan.unmatched = from
            return plan
        }
        var replaced: [ObjectID] = []
        for commit in from {
            if onto.contains(commit) {
                plan.alreadyContained.append(commit)
            } else if try repository.isAncestor(commit, of: tip) {
                plan.alreadyContained.append(commit)
            } else {
                replaced.append(commit)
            }
        }
        let candidates = onto.filter { !plan.alreadyContained.contains($0) }
        var pairedFrom = [ObjectID?](repeating: nil, count: replaced.count)
        var used = Set<ObjectID>()

        func pair(by key: (ObjectID) throws(GitError) -> String, as match: Match) throws(GitError) {
            var byKey: [String: [ObjectID]] = [:]
            for candidate in candidates where !used.contains(candidate) { byKey[try key(candidate), default: []].append(candidate) }
            for (index, commit) in replaced.enumerated() where pairedFrom[index] == nil {
                let k = try key(commit)
                guard var list = byKey[k], !list.isEmpty else { continue }
                let target = list.removeFirst()
                byKey[k] = list
                pairedFrom[index] = target
                used.insert(target)
                plan.matches[Move(from: commit, onto: target)] = match
            }
        }
        try pair(by: { (id) throws(GitError) in try repository.patchID(of: repository.commit(id)).hex }, as: .patchID)
        try pair(by: { (id) throws(GitError) in Carry.authorAndMessage(try repository.commit(id)) }, as: .authorAndMessage)
        let leftFrom = replaced.indices.filter { pairedFrom[$0] == nil }
        let leftOnto = candidates.filter { !used.contains($0) }
        if byOrder && !leftFrom.isEmpty && leftFrom.count == leftOnto.count {
            for (index, target) in zip(leftFrom, leftOnto) {
                pairedFrom[index] = target
                plan.matches[Move(from: replaced[index], onto: target)] = .order
            }
        }
        for (index, commit) in replaced.enumerated() {
            if let target = pairedFrom[index] {
                plan.moves.append(Move(from: commit, onto: target))
            } else {
                plan.unmatched.append(commit)
            }
        }
        return plan
    }

    /// What a rebase keeps of a commit: its author (name, e-mail, time) and its message.
    static func authorAndMessage(_ commit: Commit) -> String {
        let author = commit.author
        return "\(author.name)\u{0}\(author.email)\u{0}\(author.time)\u{0}\(commit.message)"
    }

    // MARK: Writing

    /// Writes the plan: one notes commit per target, with the union of what was there and what is
    /// carried (compare-and-swap, as every ledger write).
    public func apply(_ plan: Plan) throws(GitError) -> [Written] {
        var order: [ObjectID] = []
        var sources: [ObjectID: [ObjectID]] = [:]
        for move in plan.moves {
            if sources[move.onto] == nil { order.append(move.onto) }
            sources[move.onto, default: []].append(move.from)
        }
        var written: [Written] = []
        for onto in order {
            let from = sources[onto] ?? []
            var records: [LedgerRecord] = []
            for commit in from { records += Carry.carried(try ledger.records(on: commit).records, from: commit) }
            let existing = Set(try ledger.records(on: onto).records.map(CanonicalJSON.line))
            var lines = Set<String>()
            let fresh = records.filter { lines.insert(CanonicalJSON.line($0)).inserted && !existing.contains(CanonicalJSON.line($0)) }
            if !fresh.isEmpty {
                let names = from.map(\.short).joined(separator: ", ")
                try ledger.append(fresh, to: onto, message: "aitrail: carried records from \(names) onto \(onto.short)")
            }
            written.append(Written(onto: onto, from: from, added: fresh.count, offered: lines.count))
        }
        return written
    }
}

extension Carry {
    /// `aitrail carry <from…> <onto>`: a squash onto one commit; a rebase when `onto` is a range
    /// (its commits are the copies) or `rebase` is set (the copies are the last commits ending at `onto`).
    public func plan(from revisions: [String], onto target: String, rebase: Bool) throws(AITrailError) -> Plan {
        var from: [ObjectID] = []
        for revision in revisions {
            for id in try commits(revision) where !from.contains(id) { from.append(id) }
        }
        let targets = try commits(target)
        do {
            if !Revisions.parse(target).isPlain { return try self.rebase(from, onto: targets) }
            guard let onto = targets.first else { return Plan() }
            return rebase ? try self.rebase(from, onto: firstParentTail(onto, count: from.count)) : try squash(from, onto: onto)
        } catch {
            throw AITrailError.carry(error.message, fix: repository.isShallow ? RangeResolver.historyFix : "check the repository (`git fsck`)")
        }
    }

    /// A commit, or a range (`base..head`, `^base head`): its commits oldest first, merges left out
    /// (a merge commit records no change of its own to carry).
    public func commits(_ revision: String) throws(AITrailError) -> [ObjectID] {
        do throws(GitError) {
            guard !Revisions.parse(revision).isPlain else { return [try repository.resolveCommit(revision)] }
            let options = WalkOptions(revisions: [revision], order: .topological, reverse: true)
            var commits: [ObjectID] = []
            for id in try RevisionWalk(repository, options: options).ids() where !(try repository.commit(id).isMerge) {
                commits.append(id)
            }
            return commits
        } catch {
            throw AITrailError.carry("'\(revision)' does not name commits here: \(error.message)",
                             fix: "pass commits or a range that exist (`git fetch origin` first), e.g. `aitrail carry main..feature main`")
        }
    }

    /// The last `count` commits on the first-parent line ending at `tip`, oldest first: the commits
    /// a rebase merge put on the branch. Stops at a merge commit or the root.
    public func firstParentTail(_ tip: ObjectID, count: Int) throws(GitError) -> [ObjectID] {
        var tail: [ObjectID] = []
        var current: ObjectID? = tip
        while let id = current, tail.count < count {
            let commit = try repository.commit(id)
            if commit.isMerge { break }
            tail.append(id)
            current = commit.parentIDs.first
        }
        return tail.reversed()
    }
}

extension Carry {
    /// What `aitrail carry` did, one line per replaced commit (or group of them), for its output.
    public static func describe(_ plan: Carry.Plan, _ written: [Carry.Written]) -> String {
        var lines: [String] = []
        for commit in plan.alreadyContained {
            lines.append("\(commit.short) is already in the merged history: its records stay where they are")
        }
        for entry in written {
            let from = entry.from.map { commit in
                let match = plan.matches[Move(from: commit, onto: entry.onto)].map { " (by \($0.rawValue))" } ?? ""
                return commit.short + match
            }.joined(separator: ", ")
            if entry.offered == 0 {
                lines.append("\(from) \(entry.from.count == 1 ? "has" : "have") no records to carry onto \(entry.onto.short)")
            } else if entry.added == 0 {
                lines.append("\(entry.onto.short) already holds the \(entry.offered) record\(entry.offered == 1 ? "" : "s") of \(from): nothing to add")
            } else {
                lines.append("carried \(entry.added) record\(entry.added == 1 ? "" : "s") from \(from) onto \(entry.onto.short)")
            }
        }
        for commit in plan.unmatched {
            lines.append("not carried: \(commit.short) has no rebased copy among the new commits (carry it by hand: aitrail carry \(commit.short) <commit>)")
        }
        if lines.isEmpty { lines.append("nothing to carry") }
        return lines.joined(separator: "\n") + "\n"
    }
}
