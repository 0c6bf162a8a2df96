import Foundation
import Testing
import TestSupport

// The GitHub Action's steps (action.yml → ci/action/*.sh) and the GitLab template's script lines
// (ci/gitlab/aitrail.gitlab-ci.yml), run as the CI systems run them: recorded event payloads, the
// variables they set, a step summary file, a release served from a folder (file://), and `swift`
// replaced by a tripwire so a run that would build fails loudly.

/// A repository whose `feature` branch holds one AI-assisted commit on top of `main`.
struct PullRequestRepository {
    let repo: TestRepository
    let base: String
    let head: String
    let tree: String

    init() throws {
        repo = try gateRepository()
        base = try repo.revParse("main")
        head = try repo.commit("Retry the payment client" + claudeTrailer)
        tree = try repo.revParse("HEAD^{tree}")
    }
}

/// A scratch folder with a tripwire `swift` first on PATH, a step summary file and GitHub's files.
struct Runner {
    let directory: String
    let swiftLog: String
    let path: String

    init() throws {
        directory = try makeTemporaryDirectory(prefix: "aitrail-runner")
        swiftLog = directory + "/swift-calls.log"
        try FileManager.default.createDirectory(atPath: directory + "/stubs", withIntermediateDirectories: true)
        try tripwire("swift", in: directory + "/stubs", log: swiftLog)
        path = directory + "/stubs:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        for file in ["summary.md", "output", "path", "env"] { _ = FileManager.default.createFile(atPath: "\(directory)/\(file)", contents: nil) }
    }

    var swiftCalls: String { (try? String(contentsOfFile: swiftLog, encoding: .utf8)) ?? "" }
    func read(_ file: String) -> String { (try? String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)) ?? "" }

    /// The environment GitHub gives a composite action's step.
    func github(event: String, payload: String, extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "PATH": path, "GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_ACTION_PATH": packageRoot,
            "GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": payload, "GITHUB_STEP_SUMMARY": directory + "/summary.md",
            "GITHUB_OUTPUT": directory + "/output", "GITHUB_PATH": directory + "/path", "GITHUB_ENV": directory + "/env",
            "GITHUB_REPOSITORY": "octo-org/octo-repo", "RUNNER_TEMP": directory, "AITRAIL_HOME": directory + "/cache/aitrail",
        ]
        for (key, value) in extra { env[key] = value }
        return env
    }
}

/// A loopback-only stand-in for the GitHub REST API's issue comments, written in Python: it keeps the
/// comments in memory and writes them, with every request seen, to `state` after each request.
final class FakeGitHubAPI {
    let process = Process()
    let url: String
    let state: String

    init(directory: String, forbidPostingWith forbiddenToken: String = "read-only-token") throws {
        let script = directory + "/api.py", portFile = directory + "/port"
        state = directory + "/api-state.json"
        try #"""
        import http.server, json, re, sys
        state_path, port_path, forbidden = sys.argv[1:4]
        comments = [{"id": 11, "body": "Looks good to me", "user": {"login": "reviewer"}}]
        requests = []
        class API(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args): pass
            def reply(self, status, value):
                data = json.dumps(value).encode()
                self.send_response(status); self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
                json.dump({"comments": comments, "requests": requests}, open(state_path, "w"))
            def record(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                requests.append({"method": self.command, "path": self.path, "authorization": self.headers.get("Authorization"), "body": body})
                return body
            def do_GET(self):
                self.record()
                m = re.fullmatch(r"/repos/octo-org/octo-repo/issues/7/comments\?per_page=100&page=(\d+)", self.path)
                if not m: return self.reply(404, {"message": "Not Found"})
                page = int(m.group(1))
                self.reply(200, comments[(page - 1) * 100: page * 100])
            def do_POST(self):
                body = self.record()
                if self.headers.get("Authorization") == "Bearer " + forbidden:
                    return self.reply(403, {"message": "Resource not accessible by integration"})
                if self.path != "/repos/octo-org/octo-repo/issues/7/comments": return self.reply(404, {"message": "Not Found"})
                comment = {"id": 1000 + len(comments), "body": body["body"], "html_url": "https://github.test/c/%d" % (1000 + len(comments))}
                comments.append(comment); self.reply(201, comment)
            def do_PATCH(self):
                body = self.record()
                if self.headers.get("Authorization") == "Bearer " + forbidden:
                    return self.reply(403, {"message": "Resource not accessible by integration"})
                m = re.fullmatch(r"/repos/octo-org/octo-repo/issues/comments/(\d+)", self.path)
                found = [c for c in comments if m and c["id"] == int(m.group(1))]
                if not found: return self.reply(404, {"message": "Not Found"})
                found[0]["body"] = body["body"]; self.reply(200, found[0])
        server = http.server.HTTPServer(("127.0.0.1", 0), API)
        open(port_path, "w").write(str(server.server_address[1]))
        server.serve_forever()
        """#.write(toFile: script, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, state, portFile, forbiddenToken]
        // Its own output, not the test runner's: swift test waits for every holder of its pipes.
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var port = ""
        for _ in 0..<100 where port.isEmpty {
            Thread.sleep(forTimeInterval: 0.05)
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
        }
        url = "http://127.0.0.1:\(port)"
    }

    // SIGKILL: the test runner's children may inherit a mask that blocks SIGTERM.
    deinit { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }

    struct State: Decodable {
        struct Comment: Decodable { let id: Int; let body: String }
        struct Request: Decodable { let method: String; let path: String; let authorization: String? }
        let comments: [Comment]
        let requests: [Request]
    }

    func read() throws -> State {
        try JSONDecoder().decode(State.self, from: Data(contentsOf: URL(fileURLWithPath: state)))
    }
}

/// The items of `key:` under the top-level `job` of a GitLab CI file (one-line items, as the template keeps them).
func gitlabList(_ yaml: String, job: String, key: String) -> [String] {
    var inJob = false, inKey = false, items: [String] = []
    for line in yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if !line.hasPrefix(" ") && !line.isEmpty && !line.hasPrefix("#") { inJob = line == "\(job):"; inKey = false; continue }
        guard inJob else { continue }
        if line.hasPrefix("  ") && !line.hasPrefix("   ") { inKey = line == "  \(key):"; continue }
        if inKey, line.hasPrefix("    - ") { items.append(String(line.dropFirst(6))) }
    }
    return items
}

/// The template's top-level `variables:` (`NAME: "value"`).
func gitlabVariables(_ yaml: String) -> [String: String] {
    var variables: [String: String] = [:]
    for match in yaml.matches(of: /\n  ([A-Z_]+): "([^"]*)"/) where yaml[..<match.range.lowerBound].range(of: "\n.aitrail-install:") == nil {
        variables[String(match.1)] = String(match.2)
    }
    return variables
}

@Suite(.serialized) struct CIStepsTests {
    @Test func actionStepsInstallOnceThenFromTheCacheAndGatePullRequestAndMergeGroup() throws {
        let release = try packagedRelease.get()
        let pr = try PullRequestRepository()
        let runner = try Runner()
        defer { try? FileManager.default.removeItem(atPath: runner.directory) }
        let payload = try eventPayload("pull_request", base: pr.base, head: pr.head, tree: pr.tree, into: runner.directory)
        let env = runner.github(event: "pull_request", payload: payload, extra: ["AITRAIL_RELEASE_URL": "file://" + release.dist])

        // Step 1: the cache key names the version and changes with the sources.
        let key = try runScript([packageRoot + "/ci/action/cache-key.sh"], environment: env)
        #expect(key.result.status == 0, "\(key.result.stderr)")
        #expect(runner.read("output").contains("key=aitrail-\(release.version)-"))
        #expect(runner.read("output").contains("path=\(runner.directory)/cache/aitrail\n"))

        // A change to the action's sources is a new key (a copy of them, one file edited).
        let copy = runner.directory + "/action-copy"
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for item in ["Package.swift", "Sources"] { try FileManager.default.copyItem(atPath: packageRoot + "/" + item, toPath: copy + "/" + item) }
        let keyOf = { (root: String) throws -> String in
            var keyEnv = env
            keyEnv["GITHUB_ACTION_PATH"] = root
            keyEnv["GITHUB_OUTPUT"] = "/dev/null"
            return try runScript([packageRoot + "/ci/action/cache-key.sh"], environment: keyEnv).result.stdout
        }
        #expect(try keyOf(copy) == key.result.stdout)
        try "// edited\n".write(toFile: copy + "/Sources/AITrailKit/Edited.swift", atomically: true, encoding: .utf8)
        #expect(try keyOf(copy) != key.result.stdout)

        // Step 2, cold: the release binary, verified; no build.
        let cold = try runScript([packageRoot + "/ci/action/install.sh"], environment: env)
        timing("action install, cold (release download from file://)", cold.seconds)
        #expect(cold.result.status == 0, "\(cold.result.stderr)")
        #expect(cold.result.stderr.contains("installed the release binary aitrail-\(release.version)-linux-\(release.arch).tar.gz"))
        #expect(runner.read("path") == runner.directory + "/cache/aitrail/bin\n")
        #expect(runner.read("env") == "AITRAIL_BINARY=\(runner.directory)/cache/aitrail/bin/aitrail\n")

        // Step 2, warm (the cache restored, no release reachable): the cached binary; no build, no download.
        var warmEnv = env
        warmEnv["AITRAIL_RELEASE_URL"] = "file://\(runner.directory)/no-release-here"
        let warm = try runScript([packageRoot + "/ci/action/install.sh"], environment: warmEnv)
        timing("action install, warm (actions/cache restored)", warm.seconds)
        #expect(warm.result.status == 0, "\(warm.result.stderr)")
        #expect(warm.result.stderr.contains("restored from the cache"))
        #expect(!warm.result.stderr.contains("building"))
        #expect(runner.swiftCalls.isEmpty, "swift was run: \(runner.swiftCalls)")

        // Step 3 on the pull_request event: the AI commit has no evidence — exit 1, annotations, summary, SARIF.
        var checkEnv = env
        checkEnv["AITRAIL_BINARY"] = runner.directory + "/cache/aitrail/bin/aitrail"
        checkEnv["AITRAIL_SARIF"] = runner.directory + "/aitrail.sarif"
        let failing = try runScript([packageRoot + "/ci/action/check.sh"], in: pr.repo.path, environment: checkEnv)
        timing("action check (pull_request, 1 commit)", failing.seconds)
        #expect(failing.result.status == 1, "\(failing.result.stdout)\(failing.result.stderr)")
        #expect(failing.result.stdout.contains("::error"))
        #expect(failing.result.stdout.contains("::notice title=aitrail::no refs/notes/aitrail on origin yet"))
        #expect(runner.read("summary.md").contains(String(pr.head.prefix(7))))
        let sarif = try jsonObject(String(contentsOfFile: runner.directory + "/aitrail.sarif", encoding: .utf8))
        #expect(sarif["version"] as? String == "2.1.0")

        // Evidence on the head's tree: the same step passes.
        #expect(try aitrail(["eval", "run", "--", "true"], in: pr.repo).status == 0)
        let passing = try runScript([packageRoot + "/ci/action/check.sh"], in: pr.repo.path, environment: checkEnv)
        #expect(passing.result.status == 0, "\(passing.result.stdout)\(passing.result.stderr)")

        // merge_group (the merge queue): never a vacuous pass of zero commits.
        let queue = try eventPayload("merge_group", base: pr.base, head: pr.head, tree: pr.tree, into: runner.directory)
        try pr.repo.git(["notes", "--ref=aitrail", "remove", "--ignore-missing", pr.head])
        var queueEnv = runner.github(event: "merge_group", payload: queue)
        queueEnv["AITRAIL_BINARY"] = checkEnv["AITRAIL_BINARY"]
        let merged = try runScript([packageRoot + "/ci/action/check.sh"], in: pr.repo.path, environment: queueEnv)
        // The queue's base_sha..head_sha is judged: the AI commit, its evidence removed, fails (exit 1).
        #expect(merged.result.status == 1, "merge_group: \(merged.result.stdout)\(merged.result.stderr)")
        #expect(merged.result.stdout.contains(String(pr.head.prefix(7))))
        #expect(!merged.result.stdout.contains("passed (0 commits)"))
        #expect(runner.swiftCalls.isEmpty)

        // mode: anything but check, carry or publish is a usage error of the carry step.
        var carryEnv = queueEnv
        carryEnv["AITRAIL_MODE"] = "gate"
        let mode = try runScript([packageRoot + "/ci/action/carry.sh"], in: pr.repo.path, environment: carryEnv)
        #expect(mode.result.status == 64)
        #expect(mode.result.stdout.contains("::error title=aitrail::unknown mode 'gate' (use check, carry or publish)"))
    }

    @Test func installRefusesAReleaseWhoseChecksumDoesNotMatch() throws {
        let release = try packagedRelease.get()
        let runner = try Runner()
        defer { try? FileManager.default.removeItem(atPath: runner.directory) }
        let dist = runner.directory + "/release"
        try FileManager.default.createDirectory(atPath: dist, withIntermediateDirectories: true)
        let name = URL(fileURLWithPath: release.tarball).lastPathComponent
        try FileManager.default.copyItem(atPath: release.tarball, toPath: "\(dist)/\(name)")
        try "\(String(repeating: "0", count: 64))  \(name)\n".write(toFile: "\(dist)/\(name).sha256", atomically: true, encoding: .utf8)
        let env = runner.github(event: "pull_request", payload: "/dev/null", extra: ["AITRAIL_RELEASE_URL": "file://" + dist])
        let refused = try runScript([packageRoot + "/ci/action/install.sh"], environment: env)
        #expect(refused.result.status == 1)
        #expect(refused.result.stderr.contains("::error title=aitrail install::checksum mismatch for file://\(dist)/\(name)"))
        #expect(!FileManager.default.fileExists(atPath: runner.directory + "/cache/aitrail/bin/aitrail"))
        #expect(runner.swiftCalls.isEmpty)
    }

    @Test func withoutAReleaseTheActionBuildsOnceAndTheCacheKeepsIt() throws {
        let release = try packagedRelease.get()
        let runner = try Runner()
        defer { try? FileManager.default.removeItem(atPath: runner.directory) }
        // release-url: "" (no release). The build is ensure_release_binary's; its folder is the one the
        // fixture already built, so `swift` (the tripwire) must not run — a stale build would trip it.
        let env = runner.github(event: "pull_request", payload: "/dev/null",
                                extra: ["AITRAIL_RELEASE_URL": "", "AITRAIL_BUILD_PATH": releaseBuildPath])
        let built = try runScript([packageRoot + "/ci/action/install.sh"], environment: env)
        timing("action install, no release (build step, up to date)", built.seconds)
        #expect(built.result.status == 0, "\(built.result.stderr)")
        #expect(built.result.stderr.contains("building aitrail \(release.version) from \(packageRoot) (once; the cache keeps it)"))
        #expect(runner.read("cache/aitrail/origin") == "build \(packageRoot)\n")
        let cached = try runScript([packageRoot + "/ci/action/install.sh"], environment: env)
        #expect(cached.result.status == 0)
        #expect(cached.result.stderr.contains("using \(runner.directory)/cache/aitrail/bin/aitrail (build \(packageRoot), restored from the cache)"))
        #expect(runner.swiftCalls.isEmpty, "swift was run: \(runner.swiftCalls)")
    }

    @Test func examplesPinTheSourceVersion() throws {
        let release = try packagedRelease.get()
        for file in ["README.md", "docs/check.md", "docs/hooks.md", "action.yml", "ci/gitlab/aitrail.gitlab-ci.yml"] {
            let text = try String(contentsOfFile: packageRoot + "/" + file, encoding: .utf8)
            #expect(!text.contains("@main") && !text.contains("aitrail/main/"), "\(file) names an unpinned main")
            for match in text.matches(of: /aitrail\/aitrail@(v[0-9.]+)|aitrail\/(v[0-9.]+)\/|download\/(v[0-9.]+)/) {
                let tag = String(match.1 ?? match.2 ?? match.3 ?? "")
                #expect(tag == "v" + release.version, "\(file) pins \(tag), the sources are \(release.version)")
            }
            for match in text.matches(of: /uses: ([\w\/.-]+)@(\S+)/) where !match.1.hasPrefix("aitrail/") {
                #expect(match.2.count == 40, "\(file): \(match.1)@\(match.2) is not pinned to a commit")
            }
        }
    }

    @Test func commentModePostsTheMarkdownReportThenUpdatesItInPlace() throws {
        let release = try packagedRelease.get()
        let pr = try PullRequestRepository()
        let runner = try Runner()
        defer { try? FileManager.default.removeItem(atPath: runner.directory) }
        let api = try FakeGitHubAPI(directory: runner.directory)
        let payload = try eventPayload("pull_request", base: pr.base, head: pr.head, tree: pr.tree, into: runner.directory)
        var env = runner.github(event: "pull_request", payload: payload, extra: ["AITRAIL_RELEASE_URL": "file://" + release.dist])
        #expect(try runScript([packageRoot + "/ci/action/install.sh"], environment: env).result.status == 0)
        env["AITRAIL_BINARY"] = runner.directory + "/cache/aitrail/bin/aitrail"
        env["AITRAIL_COMMENT"] = "true"
        env["GITHUB_API_URL"] = api.url
        env["GITHUB_TOKEN"] = "test-token"

        let first = try runScript([packageRoot + "/ci/action/check.sh"], in: pr.repo.path, environment: env)
        #expect(first.result.status == 1, "\(first.result.stdout)")
        #expect(first.result.stdout.contains("aitrail: posted the comment on pull request #7"))
        var state = try api.read()
        #expect(state.comments.count == 2)
        let posted = try #require(state.comments.last)
        #expect(posted.body.hasPrefix("<!-- aitrail -->\n"))
        #expect(posted.body.contains(String(pr.head.prefix(7))))
        #expect(state.requests.allSatisfy { $0.authorization == "Bearer test-token" })

        // Evidence recorded, the step runs again: the same comment now says it passed.
        #expect(try aitrail(["eval", "run", "--", "true"], in: pr.repo).status == 0)
        let second = try runScript([packageRoot + "/ci/action/check.sh"], in: pr.repo.path, environment: env)
        #expect(second.result.status == 0, "\(second.result.stdout)")
        #expect(second.result.stdout.contains("aitrail: updated the comment on pull request #7"))
        state = try api.read()
        #expect(state.comments.map(\.id) == [11, posted.id])
        #expect(state.comments[0].body == "Looks good to me")
        #expect(state.comments[1].body.hasPrefix("<!-- aitrail -->\n") && state.comments[1].body != posted.body)
        #expect(state.requests.filter { $0.method == "PATCH" }.map(\.path) == ["/repos/octo-org/octo-repo/issues/comments/\(posted.id)"])
        #expect(state.requests.filter { $0.method == "POST" }.count == 1)

        // A fork's read-only token: a warning; the gate's own result stands.
        let forkRepo = try PullRequestRepository()
        let forkPayload = try eventPayload("pull_request", base: forkRepo.base, head: forkRepo.head, tree: forkRepo.tree, into: runner.directory)
        var forkEnv = env
        forkEnv["GITHUB_EVENT_PATH"] = forkPayload
        forkEnv["GITHUB_TOKEN"] = "read-only-token"
        let fork = try runScript([packageRoot + "/ci/action/check.sh"], in: forkRepo.repo.path, environment: forkEnv)
        #expect(fork.result.status == 1)
        #expect(fork.result.stdout.contains("::warning title=aitrail::cannot comment on pull request #7 (HTTP 403)"))
        #expect(try api.read().comments.count == 2)
    }

    @Test func gitlabTemplateScriptLinesInstallOnceAndGateTheMergeRequest() throws {
        let release = try packagedRelease.get()
        let yaml = try String(contentsOfFile: packageRoot + "/ci/gitlab/aitrail.gitlab-ci.yml", encoding: .utf8)
        var variables = gitlabVariables(yaml)
        #expect(variables["AITRAIL_VERSION"] == release.version)
        #expect(variables["AITRAIL_RELEASE_URL"]?.hasSuffix("/releases/download/v\(release.version)") == true)
        #expect(variables["AITRAIL_INSTALL_SCRIPT"]?.hasSuffix("/v\(release.version)/ci/install.sh") == true)
        #expect(yaml.contains("    key: aitrail-$AITRAIL_VERSION-"))
        let install = gitlabList(yaml, job: ".aitrail-install", key: "before_script")
        let check = gitlabList(yaml, job: "aitrail-check", key: "script")
        #expect(install.count >= 3 && check.count >= 3)

        let pr = try PullRequestRepository()
        let runner = try Runner()
        defer { try? FileManager.default.removeItem(atPath: runner.directory) }
        // The release and ci/install.sh served from this checkout instead of GitHub.
        variables["AITRAIL_RELEASE_URL"] = "file://" + release.dist
        variables["AITRAIL_INSTALL_SCRIPT"] = "file://" + packageRoot + "/ci/install.sh"
        var env = variables
        env["PATH"] = runner.path
        env["GITLAB_CI"] = "true"
        env["CI"] = "true"
        env["CI_PROJECT_DIR"] = pr.repo.path
        env["CI_PIPELINE_SOURCE"] = "merge_request_event"
        env["CI_MERGE_REQUEST_DIFF_BASE_SHA"] = pr.base
        env["CI_COMMIT_SHA"] = pr.head
        env["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"] = pr.head
        // GitLab runs before_script and script in one shell and stops at the first failing line.
        let job = "set -eo pipefail\n" + (install + check).joined(separator: "\n")

        let cold = try runScript(["-c", job], in: pr.repo.path, environment: env)
        timing("gitlab job, cold (release download + check)", cold.seconds)
        #expect(cold.result.status == 1, "\(cold.result.stdout)\(cold.result.stderr)")
        #expect(cold.result.stderr.contains("installed the release binary"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: pr.repo.path + "/gl-code-quality-report.json"))) as? [[String: Any]])
        #expect(report.contains { ($0["description"] as? String)?.isEmpty == false })
        #expect(cold.result.stdout.contains(String(pr.head.prefix(7))))

        // The next pipeline, with the job cache (.aitrail-cache/) restored: no download, no build.
        env["AITRAIL_RELEASE_URL"] = "file://\(runner.directory)/no-release-here"
        #expect(try aitrail(["eval", "run", "--", "true"], in: pr.repo).status == 0)
        let warm = try runScript(["-c", job], in: pr.repo.path, environment: env)
        timing("gitlab job, warm (cache restored + check)", warm.seconds)
        #expect(warm.result.status == 0, "\(warm.result.stdout)\(warm.result.stderr)")
        #expect(warm.result.stderr.contains("restored from the cache"))
        #expect(runner.swiftCalls.isEmpty, "swift was run: \(runner.swiftCalls)")
    }
}
