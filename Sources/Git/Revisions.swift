import CGit2

/// Revisions as `git rev-list` takes them, parsed in one place: `main`, `HEAD~2`, `v1^`, `main@{1}`
/// (resolved as git's revision syntax by libgit2), `A..B`, `A...B`, `^A`, `A^!`, `A^@`, `A^-n`, and
/// `--not`, which turns the meaning of the revisions after it around (as in git).
public struct Revisions: Sendable, Hashable {
    /// One revision argument, split as git's `handle_revision_arg` splits it.
    public enum Term: Sendable, Hashable {
        /// A commit and its ancestors.
        case include(String)
        /// `^A`: leaves out a commit and its ancestors.
        case exclude(String)
        /// `A..B`: in B and not in A; an empty side is HEAD.
        case range(from: String, to: String)
        /// `A...B`: in A or B and not in their merge bases; an empty side is HEAD.
        case symmetric(String, String)
        /// `A^!`: A without its parents.
        case commitOnly(String)
        /// `A^@`: A's parents and their ancestors, not A.
        case parentsOf(String)
        /// `A^-n` (`A^-` is `A^-1`): `A^n..A`.
        case withoutParent(String, Int)

        /// A plain commit: no exclusion, no walk beyond the commit's own history.
        public var isPlain: Bool { if case .include = self { return true } else { return false } }
    }

    /// A term, and whether a `--not` before it turns it around.
    public struct Entry: Sendable, Hashable {
        public var term: Term
        public var negated: Bool
    }

    public let terms: [Entry]

    public init(_ arguments: [String]) {
        var negated = false
        var terms: [Entry] = []
        for argument in arguments {
            if argument == "--not" {
                negated.toggle()
            } else {
                terms.append(Entry(term: Revisions.parse(argument), negated: negated))
            }
        }
        self.terms = terms
    }

    /// Splits one revision argument as git does: the first `..` makes a range, `...` if a third dot
    /// follows; a leading `^` excludes; `^!`, `^@`, `^-n` at the end are git's parent shorthands.
    public static func parse(_ revision: String) -> Term {
        if let dots = revision.firstRange(of: "..") {
            let left = String(revision[..<dots.lowerBound])
            var rest = revision[dots.upperBound...]
            let symmetric = rest.first == "."
            if symmetric { rest = rest.dropFirst() }
            let right = String(rest)
            let from = left.isEmpty ? "HEAD" : left, to = right.isEmpty ? "HEAD" : right
            return symmetric ? .symmetric(from, to) : .range(from: from, to: to)
        }
        if revision.hasSuffix("^!"), revision.count > 2 { return .commitOnly(String(revision.dropLast(2))) }
        if revision.hasSuffix("^@"), revision.count > 2 { return .parentsOf(String(revision.dropLast(2))) }
        if let caret = revision.lastIndex(of: "^"), caret > revision.startIndex,
           revision[revision.index(after: caret)...].first == "-" {
            let name = String(revision[..<caret]), number = revision[revision.index(caret, offsetBy: 2)...]
            if number.isEmpty { return .withoutParent(name, 1) }
            if number.allSatisfy({ ("0"..."9").contains($0) }), let parent = Int(number), parent > 0 { return .withoutParent(name, parent) }
        }
        if revision.hasPrefix("^"), revision.count > 1 { return .exclude(String(revision.dropFirst())) }
        return .include(revision)
    }
}

/// Revisions resolved to commits: walk from `included`, leaving out what `excluded` reaches.
public struct ResolvedRevisions: Sendable, Hashable {
    public var included: [ObjectID] = []
    public var excluded: [ObjectID] = []

    public init(included: [ObjectID] = [], excluded: [ObjectID] = []) {
        self.included = included
        self.excluded = excluded
    }
}

extension Repository {
    /// The commits `revisions` name, merge bases of `A...B` included (all of them, as git), plus every
    /// reference's tip with `all` (see `allTips`). Each list without repeats, in the order given.
    public func resolve(_ revisions: Revisions, all: Bool = false) throws(GitError) -> ResolvedRevisions {
        var resolved = ResolvedRevisions()
        for entry in revisions.terms {
            var included: [ObjectID] = [], excluded: [ObjectID] = []
            switch entry.term {
            case .include(let name):
                included.append(try resolveCommit(name))
            case .exclude(let name):
                excluded.append(try resolveCommit(name))
            case .range(let from, let to):
                excluded.append(try resolveCommit(from))
                included.append(try resolveCommit(to))
            case .symmetric(let left, let right):
                let a = try resolveCommit(left), b = try resolveCommit(right)
                included += [a, b]
                excluded += try mergeBases(a, b)
            case .commitOnly(let name):
                let id = try resolveCommit(name)
                included.append(id)
                excluded += try commit(id).parentIDs
            case .parentsOf(let name):
                included += try commit(try resolveCommit(name)).parentIDs
            case .withoutParent(let name, let number):
                let id = try resolveCommit(name)
                let parents = try commit(id).parentIDs
                guard number <= parents.count else {
                    throw GitError("'\(name)^-\(number)': \(name) has \(parents.count) parent(s), not \(number); "
                        + "fix: name a parent it has, e.g. \(name)^-1")
                }
                included.append(id)
                excluded.append(parents[number - 1])
            }
            if entry.negated { swap(&included, &excluded) }
            resolved.included += included
            resolved.excluded += excluded
        }
        if all { resolved.included += try allTips() }
        var seenIncluded = Set<ObjectID>(), seenExcluded = Set<ObjectID>()
        resolved.included = resolved.included.filter { seenIncluded.insert($0).inserted }
        resolved.excluded = resolved.excluded.filter { seenExcluded.insert($0).inserted }
        return resolved
    }

    /// Every merge base of `a` and `b` (git's `A...B` leaves out all of them); none when they share no history.
    public func mergeBases(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> [ObjectID] {
        var array = git_oidarray()
        var one = a.raw, two = b.raw
        let result = git_merge_bases(&array, pointer, &one, &two)
        if result == GIT_ENOTFOUND.rawValue { return [] }
        try check(result)
        defer { git_oidarray_dispose(&array) }
        return (0..<array.count).map { ObjectID(array.ids[$0]) }
    }
}
