import Foundation
import TestSupport

/// Variables of CI systems that would steer `aitrail check`'s range if the test runner had them.
let ciEnvironment = [
    "CI_COMMIT_SHA", "BUILDKITE_PULL_REQUEST_BASE_BRANCH", "BUILDKITE_PULL_REQUEST", "BUILDKITE_COMMIT",
    "CI_JOB_URL", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID", "CI",
]

/// Runs the built binary in `repo` with a clean environment plus `environment`.
@discardableResult
func aitrail(_ arguments: [String], in repo: TestRepository, environment: [String: String] = [:]) throws -> ProcessResult {
    var env = ["GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"]
    for (key, value) in environment { env[key] = value }
    return try runProcess(aitrailBinary, arguments, in: repo.path, environment: env, removing: agentEnvironment + ciEnvironment)
}

/// The JSON report's parts the tests look at.
struct CheckJSON: Decodable {
    struct Finding: Decodable {
        let commit: String
        let rule: String
        let message: String
        let fix: String
        let path: String?
    }
    struct Range: Decodable {
        let range: String
        let source: String
        let base: String
        let head: String
    }
    struct Commit: Decodable {
        let commit: String
        let evidence: String?
        let skipped: String?
        let ai: Bool
    }
    let findings: [Finding]
    let notices: [String]
    let range: Range
    let policy: String
    let passed: Bool
    let commits: [Commit]
}

/// A repository with `main` (holding `.aitrail` when given) and a `feature` branch checked out.
func gateRepository(policy: String? = nil) throws -> TestRepository {
    let repo = try TestRepository()
    if let policy { try repo.write(".aitrail", policy) }
    try repo.commit("base")
    try repo.git(["checkout", "-q", "-b", "feature"])
    return repo
}

/// `aitrail check <range> --format json`: the exit status and the decoded report (nil on exit 2).
func check(_ repo: TestRepository, _ range: String? = "main..feature", environment: [String: String] = [:]) throws -> (status: Int32, report: CheckJSON?, result: ProcessResult) {
    let result = try aitrail(["check"] + (range.map { [$0] } ?? []) + ["--format", "json"], in: repo, environment: environment)
    let report = try? JSONDecoder().decode(CheckJSON.self, from: Data(result.stdout.utf8))
    return (result.status, report, result)
}

let claudeTrailer = "\n\nAssisted-by: claude-code:claude-opus-4.6"
