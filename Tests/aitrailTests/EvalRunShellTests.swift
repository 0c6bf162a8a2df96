import Foundation
import Testing
import TestSupport

/// Issue 11, eval run: an interrupt records nothing, commands run as a shell would run them, and a
/// JUnit report older than the run is refused.
@Suite struct EvalRunShellTests {
    @Test func anInterruptedRunRecordsNothing() throws {
        let repo = try gateRepository()
        let head = try repo.commit("Add parser" + claudeTrailer)
        // Ctrl-C reaches the whole foreground group: aitrail (which waits on) and the command (which stops).
        let result = try aitrail(["eval", "run", "--", "sh", "-c", "kill -INT $PPID; kill -INT $$; sleep 5"], in: repo)
        #expect(result.status == 130)
        #expect(result.stderr.contains("the command was interrupted (signal 2); nothing was recorded"))
        #expect(try repo.gitResult(["notes", "--ref=aitrail", "show", head]).status != 0)
        #expect(try check(repo).report?.findings.map(\.rule) == ["evidence-missing"])
    }

    @Test func aScriptWithoutAShebangRunsWithTheShell() throws {
        let repo = try gateRepository()
        let head = try repo.commit("Add parser" + claudeTrailer)
        let folder = try makeTemporaryDirectory()
        try "echo from-script \"$1\"\nexit 0\n".write(toFile: folder + "/run-tests", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/run-tests")
        let byPath = try aitrail(["eval", "run", "--", folder + "/run-tests", "one"], in: repo)
        #expect(byPath.status == 0, "\(byPath.stderr)")
        #expect(byPath.stdout == "from-script one\n")
        let onPath = try aitrail(["eval", "run", "--", "run-tests", "two"], in: repo,
                                 environment: ["PATH": folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
        #expect(onPath.status == 0, "\(onPath.stderr)")
        #expect(onPath.stdout == "from-script two\n")
        #expect(try repo.git(["notes", "--ref=aitrail", "show", head]).contains(#""passed":true"#))
    }

    @Test func aJUnitReportFromBeforeTheRunIsRefused() throws {
        let repo = try gateRepository()
        let head = try repo.commit("Add parser" + claudeTrailer)
        let report = try makeTemporaryDirectory() + "/report.xml"
        try #"<testsuite name="s" tests="1" failures="0" errors="0" skipped="0"><testcase name="a"/></testsuite>"#
            .write(toFile: report, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: report)
        let result = try aitrail(["eval", "run", "--junit", report, "--", "true"], in: repo)
        #expect(result.status == 0)
        #expect(result.stderr.contains("before this run started"), "\(result.stderr)")
        let note = try repo.git(["notes", "--ref=aitrail", "show", head])
        #expect(note.contains(#""kind":"command""#))
        #expect(!note.contains(#""kind":"junit""#))
        // Written by the command itself: accepted.
        let fresh = try aitrail(["eval", "run", "--junit", report, "--", "touch", report], in: repo)
        #expect(fresh.status == 0)
        #expect(try repo.git(["notes", "--ref=aitrail", "show", head]).contains(#""kind":"junit""#))
    }
}
