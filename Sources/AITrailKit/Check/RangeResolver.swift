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
    /// How the range was found: `argument`, `github`, `gitlab`, `buildkite`, `AITRAIL_BASE`, `upstream`.
    public var source: String
    /// The range as given (`origin/main..HEAD`).
    public var spelled: String
}

/// Finds the range to check: the argument, else the CI's environment, else the upstream (SPEC §8).
public enum RangeResolver {
    static let historyFix =
        "fetch the full history: `git fetch --unshallow origin` (GitHub Actions: `actions/checkout` with `fetch-depth: 0`; GitLab CI: `GIT_DEPTH: \"0\"`)"

    public static func resolve(argument: String?, environment: [String: String], in repository: Repository) throws(CheckError) -> CheckRange {
        let (baseName, headName, source) = try names(argument: argument, environment: environment, in: repository)
        let spelled = "\(baseName)..\(headName)"
        let head: ObjectID
        do { head = try repository.resolveCommit(headName) } catch {
            throw CheckError("the head of \(spelled) (\(source)) is not in this repository: \(error.message)",
                             fix: repository.isShallow ? historyFix : "fetch it (`git fetch origin`) or pass a range that exists, e.g. `aitrail check origin/main..HEAD`")
        }
        let base: ObjectID
        do { base = try repository.resolveCommit(baseName) } catch {
            if repository.isShallow {
                throw CheckError("the base of \(spelled) (\(source)) is not in this shallow clone, so the range cannot be judged", fix: historyFix)
            }
            throw CheckError("unknown base '\(baseName)' of \(spelled) (\(source)): \(error.message)",
                             fix: "fetch it (`git fetch origin`) or pass a base that exists, e.g. `aitrail check origin/main..HEAD`; in CI check out the full history (`fetch-depth: 0`)")
        }
        let mergeBase: ObjectID?
        do { mergeBase = try repository.mergeBase(base, head) } catch {
            if repository.isShallow {
                throw CheckError("\(spelled) has no merge base in this shallow clone (\(error.message)), so the range cannot be judged", fix: historyFix)
            }
            throw CheckError("cannot find the merge base of \(spelled): \(error.message)", fix: historyFix)
        }
        guard let mergeBase else {
            if repository.isShallow {
                throw CheckError("\(spelled) has no merge base in this shallow clone, so the range cannot be judged", fix: historyFix)
            }
            throw CheckError("\(baseName) and \(headName) share no history, so \(spelled) has no merge base",
                             fix: "pass the branch the change is based on, e.g. `aitrail check origin/main..HEAD`")
        }
        return CheckRange(base: base, head: head, mergeBase: mergeBase, source: source, spelled: spelled)
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
        struct Repository: Decodable { let default_branch: String? }
        let action: String?
        let pull_request: PullRequest?
        let before: String?
        let after: String?
        let ref: String?
        let repository: Repository?
    }

    static func names(argument: String?, environment: [String: String], in repository: Repository) throws(CheckError) -> (String, String, String) {
        if let argument, !argument.isEmpty {
            for separator in ["...", ".."] {
                if let range = argument.firstRange(of: separator) {
                    let left = String(argument[..<range.lowerBound]), right = String(argument[range.upperBound...])
                    return (left.isEmpty ? "HEAD" : left, right.isEmpty ? "HEAD" : right, "argument")
                }
            }
            return (argument, "HEAD", "argument")
        }
        if let path = environment["GITHUB_EVENT_PATH"], !path.isEmpty {
            let event: GitHubEvent
            do {
                let bytes = try FileSystem.read(path)
                event = try JSONDecoder().decode(GitHubEvent.self, from: Data(bytes))
            } catch {
                throw CheckError("cannot read the GitHub event \(path): \(error)", fix: "run in a GitHub Actions job, or pass the range: aitrail check <base>..<head>")
            }
            if let pr = event.pull_request { return (pr.base.sha, pr.head.sha, "github") }
            if let before = event.before, let after = event.after, before.contains(where: { $0 != "0" }) {
                return (before, after, "github")
            }
        }
        if let base = environment["CI_MERGE_REQUEST_DIFF_BASE_SHA"], !base.isEmpty {
            return (base, nonEmpty(environment["CI_COMMIT_SHA"]) ?? "HEAD", "gitlab")
        }
        if let branch = environment["BUILDKITE_PULL_REQUEST_BASE_BRANCH"], !branch.isEmpty,
           environment["BUILDKITE_PULL_REQUEST"] != "false" {
            return ("origin/\(branch)", nonEmpty(environment["BUILDKITE_COMMIT"]).flatMap { $0 == "HEAD" ? nil : $0 } ?? "HEAD", "buildkite")
        }
        if let base = environment["AITRAIL_BASE"], !base.isEmpty { return (base, "HEAD", "AITRAIL_BASE") }
        guard (try? repository.resolveCommit("@{upstream}")) != nil else {
            throw CheckError("no range to check: no argument, no CI pull request in the environment, and HEAD's branch has no upstream",
                             fix: "pass the range, e.g. `aitrail check origin/main..HEAD`, or set AITRAIL_BASE=origin/main")
        }
        return ("@{upstream}", "HEAD", "upstream")
    }

    private static func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
}
