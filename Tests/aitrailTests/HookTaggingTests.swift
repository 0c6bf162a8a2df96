import AITrailKit
import Foundation
import Testing
import TestSupport

/// End to end: real `git commit` through the installed shims and the built binary.
@Suite struct HookTaggingTests {
    /// An environment that satisfies `marker`, and the model it names, if any.
    static func environment(for marker: EnvironmentMarker) -> (env: [String: String], model: String?) {
        var env: [String: String] = [:]
        switch marker.test {
        case .present: env[marker.variable] = marker.variable == "COPILOT_MODEL" ? "GPT-5.4" : "1"
        case .equals(let value): env[marker.variable] = value
        case .hasPrefix(let value): env[marker.variable] = value
        case .hasSuffix(let value): env[marker.variable] = "Paul Gauthier" + value
        }
        var model: String?
        if let variable = marker.modelVariable {
            env[variable] = env[variable] ?? "GPT-5.4"
            model = "gpt-5.4"
        }
        return (env, model)
    }

    @Test func everyAgentWithAnEnvironmentMarkerIsTagged() throws {
        let hooked = try HookedRepository()
        for agent in AgentRegistry.builtin.agents {
            for marker in agent.environment {
                let (env, model) = Self.environment(for: marker)
                let result = try hooked.commit(environment: env)
                #expect(result.status == 0, "\(marker.variable): \(result.stderr)")
                let expected = "Assisted-by: " + AssistedBy(agent: agent.id, model: model).value
                #expect(try hooked.tagLines() == [expected], "\(env)")
                let usage = try hooked.usage()
                #expect(usage.count == 1 && usage.first?["agent"] as? String == agent.id, "\(env)")
                #expect(usage.first?["source"] as? String == "env")
            }
        }
    }

    @Test func humanCommitIsNotTaggedAndHasNoNote() throws {
        let hooked = try HookedRepository()
        let result = try hooked.commit(["-m", "by hand"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(try hooked.message() == "by hand\n")
        #expect(try hooked.noteLines().isEmpty)
    }

    @Test func humanCommitDoesNotStartTheBinary() throws {
        let binary = try copiedBinary()
        let hooked = try HookedRepository(binary: binary)
        try FileManager.default.removeItem(atPath: binary)
        let result = try hooked.commit(["-m", "by hand"])
        #expect(result.status == 0)
        // The shim decided alone: it never looked for the missing binary.
        #expect(result.stderr.isEmpty)
    }

    /// The shims read a message of up to 100 lines with shell builtins and a longer one with grep and
    /// cmp: both lengths are decided alike, end to end.
    @Test(arguments: [3, 150])
    func messagesOfAnyLengthAreDecidedAlike(lines: Int) throws {
        let body = (1...lines).map { "line \($0) of the body" }.joined(separator: "\n")
        // A person's message: the shim alone lets it through (the binary is gone).
        let binary = try copiedBinary()
        let human = try HookedRepository(binary: binary)
        try FileManager.default.removeItem(atPath: binary)
        let plain = try human.commit(["-m", "by hand\n\n" + body])
        #expect(plain.status == 0)
        #expect(plain.stderr.isEmpty)
        // A trailer typed at the end is seen and recorded.
        let hooked = try HookedRepository()
        try hooked.commit(["-m", "pasted\n\n\(body)\n\nAssisted-by: gemini-cli"])
        #expect(try hooked.usage().first?["agent"] as? String == "gemini-cli")
        // An agent's commit is tagged once with one record; an edit made after prepare-commit-msg is checked.
        let agent = try hooked.commit(["-m", "agent work\n\n" + body], environment: ["CLAUDECODE": "1"])
        #expect(agent.status == 0)
        #expect(try hooked.message().components(separatedBy: "Assisted-by: claude-code").count == 2)
        #expect(try hooked.usage().count == 1)
        let edited = try hooked.commit(
            ["-e", "-m", "agent work\n\n" + body],
            environment: ["CLAUDECODE": "1", "GIT_EDITOR": "sed -i 's/^Assisted-by: claude-code$/Assisted-by: !!!/'"])
        #expect(edited.status == 1)
        #expect(edited.stderr.contains("malformed trailer 'Assisted-by: !!!'"))
    }

    /// An agent's commit starts aitrail in prepare-commit-msg and post-commit only: commit-msg's shim
    /// finds the message prepare-commit-msg checked for this very git process. What an earlier commit
    /// handed off never counts for a later one, and an environment agent leaves no `ai-commit` marker.
    @Test func commitMsgStartsAitrailOnlyForAMessageEditedSincePrepare() throws {
        let folder = try makeTemporaryDirectory(prefix: "aitrail-logged")
        let log = folder + "/runs.log", wrapper = folder + "/aitrail"
        try Data("#!/bin/sh\necho \"$2\" >> '\(log)'\nexec '\(aitrailBinary)' \"$@\"\n".utf8).write(to: URL(fileURLWithPath: wrapper))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper)
        let hooked = try HookedRepository()
        // The shims start the wrapper, which logs the hook and runs aitrail.
        for hook in ["prepare-commit-msg", "commit-msg", "post-commit"] {
            let path = hooked.path + "/.git/hooks/" + hook
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            let shim = lines.map { $0.hasPrefix("\twant=") ? "\twant='\(wrapper)'" : String($0) }.joined(separator: "\n")
            try Data(shim.utf8).write(to: URL(fileURLWithPath: path))
        }
        func runs() throws -> [String] {
            defer { try? FileManager.default.removeItem(atPath: log) }
            return ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        for round in 1...2 {
            #expect(try hooked.commit(["-m", "agent work"], environment: ["CLAUDECODE": "1"]).status == 0)
            #expect(try runs() == ["prepare-commit-msg", "post-commit"], "round \(round)")
            #expect(try hooked.usage().count == 1)
            #expect(!FileManager.default.fileExists(atPath: hooked.path + "/.git/aitrail/ai-commit"))
        }
        // The same message from a person: nothing starts aitrail, though the last copy holds this text.
        #expect(try hooked.commit(["-m", "agent work"]).status == 0)
        #expect(try runs() == [])
        // An edit after prepare-commit-msg is checked by commit-msg.
        let edited = try hooked.commit(["-e", "-m", "agent work"], environment: ["CLAUDECODE": "1", "GIT_EDITOR": "sed -i 's/work/works/'"])
        #expect(edited.status == 0)
        #expect(try runs() == ["prepare-commit-msg", "commit-msg", "post-commit"])
        #expect(try hooked.tagLines() == ["Assisted-by: claude-code"])
        // A trailer a person typed is still recorded through the marker.
        #expect(try hooked.commit(["-m", "by hand\n\nAssisted-by: aider"]).status == 0)
        #expect(try hooked.usage().first?["agent"] as? String == "aider")
        #expect(try runs() == ["prepare-commit-msg", "post-commit"])
    }

    @Test func explicitAgentModelAndCoAuthorModelAreKept() throws {
        let hooked = try HookedRepository()
        try hooked.commit(environment: ["AITRAIL_AGENT": "codex:GPT-5.4"])
        #expect(try hooked.tagLines() == ["Assisted-by: codex:gpt-5.4"])
        #expect(try hooked.usage().first?["model"] as? String == "gpt-5.4")

        try hooked.commit(["-m", "work\n\nCo-authored-by: Claude Opus 4.6 (1M context) <noreply@anthropic.com>"], environment: ["CLAUDECODE": "1"])
        #expect(try hooked.tagLines() == ["Assisted-by: claude-code:claude-opus-4.6"])
        #expect(try hooked.usage().first?["model"] as? String == "claude-opus-4.6")
    }

    @Test func usageRecordFollowsTheSpec() throws {
        let hooked = try HookedRepository()
        try hooked.repo.write("a.txt", "1\n2\n3\n")
        try hooked.repo.write("README", "changed\n")
        try hooked.repo.git(["add", "-A"])
        let result = try hooked.repo.gitResult(["commit", "-q", "-m", "two files"], environment: ["CLAUDECODE": "1"])
        #expect(result.status == 0)
        let record = try #require(try hooked.usage().first)
        let stats = try hooked.repo.git(["diff", "--shortstat", "HEAD~1", "HEAD"])
        #expect(stats.contains("\(record["files"] as? Int ?? -1) files changed"))
        #expect(stats.contains("\(record["insertions"] as? Int ?? -1) insertions"))
        #expect(stats.contains("\(record["deletions"] as? Int ?? -1) deletion"))
        #expect(record["v"] as? Int == 1)
        #expect(record["tools"] as? [String] == [])
        #expect(record["aitrail"] as? String == AITrailVersion.number)
        #expect(Timestamp.parse(record["at"] as? String ?? "") != nil)
        // One canonical line: sorted keys, no spaces.
        let line = try #require(try hooked.noteLines().first)
        #expect(line.hasPrefix("{\"agent\":\"claude-code\",\"aitrail\":"))
        #expect(!line.contains(" "))
        let short = String(try hooked.repo.head().prefix(7))
        #expect(try hooked.repo.git(["log", "-1", "--format=%s%n%an", "refs/notes/aitrail"]) == "aitrail: usage for \(short)\nTest User\n")
    }

    @Test func noVerifyIsStillTagged() throws {
        let hooked = try HookedRepository()
        let result = try hooked.commit(["--no-verify", "-m", "agent skips checks"], environment: ["CODEX_SANDBOX": "seatbelt"])
        #expect(result.status == 0)
        #expect(try hooked.tagLines() == ["Assisted-by: codex"])
        #expect(try hooked.usage().count == 1)
    }

    @Test func amendDoesNotDuplicateAndKeepsTheNote() throws {
        let hooked = try HookedRepository()
        try hooked.commit(environment: ["CLAUDECODE": "1"])
        let first = try hooked.repo.head()
        try hooked.repo.write("README", "amended\n")
        try hooked.repo.git(["add", "-A"])
        let amend = try hooked.repo.gitResult(["commit", "-q", "--amend", "--no-edit"], environment: ["CLAUDECODE": "1"])
        #expect(amend.status == 0, "\(amend.stderr)")
        #expect(try hooked.repo.head() != first)
        #expect(try hooked.tagLines() == ["Assisted-by: claude-code"])
        // One record: git copies the old commit's note (notes.rewriteRef) and the hook adds none.
        #expect(try hooked.usage().count == 1)
        let reword = try hooked.repo.gitResult(["commit", "-q", "--amend", "-m", "reworded\n\nAssisted-by: claude-code"], environment: ["CLAUDECODE": "1"])
        #expect(reword.status == 0)
        #expect(try hooked.tagLines() == ["Assisted-by: claude-code"])
        #expect(try hooked.usage().count == 1)
    }

    @Test func anAgentAmendingAHumanCommitRecordsItsUse() throws {
        let hooked = try HookedRepository()
        try hooked.commit(["-m", "human work"])
        #expect(try hooked.usage().isEmpty)
        try hooked.repo.write("README", "agent finishes it\n")
        try hooked.repo.git(["add", "-A"])
        let amend = try hooked.repo.gitResult(["commit", "-q", "--amend", "--no-edit"], environment: ["CLAUDECODE": "1"])
        #expect(amend.status == 0, "\(amend.stderr)")
        #expect(try hooked.usage().map { $0["agent"] as? String } == ["claude-code"])
        // Another agent amending it: its record joins the copied one.
        let again = try hooked.repo.gitResult(["commit", "-q", "--amend", "--no-edit"], environment: ["CODEX_SANDBOX": "seatbelt"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(Set(try hooked.usage().compactMap { $0["agent"] as? String }) == ["claude-code", "codex"])
    }

    @Test func withoutNotesRewritingAnAgentsAmendIsRecordedAgain() throws {
        let hooked = try HookedRepository()
        try hooked.commit(environment: ["CLAUDECODE": "1"])
        try hooked.repo.git(["config", "notes.rewrite.amend", "false"])
        let amend = try hooked.repo.gitResult(["commit", "-q", "--amend", "--no-edit"], environment: ["CLAUDECODE": "1"])
        #expect(amend.status == 0, "\(amend.stderr)")
        #expect(try hooked.usage().count == 1)  // git copies nothing, so the hook writes the record
    }

    @Test func rebaseCarriesTheNotes() throws {
        let hooked = try HookedRepository()
        try hooked.repo.git(["checkout", "-q", "-b", "topic"])
        try hooked.commit(["-m", "agent work"], environment: ["CLAUDECODE": "1"])
        let before = try hooked.noteLines()
        #expect(before.count == 1)
        try hooked.repo.git(["checkout", "-q", "main"])
        try hooked.commit(["-m", "main moves"])
        try hooked.repo.git(["checkout", "-q", "topic"])
        let rebase = try hooked.repo.gitResult(["rebase", "-q", "main"])
        #expect(rebase.status == 0, "\(rebase.stderr)")
        #expect(try hooked.message() == "agent work\n\nAssisted-by: claude-code\n")
        #expect(try hooked.noteLines() == before)
    }

    @Test func mergeIsNotTagged() throws {
        let hooked = try HookedRepository()
        try hooked.repo.git(["checkout", "-q", "-b", "side"])
        try hooked.commit(["-m", "side work"])
        try hooked.repo.git(["checkout", "-q", "main"])
        try hooked.commit(["-m", "main work"])
        let merge = try hooked.repo.gitResult(["merge", "-q", "--no-ff", "-m", "Merge side", "side"], environment: ["CLAUDECODE": "1"])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try hooked.message() == "Merge side\n")
        #expect(try hooked.noteLines().isEmpty)
    }

    @Test func aitrailZeroSkipsAllHooks() throws {
        let hooked = try HookedRepository()
        try hooked.commit(environment: ["CLAUDECODE": "1", "AITRAIL": "0"])
        #expect(try hooked.tagLines().isEmpty)
        #expect(try hooked.noteLines().isEmpty)
    }

    @Test func aTrailerWrittenByHandIsRecorded() throws {
        let hooked = try HookedRepository()
        try hooked.commit(["-m", "pasted from a chat\n\nAssisted-by: gemini-cli:gemini-2.5-pro"])
        let usage = try hooked.usage()
        #expect(usage.first?["agent"] as? String == "gemini-cli")
        #expect(usage.first?["model"] as? String == "gemini-2.5-pro")
        #expect(usage.first?["source"] as? String == "trailer")
    }

    @Test func twoWorktreesCommittingAtOnceKeepBothRecords() throws {
        let hooked = try HookedRepository()
        let second = hooked.path + "-wt"
        try hooked.repo.git(["worktree", "add", "-q", "-b", "other", second])
        defer { try? FileManager.default.removeItem(atPath: second) }
        let rounds = 6
        let script = """
            set -e
            for i in $(seq \(rounds)); do echo "$i $PWD" > "f-$i.txt"; git add -A; git commit -q -m "commit $i in $PWD"; done
            """
        let statuses = LockedStatuses()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let result = try? runProcess("/bin/sh", ["-c", script], in: index == 0 ? hooked.path : second,
                                         environment: ["GIT_CONFIG_NOSYSTEM": "1", "CLAUDECODE": "1"], removing: agentEnvironment)
            statuses.append(result?.status ?? -1, stderr: result?.stderr ?? "")
        }
        #expect(statuses.values == [0, 0])
        let hookOutput = statuses.stderr
        for branch in ["main", "other"] {
            let commits = try hooked.repo.git(["rev-list", "\(branch)~\(rounds)..\(branch)"]).split(separator: "\n").map(String.init)
            #expect(commits.count == rounds)
            for commit in commits {
                #expect(try hooked.usage(commit).count == 1, "\(branch) \(commit); hooks said: \(hookOutput)")
            }
        }
    }

    @Test func sessionTagsCommitsUntilItEnds() throws {
        let hooked = try HookedRepository()
        let start = try hooked.aitrail(["session", "start", "--agent", "gemini", "--model", "Gemini 2.5 Pro", "--ttl", "2h"])
        #expect(start.status == 0, "\(start.stderr)")
        let shown = try hooked.aitrail(["session"])
        #expect(shown.stdout.contains("agent: gemini-cli (model gemini-2.5-pro)"))
        try hooked.commit(["-m", "with a session"])
        #expect(try hooked.tagLines() == ["Assisted-by: gemini-cli:gemini-2.5-pro"])
        #expect(try hooked.usage().first?["source"] as? String == "session")
        // An agent's own marker wins over the session.
        try hooked.commit(["-m", "codex now"], environment: ["CODEX_THREAD_ID": "t1"])
        #expect(try hooked.tagLines() == ["Assisted-by: codex"])
        #expect(try hooked.aitrail(["session", "end"]).stdout == "session ended\n")
        try hooked.commit(["-m", "by hand"])
        #expect(try hooked.tagLines().isEmpty)
        #expect(try hooked.aitrail(["session"]).stdout.hasPrefix("no session"))
    }

    @Test func expiredSessionDoesNotTag() throws {
        let hooked = try HookedRepository()
        let common = try hooked.repo.git(["rev-parse", "--git-common-dir"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.createDirectory(atPath: hooked.path + "/" + common + "/aitrail", withIntermediateDirectories: true)
        try hooked.repo.write(common + "/aitrail/session.json",
                              "{\"agent\":\"cline\",\"expires\":\"2001-01-01T00:00:00Z\",\"started\":\"2000-12-31T00:00:00Z\"}\n")
        try hooked.commit(["-m", "later"])
        #expect(try hooked.tagLines().isEmpty)
        #expect(try hooked.aitrail(["detect"]).stdout.contains("(expired"))
    }
}

final class LockedStatuses: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int32] = []
    private var errors: [String] = []
    func append(_ status: Int32, stderr: String = "") {
        lock.withLock {
            stored.append(status)
            errors.append(stderr)
        }
    }
    var values: [Int32] { lock.withLock { stored } }
    var stderr: String { lock.withLock { errors.joined(separator: "\n") } }
}
