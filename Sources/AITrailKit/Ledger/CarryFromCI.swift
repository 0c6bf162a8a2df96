#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Git

/// What `aitrail carry --from-ci` found in the CI event: what was merged, and how it is carried.
public struct CIMergePlan: Sendable {
    /// One line per finding, for the log (`GitHub pull request #12 was squash-merged as 1a2b3c4`).
    public var found: [String] = []
    public var plan = Carry.Plan()
}

/// Finds the pull request commits a merge replaced, from the CI's event:
/// - GitHub `pull_request` closed and merged: `base.sha..head.sha` onto `merge_commit_sha` (a squash,
///   or the tip of a rebase merge's commits; a merge commit contains the commits: nothing to do);
/// - a push to the default branch (GitHub `before..after`; GitLab `CI_COMMIT_BEFORE_SHA..CI_COMMIT_SHA`
///   on `CI_DEFAULT_BRANCH`): each new commit whose subject ends in GitHub's `(#N)` replaced
///   `refs/pull/N/head`; each GitLab merge commit saying `See merge request …!N` merged
///   `refs/merge-requests/N/head` (its second parent is the squash commit); other new commits are
///   matched against the pull request heads already fetched (`refs/pull/*/head`,
///   `refs/remotes/<remote>/pull/*/head`, the same for `merge-requests`) by patch id, author and
///   message, or an equal tree. Missing pull request heads are fetched from the remote.
public struct CIMergeFinder {
    public let carry: Carry
    public let environment: [String: String]
    public let remote: String
    var repository: Repository { carry.repository }

    public init(carry: Carry, environment: [String: String], remote: String) {
        self.carry = carry
        self.environment = environment
        self.remote = remote
    }

    static let noEvent = AITrailError.carry(
        "no merge to carry from: no GitHub event (GITHUB_EVENT_PATH) and no GitLab pipeline (GITLAB_CI) in the environment",
        fix: "run this in the CI job of the default branch, or name the commits: `aitrail carry <base>..<head> <squash-commit>`")

    public func find() throws(AITrailError) -> CIMergePlan {
        if let path = nonEmpty("GITHUB_EVENT_PATH") { return try gitHub(path) }
        if environment["GITLAB_CI"] == "true" { return try gitLab() }
        throw CIMergeFinder.noEvent
    }

    private func nonEmpty(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }

    // MARK: GitHub

    private func gitHub(_ path: String) throws(AITrailError) -> CIMergePlan {
        let event: RangeResolver.GitHubEvent
        do {
            event = try JSONDecoder().decode(RangeResolver.GitHubEvent.self, from: Data(try FileSystem.read(path)))
        } catch {
            throw AITrailError.carry("cannot read the GitHub event \(path): \(error)",
                             fix: "run in a GitHub Actions job, or name the commits: `aitrail carry <base>..<head> <squash-commit>`")
        }
        if let pull = event.pull_request {
            let name = pull.number.map { "pull request #\($0)" } ?? "the pull request"
            guard event.action == "closed", pull.merged == true, let mergeSHA = pull.merge_commit_sha else {
                return CIMergePlan(found: ["GitHub \(name) is not merged (event action: \(event.action ?? "none")): nothing to carry"])
            }
            if let number = pull.number { try ensure(pull.head.sha, ref: "pull/\(number)/head") }
            let from = try carry.commits("\(pull.base.sha)..\(pull.head.sha)")
            let onto = try commit(mergeSHA, what: "the merge commit of \(name)")
            return try merged(from, onto: onto, name: "GitHub \(name)")
        }
        guard let before = event.before, let after = event.after else {
            return CIMergePlan(found: ["the GitHub event is neither a pull request nor a push: nothing to carry"])
        }
        if let ref = event.ref, let branch = event.repository?.default_branch, ref != "refs/heads/\(branch)" {
            return CIMergePlan(found: ["a push to \(ref), not to the default branch \(branch): nothing to carry"])
        }
        return try pushed(before: before, after: after)
    }

    // MARK: GitLab

    private func gitLab() throws(AITrailError) -> CIMergePlan {
        if nonEmpty("CI_MERGE_REQUEST_IID") != nil {
            throw AITrailError.carry("this is a merge request pipeline: the squash or rebase commit does not exist until the merge request is merged",
                             fix: "run `aitrail carry --from-ci` in the pipeline of the default branch (`rules: - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH`)")
        }
        guard let after = nonEmpty("CI_COMMIT_SHA") else { throw CIMergeFinder.noEvent }
        if let branch = nonEmpty("CI_COMMIT_BRANCH"), let main = nonEmpty("CI_DEFAULT_BRANCH"), branch != main {
            return CIMergePlan(found: ["a pipeline on \(branch), not on the default branch \(main): nothing to carry"])
        }
        return try pushed(before: nonEmpty("CI_COMMIT_BEFORE_SHA") ?? "", after: after)
    }

    // MARK: A push to the default branch

    private func pushed(before: String, after: String) throws(AITrailError) -> CIMergePlan {
        guard before.contains(where: { $0 != "0" }) else {
            return CIMergePlan(found: ["no previous tip in the event (a new branch, or a pipeline run by hand): nothing to carry"])
        }
        _ = try commit(before, what: "the branch's previous tip")
        let tip = try commit(after, what: "the pushed tip")
        var result = CIMergePlan()
        var unreferenced: [ObjectID] = []
        let newCommits: [ObjectID]
        do {
            newCommits = try RevisionWalk(repository, options: WalkOptions(
                revisions: ["\(before)..\(tip.hex)"], firstParent: true, order: .topological, reverse: true)).ids()
        } catch { throw gitFailure(error) }
        for id in newCommits {
            let commit: Commit
            do { commit = try repository.commit(id) } catch { throw gitFailure(error) }
            if commit.isMerge {
                guard let number = CIMergeFinder.gitLabMergeRequest(commit.message), commit.parentIDs.count == 2 else { continue }
                guard let head = try pullHead("merge-requests/\(number)/head") else {
                    result.found.append("\(id.short) merged GitLab merge request !\(number), whose head ref could not be found: skipped")
                    continue
                }
                let parents = commit.parentIDs
                let from = try carry.commits("\(parents[0].hex)..\(head.hex)")
                let replacements = try carry.commits("\(parents[0].hex)..\(parents[1].hex)")
                try add(from, onto: replacements, name: "GitLab merge request !\(number)", to: &result)
            } else if let number = CIMergeFinder.gitHubPullRequest(commit.summary) {
                guard let head = try pullHead("pull/\(number)/head") else {
                    result.found.append("\(id.short) names pull request #\(number), whose head ref could not be found: skipped")
                    continue
                }
                let base = commit.parentIDs.first?.hex ?? before
                try add(try carry.commits("\(base)..\(head.hex)"), onto: [id], name: "GitHub pull request #\(number)", to: &result)
            } else {
                unreferenced.append(id)
            }
        }
        if !unreferenced.isEmpty { try matchFetchedHeads(unreferenced, before: before, into: &result) }
        if result.found.isEmpty { result.found.append("no merged pull request among the \(newCommits.count) new commit(s): nothing to carry") }
        return result
    }

    /// New commits that name no pull request: a rebase merge (GitHub keeps the messages) or a
    /// squash without a number. Matched against pull request heads fetched beforehand. A head is
    /// walked only when its tree (a squash of an up-to-date branch) or its author and message (a
    /// rebase keeps both) equal a new commit's, so a job that fetched thousands of old pull request
    /// heads reads one commit per head.
    private func matchFetchedHeads(_ commits: [ObjectID], before: String, into result: inout CIMergePlan) throws(AITrailError) {
        var left = commits
        var byTree: [ObjectID: ObjectID] = [:]
        var keys = Set<String>()
        var candidates: [(name: String, head: ObjectID, squash: ObjectID?, rebased: Bool)] = []
        do {
            for id in left {
                let commit = try repository.commit(id)
                if byTree[commit.treeID] == nil { byTree[commit.treeID] = id }
                keys.insert(Carry.authorAndMessage(commit))
            }
            var heads: [String] = []
            for prefix in ["refs/pull/", "refs/merge-requests/", "refs/remotes/\(remote)/pull/", "refs/remotes/\(remote)/merge-requests/"] {
                heads += try repository.referenceNames(under: prefix).filter { $0.hasSuffix("/head") }
            }
            for name in heads.sorted() {
                guard let head = try repository.referenceTarget(name) else { continue }
                let commit = try repository.commit(head)
                let squash = byTree[commit.treeID], rebased = keys.contains(Carry.authorAndMessage(commit))
                guard squash != nil || rebased, let tip = left.last, !(try repository.isAncestor(head, of: tip)) else { continue }
                candidates.append((name, head, squash, rebased))
            }
        } catch { throw gitFailure(error) }
        for candidate in candidates where !left.isEmpty {
            let from = try carry.commits("\(before)..\(candidate.head.hex)")
            if from.isEmpty { continue }
            var plan = Carry.Plan()
            do {
                if candidate.rebased { plan = try carry.rebase(from, onto: left, byOrder: false) }
                if plan.moves.isEmpty, let squash = candidate.squash, left.contains(squash) {
                    plan = try carry.squash(from, onto: squash)
                    result.found.append("\(candidate.name) has the tree of \(squash.short): squash-merged")
                } else if !plan.moves.isEmpty {
                    result.found.append("\(candidate.name): \(plan.moves.count) of its \(from.count) commit(s) rebased onto the default branch")
                    plan.unmatched = []
                }
            } catch { throw gitFailure(error) }
            let targets = Set(plan.moves.map(\.onto))
            left.removeAll { targets.contains($0) }
            merge(plan, into: &result.plan)
        }
    }

    // MARK: Planning one merge

    /// `from` merged as `onto`: a squash, or the tip of a rebase merge when the commits before it
    /// are `from`'s copies (every one matched by patch id or by author and message).
    private func merged(_ from: [ObjectID], onto: ObjectID, name: String) throws(AITrailError) -> CIMergePlan {
        var result = CIMergePlan()
        do {
            if from.count > 1 {
                let rebased = try carry.rebase(from, onto: try carry.firstParentTail(onto, count: from.count), byOrder: false)
                if rebased.unmatched.isEmpty && rebased.alreadyContained.isEmpty {
                    result.found.append("\(name) was rebase-merged: \(from.count) commits ending at \(onto.short)")
                    result.plan = rebased
                    return result
                }
            }
            try add(from, onto: [onto], name: name, to: &result)
        } catch let error as GitError {
            throw gitFailure(error)
        } catch let error as AITrailError {
            throw error
        } catch {
            throw AITrailError.carry("\(error)", fix: "report this")
        }
        return result
    }

    /// `from` replaced by `replacements`: onto the one commit of a squash, else pair them as a rebase.
    private func add(_ from: [ObjectID], onto replacements: [ObjectID], name: String, to result: inout CIMergePlan) throws(AITrailError) {
        guard let last = replacements.last else { return }
        let plan: Carry.Plan
        do {
            plan = replacements.count == 1 ? try carry.squash(from, onto: last) : try carry.rebase(from, onto: replacements)
        } catch { throw gitFailure(error) }
        if plan.moves.isEmpty && !plan.alreadyContained.isEmpty {
            result.found.append("\(name) was merged with its commits (\(last.short) contains them): nothing to carry")
            return
        }
        let how = replacements.count == 1 ? "squash-merged as \(last.short)" : "rebase-merged as \(replacements.count) commits ending at \(last.short)"
        result.found.append("\(name) (\(from.count) commit\(from.count == 1 ? "" : "s")) was \(how)")
        merge(plan, into: &result.plan)
    }

    private func merge(_ plan: Carry.Plan, into total: inout Carry.Plan) {
        total.moves += plan.moves
        total.matches.merge(plan.matches) { first, _ in first }
        total.unmatched += plan.unmatched
        total.alreadyContained += plan.alreadyContained
    }

    // MARK: Messages

    /// The number in GitHub's squash subject `Title (#123)`.
    static func gitHubPullRequest(_ subject: String) -> Int? {
        let text = subject.trimmingSpaces
        guard text.hasSuffix(")"), let open = text.ranges(of: "(#").last else { return nil }
        let digits = text[open.upperBound..<text.index(before: text.endIndex)]
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCIIDigitCharacter) else { return nil }
        return Int(digits)
    }

    /// The number in GitLab's merge commit line `See merge request group/project!123`.
    static func gitLabMergeRequest(_ message: String) -> Int? {
        for line in message.split(separator: "\n") where line.hasPrefix("See merge request ") {
            guard let bang = line.lastIndex(of: "!") else { continue }
            let digits = line[line.index(after: bang)...].trimmingSpaces
            if !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCIIDigitCharacter) { return Int(digits) }
        }
        return nil
    }

    // MARK: Git

    private func commit(_ sha: String, what: String) throws(AITrailError) -> ObjectID {
        do { return try repository.resolveCommit(sha) } catch {
            throw AITrailError.carry("\(what) \(sha) is not in this repository: \(error.message)",
                             fix: repository.isShallow ? RangeResolver.historyFix : "fetch it (`git fetch \(remote)`)")
        }
    }

    /// Makes sure `sha` (a pull request's head) is here, fetching `refs/<ref>` from the remote if not.
    private func ensure(_ sha: String, ref: String) throws(AITrailError) {
        if (try? repository.resolveCommit(sha)) != nil { return }
        _ = try pullHead(ref)
    }

    /// The head of a pull request: a local ref, a remote-tracking one, else fetched from the remote
    /// into `refs/remotes/<remote>/<ref>`; nil when the remote has no such ref.
    private func pullHead(_ ref: String) throws(AITrailError) -> ObjectID? {
        let tracking = NotesSync.isRemoteName(remote) ? "refs/remotes/\(remote)/\(ref)" : "refs/aitrail/\(ref)"
        for name in ["refs/\(ref)", tracking] {
            if let id = try? repository.referenceTarget(name) { return id }
        }
        var environment = Subprocess.currentEnvironment
        environment["LC_ALL"] = "C"
        environment["GIT_TERMINAL_PROMPT"] = "0"
        let arguments = ["git", "--git-dir=\(repository.gitDirectory)", "fetch", "--quiet", "--no-tags", "--no-write-fetch-head",
                         remote, "+refs/\(ref):\(tracking)"]
        let output: Subprocess.Output
        do { output = try Subprocess.capture(arguments, environment: environment) } catch {
            throw AITrailError.carry("\(error.description)", fix: "install git and put it on PATH")
        }
        if output.status != 0 {
            if output.stderrText.contains("couldn't find remote ref") { return nil }
            throw AITrailError.carry("git fetch \(remote) refs/\(ref) failed: \(NotesSync.firstLine(output.stderrText))",
                             fix: "check that the job can fetch from \(remote) (`git fetch \(remote) refs/\(ref)`)")
        }
        return try? repository.referenceTarget(tracking)
    }

    private func gitFailure(_ error: GitError) -> AITrailError {
        AITrailError.carry(error.message, fix: repository.isShallow ? RangeResolver.historyFix : "check the repository (`git fsck`)")
    }
}

private extension Character {
    var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}
