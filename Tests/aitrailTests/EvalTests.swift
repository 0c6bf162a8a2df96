import Foundation
import Testing
import TestSupport

@Suite struct EvalTests {
    @Test func evalRunRecordsOnHeadWithTheCommandsStatus() throws {
        let repo = try gateRepository()
        let head = try repo.commit("Add parser" + claudeTrailer)
        let result = try aitrail(["eval", "run", "--name", "unit", "--", "sh", "-c", "echo hello; exit 5"], in: repo)
        #expect(result.status == 5)
        #expect(result.stdout == "hello\n")
        let note = try repo.git(["notes", "--ref=aitrail", "show", head])
        let tree = try repo.revParse("HEAD^{tree}")
        #expect(note.contains(#""command":["sh","-c","echo hello; exit 5"]"#))
        #expect(note.contains(#""exit":5"#))
        #expect(note.contains(#""name":"unit""#))
        #expect(note.contains(#""passed":false"#))
        #expect(note.contains(#""tree":"\#(tree)""#))
        #expect(note.contains(#""by":"Test User <test@example.com>""#))
        #expect(note.contains(#""duration_ms":"#))
    }

    @Test func evalRunOnADirtyTreeWaitsPending() throws {
        let repo = try gateRepository()
        try repo.commit("Add parser" + claudeTrailer, file: "parser.swift", contents: "v1\n")
        try repo.write("parser.swift", "v2\n")
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        #expect(try repo.gitResult(["notes", "--ref=aitrail", "show", "HEAD"]).status != 0)
        let pending = try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/aitrail/pending")
        #expect(pending.count == 1)
        // The index was not touched: parser.swift is still only modified in the work tree.
        #expect(try repo.git(["status", "--porcelain"]).contains(" M parser.swift"))
        #expect(try aitrail(["eval", "list"], in: repo).stdout.contains("pending (waiting for a commit of their tree)"))
    }

    @Test func evalRunWithAJUnitReport() throws {
        let repo = try gateRepository()
        let head = try repo.commit("Add parser" + claudeTrailer)
        let report = try makeTemporaryDirectory() + "/report.xml"
        let xml = """
        <?xml version="1.0"?>
        <testsuites><testsuite name="Parser" tests="3"><testcase name="a"/><testcase name="b"><failure message="x">boom</failure></testcase>
        <testcase name="c"><skipped/></testcase></testsuite></testsuites>
        """
        try xml.write(toFile: report, atomically: true, encoding: .utf8)
        #expect(try aitrail(["eval", "run", "--junit", report, "--", "true"], in: repo).status == 0)
        let note = try repo.git(["notes", "--ref=aitrail", "show", head])
        #expect(note.contains(#""kind":"junit""#))
        #expect(note.contains(#""summary":{"errors":0,"failures":1,"skipped":1,"tests":3}"#))
        #expect(note.contains(#""passed":false"#))
        #expect(note.contains(#""digest":"sha256:"#))
        #expect(note.contains(#""name":"Parser""#))
    }

    @Test func evalAttachImportsJUnitSARIFAndJSON() throws {
        let repo = try gateRepository()
        let head = try repo.commit("Add parser" + claudeTrailer)
        let folder = try makeTemporaryDirectory()
        try #"<testsuite name="s" tests="2" failures="0" errors="0" skipped="0"></testsuite>"#
            .write(toFile: folder + "/r.xml", atomically: true, encoding: .utf8)
        try #"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"semgrep"}},"results":[{"level":"warning","message":{"text":"w"}},{"level":"error","message":{"text":"e"}}]}]}"#
            .write(toFile: folder + "/r.sarif", atomically: true, encoding: .utf8)
        try #"{"passed":true,"summary":{"tests":40,"failures":0},"name":"evals"}"#
            .write(toFile: folder + "/r.json", atomically: true, encoding: .utf8)

        let junit = try aitrail(["eval", "attach", "--kind", "junit", folder + "/r.xml"], in: repo)
        #expect(junit.status == 0)
        #expect(junit.stdout.hasPrefix("attached to \(head.prefix(7)): passed  junit  's'  2 tests, 0 failures"))
        let sarif = try aitrail(["eval", "attach", "--kind", "sarif", folder + "/r.sarif", "--commit", head], in: repo)
        #expect(sarif.status == 0)
        #expect(sarif.stdout.contains("failed  sarif  'semgrep'  2 tests, 1 failures"))
        #expect(try aitrail(["eval", "attach", "--kind", "json", folder + "/r.json"], in: repo).status == 0)

        let expected = try runProcess("/usr/bin/sha256sum", [folder + "/r.json"]).stdout.prefix(64)
        #expect(try repo.git(["notes", "--ref=aitrail", "show", head]).contains("sha256:\(expected)"))
        let list = try aitrail(["eval", "list"], in: repo)
        #expect(list.stdout.hasPrefix("\(head.prefix(7)) (tree"))
        #expect(list.stdout.contains("3 evidence records"))
        #expect(list.stdout.components(separatedBy: "current  ").count == 4)
    }

    @Test func reportsThatCannotBeReadAreClearErrors() throws {
        let repo = try gateRepository()
        try repo.commit("Add parser" + claudeTrailer)
        let folder = try makeTemporaryDirectory()
        try "PASS 12 tests\n".write(toFile: folder + "/out.txt", atomically: true, encoding: .utf8)
        let notXML = try aitrail(["eval", "attach", "--kind", "junit", folder + "/out.txt"], in: repo)
        #expect(notXML.status == 2)
        #expect(notXML.stderr.contains("\(folder)/out.txt is not a JUnit XML report: it does not start with '<', so it is not XML"))

        try "<testsuite name=\"x\"><testcase name=\"a\">".write(toFile: folder + "/cut.xml", atomically: true, encoding: .utf8)
        let truncated = try aitrail(["eval", "attach", "--kind", "junit", folder + "/cut.xml"], in: repo)
        #expect(truncated.status == 2)
        #expect(truncated.stderr.contains("it ends before all elements are closed"))

        let missing = try aitrail(["eval", "attach", "--kind", "sarif", folder + "/nope.sarif"], in: repo)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such file: \(folder)/nope.sarif"))

        try #"{"summary":{}}"#.write(toFile: folder + "/r.json", atomically: true, encoding: .utf8)
        let noPassed = try aitrail(["eval", "attach", "--kind", "json", folder + "/r.json"], in: repo)
        #expect(noPassed.status == 2)
        #expect(noPassed.stderr.contains("is not an aitrail JSON result: missing \"passed\""))
        #expect(try repo.gitResult(["notes", "--ref=aitrail", "show", "HEAD"]).status != 0)

        let unknownCommand = try aitrail(["eval", "run", "--", "no-such-command-aitrail"], in: repo)
        #expect(unknownCommand.status == 127)
        #expect(unknownCommand.stderr.contains("cannot run no-such-command-aitrail"))
    }

    @Test func malformedEvidenceNotesAreReported() throws {
        let repo = try gateRepository()
        let head = try repo.commit("Add parser" + claudeTrailer)
        try repo.git(["notes", "--ref=aitrail", "add", "-m", "this is not json", head])
        let list = try aitrail(["eval", "list"], in: repo)
        #expect(list.status == 2)
        #expect(list.stderr.contains("error: the note on \(head.prefix(7)) line 1 is not an aitrail record (not a JSON object): this is not json"))
        #expect(list.stderr.contains("fix or remove those lines: git notes --ref=aitrail edit \(head.prefix(7))"))

        let (status, report, _) = try check(repo)
        #expect(status == 1)
        #expect(report?.findings.map(\.rule) == ["evidence-missing"])
        #expect(report?.notices.first?.hasPrefix("the note on \(head.prefix(7)) has a line that is not an aitrail record (line 1: not a JSON object)") == true)
    }

    @Test func reviewApproveRecordsTheReviewer() throws {
        let repo = try gateRepository()
        let head = try repo.commit("Add parser" + claudeTrailer)
        let result = try aitrail(["review", "approve", head, "--note", "LGTM"], in: repo)
        #expect(result.status == 0)
        let note = try repo.git(["notes", "--ref=aitrail", "show", head])
        #expect(note.contains(#""kind":"review""#))
        #expect(note.contains(#""by":"Test User <test@example.com>""#))
        #expect(note.contains(#""note":"LGTM""#))
        // A review is evidence too when the policy accepts every kind.
        #expect(try check(repo).status == 0)
    }
}
