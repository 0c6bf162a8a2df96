#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Git

/// The commits a check covers: those reachable from `head` and not from `base`.
public struct CheckRange: Sendable, Hashable {
    public var base: ObjectID
    public var head: ObjectID
    public var mergeBase: ObjectID
    /// How the range was found: `argument`, `github`, `gitlab`, `buildkite`, `AITRAIL_BASE`, `default-branch`.
    public var source: String
    /// The range as given (`origin/main..HEAD`).
    public var spelled: String
    /// `A...B`: the commits reachable from either side and not from both.
    public var symmetric: Bool = false
}

/// Finds the range to check: the argument, else the CI's environment, else the default branch
/// (`origin/HEAD..HEAD`), never the branch's own upstream, which a pushed branch is level with (SPEC §8).
public enum RangeResolver {
    static let historyFix =
        "fetch the full history: `git fetch --unshallow origin` (GitHub Actions: `actions/checkout` with `fetch-depth: 0`; GitLab CI: `GIT_DEPTH: \"0\"`)"

    public static func resolve(
        argument: String?, environment: [String: String], in repository: Repository, remote: String = "origin"
    ) throws(AITrailError) -> CheckRange {
        let (baseName, headName, source) = try names(argument: argument, environment: environment, in: repository, remote: remote)
        let symmetric: Bool
        if source == "argument", let argument, case .symmetric = Revisions.parse(argument) { symmetric = true } else { symmetric = false }
        let spelled = "\(baseName)\(symmetric ? "..." : "..")\(headName)"
        let head: ObjectID
        do { head = try repository.resolveCommit(headName) } catch {
            throw AITrailError("the head of \(spelled) (\(source)) is not in this repository: \(error.message)",
                             fix: repository.isShallow ? historyFix : "fetch it (`git fetch origin`) or pass a range that exists, e.g. `aitrail check origin/main..HEAD`")
        }
        let base: ObjectID
        do { base = try repository.resolveCommit(baseName) } catch {
            if repository.isShallow {
                throw AITrailError("the base of \(spelled) (\(source)) is not in this shallow clone, so the range cannot be judged", fix: historyFix)
            }
            throw AITrailError("unknown base '\(baseName)' of \(spelled) (\(source)): \(error.message)",
                             fix: "fetch it (`git fetch origin`) or pass a base that exists, e.g. `aitrail check origin/main..HEAD`; in CI check out the full history (`fetch-depth: 0`)")
        }
        let mergeBase: ObjectID?
        do { mergeBase = try repository.mergeBase(base, head) } catch {
            if repository.isShallow {
                throw AITrailError("\(spelled) has no merge base in this shallow clone (\(error.message)), so the range cannot be judged", fix: historyFix)
            }
            throw AITrailError("cannot find the merge base of \(spelled): \(error.message)", fix: historyFix)
        }
        guard let mergeBase else {
            if repository.isShallow {
                throw AITrailError("\(spelled) has no merge base in this shallow clone, so the range cannot be judged", fix: historyFix)
            }
            throw AITrailError("\(baseName) and \(headName) share no history, so \(spelled) has no merge base",
                             fix: "pass the branch the change is based on, e.g. `aitrail check origin/main..HEAD`")
        }
        return CheckRange(base: base, head: head, mergeBase: mergeBase, source: source, spelled: spelled, symmetric: symmetric)
    }

    /// The parts of a GitHub Actions event payload aitrail reads (`check`, and `carry --from-ci`).
    struct GitHubEvent: Decodable {
        struct PullRequest: Decodable {
            struct End: Decodable { let sha: String }
            let base: End
            let head: End
            let number: Int?
            let merged: Bool?
            let merge_commit_sha: String?
        }
        struct MergeGroup: Decodable {
            let base_sha: String
            let head_sha: String
        }
        struct RepositoryInfo: Decodable { let default_branch: String? }
        let action: String?
        let pull_request: PullRequest?
        let merge_group: MergeGroup?
        let before: String?
        let after: String?
        let ref: String?
        let repository: RepositoryInfo?
    }

    static func names(
        argument: String?, environment: [String: String], in repository: Repository, remote: String = "origin"
    ) throws(AITrailError) -> (String, String, String) {
        if let argument, !argument.isEmpty {
            switch Revisions.parse(argument) {
            case .range(let from, let to): return (from, to, "argument")
            case .symmetric(let left, let right): return (left, right, "argument")
            default: return (argument, "HEAD", "argument")
            }
        }
        if let path = environment["GITHUB_EVENT_PATH"], !path.isEmpty {
            let event: GitHubEvent
            do {
                let bytes = try FileSystem.read(path)
                event = try JSONDecoder().decode(GitHubEvent.self, from: Data(bytes))
            } catch {
                throw AITrailError("cannot read the GitHub event \(path): \(error)", fix: "run in a GitHub Actions job, or pass the range: aitrail check <base>..<head>")
            }
            if let pr = event.pull_request { return (pr.base.sha, pr.head.sha, "github") }
            // A merge queue: the queue's temporary branch against the target's tip.
            if let group = event.merge_group { return (group.base_sha, group.head_sha, "github") }
            if let before = event.before, let after = event.after {
                if before.contains(where: { $0 != "0" }) { return (before, after, "github") }
                // A new branch (before = 000…0): its commits are those not on the default branch.
                let defaultBranch = event.repository?.default_branch.flatMap { $0.isEmpty ? nil : "\(remote)/\($0)" } ?? "\(remote)/HEAD"
                return (defaultBranch, after, "github")
            }
        }
        if let base = environment["CI_MERGE_REQUEST_DIFF_BASE_SHA"], !base.isEmpty {
            // Merged-results pipelines and merge trains run on a synthetic merge commit
            // (CI_COMMIT_SHA) that no evidence can name: the change is the source branch's head.
            let head = nonEmpty(environment["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"]) ?? nonEmpty(environment["CI_COMMIT_SHA"]) ?? "HEAD"
            return (base, head, "gitlab")
        }
        if let branch = environment["BUILDKITE_PULL_REQUEST_BASE_BRANCH"], !branch.isEmpty,
           environment["BUILDKITE_PULL_REQUEST"] != "false" {
            return ("origin/\(branch)", nonEmpty(environment["BUILDKITE_COMMIT"]).flatMap { $0 == "HEAD" ? nil : $0 } ?? "HEAD", "buildkite")
        }
        if let base = environment["AITRAIL_BASE"], !base.isEmpty { return (base, "HEAD", "AITRAIL_BASE") }
        guard (try? repository.resolveCommit("\(remote)/HEAD")) != nil else {
            throw AITrailError("no range to check: no argument, no CI pull request in the environment, and \(remote)/HEAD (the default branch) is not set",
                             fix: "pass the range, e.g. `aitrail check origin/main..HEAD`, set AITRAIL_BASE=origin/main, or record the default branch: git remote set-head \(remote) --auto")
        }
        return ("\(remote)/HEAD", "HEAD", "default-branch")
    }

    private static func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
}
