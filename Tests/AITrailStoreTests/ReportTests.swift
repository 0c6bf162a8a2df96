import AITrailStore
import Foundation
import Testing
import TestSupport

@Suite struct ReportTests {
    /// Three repositories in two teams (and one unmapped), published into one store.
    func organisation(_ backend: Backend) throws -> (store: String, teams: String, folder: String) {
        let store = try backend.makeStore()
        let specs = [("https://github.com/acme/pay-api.git", 6), ("https://github.com/acme/pay-web.git", 3), ("https://github.com/acme/search.git", 4)]
        for (origin, commits) in specs {
            let repository = try makeRepository(origin: origin, commits: commits)
            let result = try aitrail(["publish", "--db", store], in: repository.path)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let folder = try makeTemporaryDirectory(prefix: "aitrail-report")
        let teams = folder + "/teams"
        try "# repository pattern = team\ngithub.com/acme/pay-* = Payments\n\ngithub.com/acme/nothing = Ghosts\n".write(toFile: teams, atomically: true, encoding: .utf8)
        return (store, teams, folder)
    }

    @Test(arguments: Backend.allCases)
    func theReportCountsEveryRepositoryAndTeam(backend: Backend) throws {
        let (store, teams, folder) = try organisation(backend)
        let result = try aitrail(["report", "--db", store, "--format", "json", "--teams", teams], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try jsonObject(result.stdout)
        #expect(report["repositories"] as? Int == 3)
        let totals = report["totals"] as? [String: Any]
        // Changes 0 and 3 of each are AI: 2 + 1 + 2.
        #expect(totals?["commits"] as? Int == 13)
        #expect(totals?["ai"] as? Int == 5)
        let byRepo = (report["by_repo"] as? [[String: Any]] ?? []).map { ($0["repo"] as? String ?? "", $0["commits"] as? Int ?? 0, $0["ai"] as? Int ?? 0) }
        #expect(byRepo.map(\.0) == ["github.com/acme/pay-api", "github.com/acme/search", "github.com/acme/pay-web"])
        #expect(byRepo.map(\.1) == [6, 4, 3])
        #expect(byRepo.map(\.2) == [2, 2, 1])
        let byTeam = (report["by_team"] as? [[String: Any]] ?? []).map { ($0["team"] as? String ?? "", $0["commits"] as? Int ?? 0, $0["ai"] as? Int ?? 0) }
        #expect(byTeam.map(\.0) == ["Payments", "(no team)"])
        #expect(byTeam.map(\.1) == [9, 4])
        #expect(byTeam.map(\.2) == [3, 2])
        let agents = report["by_agent"] as? [[String: Any]]
        #expect(agents?.first?["agent"] as? String == "claude-code")
        #expect(agents?.first?["share_of_ai"] as? Double == 1)
        #expect((report["team_trends"] as? [String: Any])?.keys.sorted() == ["(no team)", "Payments"])

        // --since in the future leaves nothing; --by keeps one breakdown.
        let none = try jsonObject(try aitrail(["report", "--db", store, "--format", "json", "--since", "2999-01-01", "--by", "agent"], in: folder).stdout)
        #expect((none["totals"] as? [String: Any])?["commits"] as? Int == 0)
        #expect(none.keys.filter { $0.hasPrefix("by_") } == ["by_agent"])
    }

    @Test func everyFormatRendersTheSameCounts() throws {
        let (store, teams, folder) = try organisation(.sqlite)
        func report(_ format: String, _ extra: [String] = []) throws -> String {
            let result = try aitrail(["report", "--db", store, "--format", format, "--teams", teams] + extra, in: folder)
            #expect(result.status == 0, "\(format): \(result.stderr)")
            return result.stdout
        }
        let table = try report("table")
        #expect(table.contains("3 repositories · 13 commits"), "\(table)")
        #expect(table.contains("AI-assisted: 5 commits (38.5%)"), "\(table)")
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("Payments") && $0.contains(" 9 ") && $0.contains("33.3%") }, "\(table)")

        let csv = try report("csv", ["--by", "repo"]).split(separator: "\n").map(String.init)
        #expect(csv.first == "grouping,key,commits,ai,share,passed,failed,stale,none,evidence_coverage")
        #expect(csv.contains("repo,github.com/acme/pay-api,6,2,0.3333,0,0,0,2,0.0"))

        let markdown = try report("markdown", ["--by", "team"])
        #expect(markdown.contains("| Payments | 9 | 3 | 33.3% | 0.0% |"), "\(markdown)")

        let html = try report("html")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Adoption over time") && html.contains("Per team over time"))
        #expect(html.contains("<svg") && !html.contains("<script"))
        #expect(html.contains("Payments: 33.3% AI"), "\(html)")

        let output = folder + "/report.html"
        #expect(try aitrail(["report", "--db", store, "--format", "html", "--output", output], in: folder).status == 0)
        #expect(FileManager.default.fileExists(atPath: output))
    }

    @Test func aTeamMapWithABadLineNamesTheLine() throws {
        #expect(throws: StoreError.self) { try TeamMap(text: "a = b\nno equals sign\n", name: "teams") }
        do {
            _ = try TeamMap(text: "a = b\nno equals sign\n", name: "teams")
        } catch {
            #expect(error.message.contains("teams:2: 'no equals sign' is not PATTERN = TEAM"))
        }
        let map = try TeamMap(text: "*/acme/pay-* = Payments # all payment services\n* = Everyone else\n", name: "teams")
        #expect(map.team(of: "github.com/acme/pay-api") == "Payments")
        #expect(map.team(of: "gitlab.com/other/x") == "Everyone else")
    }

    @Test func csvCellsThatASpreadsheetWouldRunAreNeutralised() {
        #expect(OrgCSVRenderer.neutralise("=cmd()") == "'=cmd()")
        #expect(OrgCSVRenderer.neutralise("@sum") == "'@sum")
        #expect(OrgCSVRenderer.neutralise("github.com/a") == "github.com/a")
    }
}

/// The CI publish modes, run as the CI systems run them.
@Suite struct CIPublishTests {
    let debugFolder = URL(fileURLWithPath: aitrailBinary).deletingLastPathComponent().path

    @Test func theActionPublishesOnPushesToTheDefaultBranchOnly() throws {
        let repository = try makeRepository(commits: 3)
        let store = "sqlite:" + (try makeTemporaryDirectory(prefix: "aitrail-store")) + "/store.db"
        var env = ["GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/heads/main", "AITRAIL_DEFAULT_BRANCH": "main",
                   "AITRAIL_BINARY": aitrailBinary, "AITRAIL_DB": store]
        let published = try runProcess(packageRoot + "/ci/action/publish.sh", [], in: repository.path, environment: env, removing: agentEnvironment)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.contains("github.com/acme/api: 3 new commits (1 AI) [first]"), "\(published.stdout)")

        env["GITHUB_REF"] = "refs/heads/feature"
        let elsewhere = try runProcess(packageRoot + "/ci/action/publish.sh", [], in: repository.path, environment: env, removing: agentEnvironment)
        #expect(elsewhere.status == 0)
        #expect(elsewhere.stdout.contains("runs on pushes to the default branch (main); this run is 'push' on 'refs/heads/feature': nothing published"))

        env["GITHUB_REF"] = "refs/heads/main"
        env["AITRAIL_DB"] = ""
        let noURL = try runProcess(packageRoot + "/ci/action/publish.sh", [], in: repository.path, environment: env, removing: agentEnvironment)
        #expect(noURL.status == 2)
        #expect(noURL.stdout.contains("::error title=aitrail publish::no database URL"))

        let action = try String(contentsOfFile: packageRoot + "/action.yml", encoding: .utf8)
        #expect(action.contains("if: inputs.mode == 'publish'") && action.contains("ci/action/publish.sh"))
    }

    @Test func theGitLabJobRunsItsScriptOnTheDefaultBranchWithAURL() throws {
        let yaml = try String(contentsOfFile: packageRoot + "/ci/gitlab/aitrail.gitlab-ci.yml", encoding: .utf8)
        let job = try #require(yaml.components(separatedBy: "\naitrail-publish:\n").last)
        #expect(job.contains(#"- if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push" && $AITRAIL_DB"#))
        let script = job.components(separatedBy: "  script:\n").last?.split(separator: "\n")
            .filter { $0.hasPrefix("    - ") }.map { String($0.dropFirst(6)) } ?? []
        #expect(script.last == "aitrail publish")
        let repository = try makeRepository(commits: 2)
        let store = "sqlite:" + (try makeTemporaryDirectory(prefix: "aitrail-store")) + "/store.db"
        let result = try runProcess("/bin/bash", ["-ec", script.joined(separator: "\n")], in: repository.path,
                                    environment: ["AITRAIL_DB": store, "PATH": debugFolder + ":/usr/bin:/bin"], removing: agentEnvironment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("github.com/acme/api: 2 new commits (1 AI) [first]"), "\(result.stdout)")
    }
}
