import Foundation
import Testing
import TestSupport

/// Issue 11: evidence nobody can forge — signed records checked with ssh-keygen against the
/// target's allowed signers, times from the notes history, the policy from the target's tip.
@Suite struct GateTrustTests {
    /// An ed25519 key made by ssh-keygen: the private key's path and the public key line.
    private func sshKey(_ name: String) throws -> (path: String, publicKey: String) {
        let path = try makeTemporaryDirectory() + "/" + name
        try runProcess("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path])
        let publicKey = try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return (path, publicKey)
    }

    /// `main` with a require-signed policy listing `signer` for test@example.com; `feature` checked out.
    private func signedRepository(listing publicKey: String) throws -> TestRepository {
        let repo = try TestRepository()
        try repo.write(".aitrail", "[evidence]\n\tsigners = .aitrail-signers\n\trequire-signed = true\n")
        try repo.write(".aitrail-signers", "test@example.com namespaces=\"aitrail\" \(publicKey)\n")
        try repo.commit("base")
        try repo.git(["checkout", "-q", "-b", "feature"])
        return repo
    }

    private func useKey(_ path: String, in repo: TestRepository) throws {
        try repo.git(["config", "gpg.format", "ssh"])
        try repo.git(["config", "user.signingKey", path])
    }

    @Test func requireSignedCountsOnlyEvidenceSignedByAListedKey() throws {
        let listed = try sshKey("listed"), foreign = try sshKey("foreign")
        let repo = try signedRepository(listing: listed.publicKey)
        try useKey(listed.path, in: repo)

        // Signed by the listed key: passes.
        let signed = try repo.commit("Add parser" + claudeTrailer)
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        let note = try repo.git(["notes", "--ref=aitrail", "show", signed])
        #expect(note.contains(#""sig":"-----BEGIN SSH SIGNATURE-----"#))
        #expect(note.contains(#""signer":"test@example.com""#))
        #expect(try check(repo).status == 0)
        #expect(try aitrail(["eval", "list"], in: repo).stdout.contains("signed by test@example.com"))
        // eval attach and review approve sign too.
        let report = try makeTemporaryDirectory() + "/evals.json"
        try #"{"passed": true, "name": "evals"}"#.write(toFile: report, atomically: true, encoding: .utf8)
        #expect(try aitrail(["eval", "attach", "--kind", "json", report], in: repo).status == 0)
        #expect(try aitrail(["review", "approve"], in: repo).status == 0)
        let signatures = try repo.git(["notes", "--ref=aitrail", "show", signed]).components(separatedBy: "BEGIN SSH SIGNATURE").count - 1
        #expect(signatures == 3)
        #expect(try aitrail(["eval", "list"], in: repo).stdout.components(separatedBy: "signed by test@example.com").count - 1 == 3)

        // Forged: a hand-written passing record, unsigned.
        let forgedCommit = try repo.commit("Refund flow" + claudeTrailer)
        let tree = try repo.revParse("HEAD^{tree}")
        let forged = #"{"at":"2026-01-01T00:00:00Z","exit":0,"kind":"command","passed":true,"tree":"\#(tree)","type":"evidence","v":1}"#
        try repo.git(["notes", "--ref=aitrail", "add", "-m", forged, forgedCommit])
        let unsigned = try check(repo)
        #expect(unsigned.status == 1)
        #expect(unsigned.report?.findings.map(\.rule) == ["evidence-unsigned"])

        // Tampered: a signed failure edited into a pass.
        let tamperedCommit = try repo.commit("Ledger" + claudeTrailer)
        #expect(try aitrail(["eval", "run", "--", "sh", "-c", "exit 1"], in: repo).status == 1)
        let original = try repo.git(["notes", "--ref=aitrail", "show", tamperedCommit])
        let edited = original.replacingOccurrences(of: #""exit":1"#, with: #""exit":0"#)
            .replacingOccurrences(of: #""passed":false"#, with: #""passed":true"#)
        #expect(edited != original)
        try repo.git(["notes", "--ref=aitrail", "add", "-f", "-m", edited.trimmingCharacters(in: .newlines), tamperedCommit])
        let tampered = try check(repo)
        #expect(tampered.status == 1)
        #expect(tampered.report?.findings.map(\.rule) == ["evidence-bad-signature"])
        #expect(tampered.report?.findings.first?.message.contains("signed as test@example.com does not verify") == true)
        #expect(try aitrail(["eval", "list"], in: repo).stdout.contains("BAD SIGNATURE"))

        // Foreign: a real signature by a key the signers file does not list.
        try repo.commit("Payouts" + claudeTrailer)
        try useKey(foreign.path, in: repo)
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        let foreignCheck = try check(repo)
        #expect(foreignCheck.status == 1)
        #expect(foreignCheck.report?.findings.map(\.rule) == ["evidence-bad-signature"])

        // Every format names the finding.
        for format in ["text", "json", "sarif", "junit", "github", "gitlab", "markdown"] {
            let result = try aitrail(["check", "main..feature", "--format", format], in: repo)
            #expect(result.status == 1, "\(format)")
            #expect(result.stdout.contains("evidence-bad-signature"), "\(format): \(result.stdout)")
        }
        // Re-run with the listed key: the head passes again.
        try useKey(listed.path, in: repo)
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)
        #expect(try check(repo).status == 1)  // the foreign record on the head's tree is still a finding
        #expect(try check(repo).report?.findings.map(\.rule) == ["evidence-bad-signature"])
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/gpg"), "needs gpg"))
    func anOpenPGPKeySignsWithGPG() throws {
        let home = try makeTemporaryDirectory()
        let gpgEnv = ["GNUPGHOME": home]
        defer { _ = try? runProcess("/usr/bin/gpgconf", ["--kill", "gpg-agent"], environment: gpgEnv) }
        try runProcess("/usr/bin/gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", "",
                                        "--quick-gen-key", "Test User <test@example.com>", "ed25519", "sign", "never"], environment: gpgEnv)
        let listing = try runProcess("/usr/bin/gpg", ["--list-secret-keys", "--with-colons"], environment: gpgEnv).stdout
        let fingerprint = try #require(listing.split(separator: "\n").first { $0.hasPrefix("fpr:") }?.split(separator: ":", omittingEmptySubsequences: false)[9])
        let listed = try sshKey("listed")
        let repo = try signedRepository(listing: listed.publicKey)
        try repo.git(["config", "user.signingKey", String(fingerprint)])
        let head = try repo.commit("Add parser" + claudeTrailer)
        let run = try aitrail(["eval", "run", "--", "true"], in: repo, environment: gpgEnv)
        #expect(run.status == 0, "\(run.stderr)")
        let note = try repo.git(["notes", "--ref=aitrail", "show", head])
        #expect(note.contains(#""sig":"-----BEGIN PGP SIGNATURE-----"#))
        #expect(note.contains(#""signer":"\#(fingerprint)""#))
        // An allowed-signers file lists SSH keys: an OpenPGP signature is not one of them.
        let result = try check(repo, environment: gpgEnv)
        #expect(result.status == 1)
        #expect(result.report?.findings.first?.message.contains("only SSH signatures can be checked") == true)
    }

    @Test func unsignedEvidenceIsAFindingInEveryFormat() throws {
        let listed = try sshKey("listed")
        let repo = try signedRepository(listing: listed.publicKey)
        try repo.commit("Add parser" + claudeTrailer)
        #expect(try aitrail(["eval", "run", "--", "true"], in: repo).status == 0)  // no signing key: unsigned
        for format in ["text", "json", "sarif", "junit", "github", "gitlab", "markdown"] {
            let result = try aitrail(["check", "main..feature", "--format", format], in: repo)
            #expect(result.status == 1, "\(format)")
            #expect(result.stdout.contains("evidence-unsigned"), "\(format): \(result.stdout)")
        }
    }

    @Test func requireSignedWithoutSignersCannotDecide() throws {
        let repo = try gateRepository(policy: "[evidence]\n\trequire-signed = true\n")
        try repo.commit("Add parser" + claudeTrailer)
        let result = try aitrail(["check", "main..feature"], in: repo)
        #expect(result.status == 2)
        #expect(result.stderr.contains("evidence.require-signed but no evidence.signers"))
    }

    @Test func aForgedRecordDated2099HidesNoFailure() throws {
        let repo = try gateRepository(policy: "[evidence]\n\tmax-age = 7d\n")
        let ai = try repo.commit("Add parser" + claudeTrailer)
        #expect(try aitrail(["eval", "run", "--", "sh", "-c", "exit 1"], in: repo).status == 1)
        let tree = try repo.revParse("HEAD^{tree}")
        let forged = #"{"at":"2099-01-01T00:00:00Z","exit":0,"kind":"command","passed":true,"tree":"\#(tree)","type":"evidence","v":1}"#
        // Written a second earlier than the real run reached the notes, whatever its `at` claims.
        try repo.git(["notes", "--ref=aitrail", "append", "-m", forged, ai],
                     environment: ["GIT_COMMITTER_DATE": "\(Int(Date().timeIntervalSince1970) - 5) +0000"])
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        #expect(report?.findings.map(\.rule) == ["evidence-failed"])
        let audit = try aitrail(["audit", "--format", "jsonl", "--no-cache"], in: repo)
        #expect(audit.stdout.contains(#""evidence":"failed""#), "\(audit.stdout)")
        #expect(try aitrail(["eval", "list"], in: repo).stdout.contains("verdict: failed"))
    }

    @Test func theAgeIsWhenTheRecordReachedTheNotesNotItsAt() throws {
        let repo = try gateRepository(policy: "[evidence]\n\tmax-age = 7d\n")
        let ai = try repo.commit("Add parser" + claudeTrailer)
        let tree = try repo.revParse("HEAD^{tree}")
        let now = ISO8601DateFormatter().string(from: Date())
        let claimed = #"{"at":"\#(now)","kind":"command","passed":true,"tree":"\#(tree)","type":"evidence","v":1}"#
        // Claims to be fresh, but reached the notes in 2020; a later note on another commit leaves it so.
        try repo.git(["notes", "--ref=aitrail", "add", "-m", claimed, ai], environment: ["GIT_COMMITTER_DATE": "2020-01-01T00:00:00Z"])
        try repo.git(["notes", "--ref=aitrail", "add", "-m", "{}", "main"])
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        #expect(report?.findings.map(\.rule) == ["evidence-too-old"])
        #expect(report?.findings.first?.message.contains("was last evaluated at 2020-01-01T00:00:00Z") == true)
        // Appended again now (another line, same claim): that one reached the notes today.
        try repo.git(["notes", "--ref=aitrail", "append", "-m", claimed.replacingOccurrences(of: "\"v\":1", with: "\"v\":1,\"name\":\"again\""), ai])
        #expect(try check(repo).status == 0)
    }

    @Test func thePolicyIsTheTargetsTipNotTheMergeBase() throws {
        let repo = try gateRepository(policy: "[evidence]\n\trequire = none\n")
        try repo.commit("Add parser" + claudeTrailer)
        #expect(try check(repo).status == 0)
        // main tightens after the branch forked: the old branch is judged by the new rules.
        try repo.git(["checkout", "-q", "main"])
        try repo.write(".aitrail", "[evidence]\n\trequire = ai\n")
        let tip = try repo.commit("Require evidence for AI changes")
        try repo.git(["checkout", "-q", "feature"])
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        #expect(report?.policy == "\(tip.prefix(7)):.aitrail")
        #expect(report?.findings.map(\.rule) == ["evidence-missing"])
        #expect(report?.notices.contains { $0.contains("has another .aitrail than the target's tip \(tip.prefix(7))") } == true)
    }

    @Test func checkEvalRunsTheCommandOnTheHeadTreeAndCountsIt() throws {
        let repo = try gateRepository()
        let head = try repo.commit("Add parser" + claudeTrailer, file: "parser.txt", contents: "ok\n")
        // The work tree is elsewhere (as in a CI merge checkout): the command runs on the head's tree.
        try repo.git(["checkout", "-q", "main"])
        let passing = try aitrail(["check", "main..feature", "--eval", "--eval-name", "smoke", "--", "grep", "-q", "ok", "parser.txt"], in: repo)
        #expect(passing.status == 0, "\(passing.stdout)\(passing.stderr)")
        #expect(passing.stdout.contains("--eval ran `grep -q ok parser.txt` on \(head.prefix(7))'s tree: passed"))
        let note = try repo.git(["notes", "--ref=aitrail", "show", head])
        #expect(note.contains(#""name":"smoke""#))
        // Written back: the next pipeline needs no run.
        #expect(try aitrail(["check", "main..feature"], in: repo).status == 0)
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/parser.txt"))

        let failingRepo = try gateRepository()
        try failingRepo.commit("Add parser" + claudeTrailer, file: "parser.txt", contents: "bad\n")
        let failing = try aitrail(["check", "main..feature", "--eval", "--", "grep", "-q", "ok", "parser.txt"], in: failingRepo)
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("evidence-failed"))
        #expect(try aitrail(["check", "main..feature"], in: failingRepo).status == 1)
        let usage = try aitrail(["check", "main..feature", "--eval"], in: failingRepo)
        #expect(usage.status == 64)
    }

    @Test func anEvilMergeIntoAReviewPathIsJudged() throws {
        let repo = try gateRepository(policy: "[evidence]\n\trequire = none\n[review]\n\tpath = src/payments/**\n")
        try repo.commit("Docs", file: "docs/a.md")
        try repo.git(["checkout", "-q", "main"])
        try repo.commit("Other", file: "docs/b.md")
        try repo.git(["checkout", "-q", "feature"])
        try repo.git(["merge", "-q", "--no-ff", "--no-commit", "main"])
        // A clean merge: nothing of its own.
        try repo.git(["commit", "-q", "-m", "Merge main" + claudeTrailer])
        #expect(try check(repo).status == 0)
        try repo.git(["reset", "-q", "--hard", "HEAD^"])
        try repo.git(["merge", "-q", "--no-ff", "--no-commit", "main"])
        try repo.write("src/payments/refund.swift", "sneaked in\n")
        try repo.git(["add", "-A"])
        try repo.git(["commit", "-q", "-m", "Merge main" + claudeTrailer])
        let merge = try repo.revParse("HEAD")
        let (status, report, _) = try check(repo)
        #expect(status == 1)
        #expect(report?.findings.map(\.rule) == ["review-required"])
        #expect(report?.findings.first?.commit == merge)
        #expect(report?.findings.first?.path == "src/payments/refund.swift")
    }

    @Test func checkAuditAndEvalListGiveOneVerdict() throws {
        // (name, passed) runs in order on the head tree; then what all three commands must say.
        let cases: [([(String, Bool)], check: String, audit: String)] = [
            ([], "missing", "none"),
            ([("evals", false), ("unit", true)], "failed", "failed"),
            ([("unit", false), ("unit", true)], "passed", "passed"),
            ([("unit", true), ("unit", false)], "failed", "failed"),
            ([("unit", true), ("evals", true)], "passed", "passed"),
        ]
        for (runs, expectedCheck, expectedAudit) in cases {
            let repo = try gateRepository()
            let head = try repo.commit("Add parser" + claudeTrailer)
            for (name, passed) in runs {
                _ = try aitrail(["eval", "run", "--name", name, "--", passed ? "true" : "false"], in: repo)
            }
            let json = try check(repo)
            #expect(json.report?.commits.first?.evidence == expectedCheck, "\(runs)")
            let audit = try aitrail(["audit", "--format", "jsonl", "--no-cache"], in: repo)
            let line = audit.stdout.split(separator: "\n").first { $0.contains(head) } ?? ""
            #expect(line.contains(#""evidence":"\#(expectedAudit)""#), "\(runs): \(line)")
            #expect(try aitrail(["eval", "list"], in: repo).stdout.contains("verdict: \(expectedCheck)"), "\(runs)")
        }
        // Stale: the evidence is for the tree before the last change.
        let repo = try gateRepository()
        try repo.commit("Add parser" + claudeTrailer)
        _ = try aitrail(["eval", "run", "--", "true"], in: repo)
        let head = try repo.commit("Change it" + claudeTrailer)
        try repo.git(["notes", "--ref=aitrail", "copy", "HEAD^", head])
        #expect(try check(repo).report?.commits.last?.evidence == "stale")
        #expect(try aitrail(["audit", "--format", "jsonl", "--no-cache"], in: repo).stdout.contains(#""evidence":"stale""#))
        #expect(try aitrail(["eval", "list"], in: repo).stdout.contains("verdict: stale"))
    }
}
