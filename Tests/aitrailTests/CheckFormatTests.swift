import Foundation
import Testing
import TestSupport

/// The schemas are vendored in `Tests/Schemas` (see its README), so the validation tests run in any clone.
let schemasFolder = packageRoot + "/Tests/Schemas"
let sarifSchema = schemasFolder + "/sarif-schema-2.1.0.json"
let junitSchema = schemasFolder + "/junit.xsd"

private func failingRange() throws -> TestRepository {
    let repo = try gateRepository(policy: "[evidence]\n\tscope = each\n[agents]\n\tallow = codex\n[review]\n\tpath = src/payments/**\n")
    try repo.commit("Refund <flow> & \"quotes\"" + claudeTrailer, file: "src/payments/refund.swift")
    try repo.commit("Human change")
    try repo.commit("Bad trailer\n\nAssisted-by: John <j@example.com>")
    return repo
}

private func passingRange() throws -> TestRepository {
    let repo = try gateRepository()
    try repo.commit("Add parser" + claudeTrailer)
    #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
    return repo
}

@Suite struct CheckFormatTests {
    @Test func everySARIFResultHasAnEncodedPhysicalLocation() throws {
        let repo = try gateRepository(policy: "[review]\n\tpath = src/**\n")
        try repo.commit("Odd names" + claudeTrailer, file: "src/pay ments/#1 ü?.swift")
        let result = try aitrail(["check", "main..feature", "--format", "sarif"], in: repo)
        #expect(result.status == 1)
        let log = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let results = try #require(((log["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        let uris = results.compactMap { result -> String? in
            let location = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            return (location?["artifactLocation"] as? [String: Any])?["uri"] as? String
        }
        #expect(results.count == 2)  // review-required on the path, evidence-missing on the commit's first file
        #expect(uris == ["src/pay%20ments/%231%20%C3%BC%3F.swift", "src/pay%20ments/%231%20%C3%BC%3F.swift"])
    }

    @Test func sarifValidatesAgainstTheSchema() throws {
        for repo in [try failingRange(), try passingRange()] {
            let output = try makeTemporaryDirectory() + "/check.sarif"
            let result = try aitrail(["check", "main..feature", "--format", "sarif", "--output", output], in: repo)
            #expect(result.status == 0 || result.status == 1)
            let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); log = json.load(open(sys.argv[2]))
            jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
            results = log["runs"][0]["results"]
            assert all(loc["physicalLocation"]["artifactLocation"]["uri"] for r in results for loc in r["locations"]), "a result without a physicalLocation"
            print(len(results))
            """
            let validation = try runProcess("python3", ["-c", script, sarifSchema, output])
            #expect(validation.status == 0, "\(validation.stderr)")
            #expect(validation.stdout == (result.status == 1 ? "4\n" : "0\n"))
        }
    }

    @Test func junitValidatesAgainstTheSchema() throws {
        // Not a skip: a machine without xmllint fails here, saying what to install.
        try #require(FileManager.default.fileExists(atPath: "/usr/bin/xmllint"), "needs xmllint (Debian libxml2-utils; scripts/test installs it)")
        for repo in [try failingRange(), try passingRange()] {
            let output = try makeTemporaryDirectory() + "/check.xml"
            let result = try aitrail(["check", "main..feature", "--format", "junit", "--output", output], in: repo)
            #expect(result.status == 0 || result.status == 1)
            let validation = try runProcess("/usr/bin/xmllint", ["--noout", "--schema", junitSchema, output])
            #expect(validation.status == 0, "\(validation.stderr)")
            #expect(validation.stderr.contains("validates"))
            let xml = try String(contentsOfFile: output, encoding: .utf8)
            #expect(xml.contains(result.status == 1 ? #"tests="3" failures="2""# : #"tests="1" failures="0""#))
        }
    }

    @Test func textNamesEveryFindingWithItsFix() throws {
        let repo = try failingRange()
        let result = try aitrail(["check", "main..feature"], in: repo)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("✗ ") }.count == 4)
        #expect(lines.filter { $0.hasPrefix("    fix: ") }.count == 4)
        #expect(lines.contains { $0.hasPrefix("aitrail check failed: 4 findings in main..feature (3 commits, 1 AI-assisted)") })
    }

    @Test func markdownIsATableForAPullRequestComment() throws {
        let result = try aitrail(["check", "main..feature", "--format", "markdown"], in: try failingRange())
        #expect(result.stdout.hasPrefix("## ❌ aitrail check failed: 4 findings"))
        #expect(result.stdout.contains("| Commit | Rule | Problem | Fix |"))
        let passing = try aitrail(["check", "main..feature", "--format", "markdown"], in: try passingRange())
        #expect(passing.status == 0)
        #expect(passing.stdout.hasPrefix("## ✅ aitrail check passed: main..feature (1 commit, 1 AI-assisted)"))
    }

    @Test func githubEscapesWorkflowCommandData() throws {
        let result = try aitrail(["check", "main..feature", "--format", "github"], in: try failingRange())
        let errors = result.stdout.split(separator: "\n").filter { $0.hasPrefix("::error ") }
        #expect(errors.count == 4)
        #expect(errors.contains { $0.hasPrefix("::error file=src/payments/refund.swift,title=aitrail review-required (") })
        #expect(errors.allSatisfy { !$0.dropFirst(2).contains("\n") })
    }
}
