import AITrailKit
import Foundation
import Testing
import TestSupport

/// End to end, with real `git commit` through the installed shims: the hooks never fail a team.
/// Agent commits are never rejected over what aitrail wrote, a policy that cannot be fully read
/// never stops tagging, chained dispatchers keep running, and hostile values are never run.
@Suite struct HookRobustnessTests {
    /// A model value from the environment is written in a safe spelling or dropped; the agent's
    /// commit always goes through, and nothing in the value ever runs.
    @Test func oddAndHostileModelValuesNeverBlockAnAgentCommit() throws {
        let hooked = try HookedRepository()
        let marker = try makeTemporaryDirectory() + "/ran"
        let cases: [(String, String)] = [
            ("claude-sonnet-4.5[1m]", "Assisted-by: copilot:claude-sonnet-4.5"),
            ("Claude Sonnet 4.5 (1M context)", "Assisted-by: copilot:claude-sonnet-4.5"),
            ("$(touch \(marker))", "Assisted-by: copilot"),
            ("`touch \(marker)`", "Assisted-by: copilot"),
            ("a model with spaces/and/slashes", "Assisted-by: copilot:slashes"),
            ("gpt\nInjected-trailer: x", "Assisted-by: copilot"),
            ("[1m]", "Assisted-by: copilot"),
            (String(repeating: "x", count: 1_024), "Assisted-by: copilot"),
        ]
        for (model, tag) in cases {
            let result = try hooked.commit(["-m", "agent work"], environment: ["AI_AGENT": "github_copilot", "COPILOT_MODEL": model])
            #expect(result.status == 0, "\(model): \(result.stderr)")
            #expect(try hooked.tagLines() == [tag], "\(model)")
            #expect(try hooked.usage().count == 1, "\(model)")
            #expect(!result.stderr.contains("rejected"), "\(model): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: marker))

        // Bytes that are not UTF-8, through a real environment.
        let raw = try runProcess(
            "/bin/sh", ["-c", "COPILOT_MODEL=$(printf 'gpt\\377\\376') && export COPILOT_MODEL && echo x >> f && git add f && git commit -q -m bytes"],
            in: hooked.path, environment: ["AI_AGENT": "github_copilot", "GIT_CONFIG_NOSYSTEM": "1"], removing: agentEnvironment)
        #expect(raw.status == 0, "\(raw.stderr)")
        #expect(try hooked.tagLines() == ["Assisted-by: copilot"])

        // AITRAIL_AGENT is checked where it is read: a bad model is dropped, a bad id ignored.
        let bogus = try hooked.commit(["-m", "explicit"], environment: ["AITRAIL_AGENT": "bogus::"])
        #expect(bogus.status == 0, "\(bogus.stderr)")
        #expect(try hooked.tagLines() == ["Assisted-by: bogus"])
        let notAnID = try hooked.commit(["-m", "explicit"], environment: ["AITRAIL_AGENT": "$(touch \(marker))", "CLAUDECODE": "1"])
        #expect(notAnID.status == 0, "\(notAnID.stderr)")
        #expect(try hooked.tagLines() == ["Assisted-by: claude-code"])
        #expect(notAnID.stderr.components(separatedBy: "AITRAIL_AGENT=").count == 2, "said once: \(notAnID.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker))
        let detect = try hooked.aitrail(["detect"], environment: ["AITRAIL_AGENT": "bogus::"])
        #expect(detect.stdout.contains("trailer: Assisted-by: bogus\n"))
        #expect(detect.stdout.contains("ignored: model ':' from AITRAIL_AGENT dropped"))
    }

    /// What a person or an agent typed is still validated, with a fix that is itself valid.
    @Test func typedMalformedTrailerIsStillRejectedWithAValidFix() throws {
        let hooked = try HookedRepository()
        let result = try hooked.commit(["-m", "typed\n\nAssisted-by: copilot:$(x)"], environment: ["AI_AGENT": "github_copilot", "COPILOT_MODEL": "gpt-5[1m]"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("malformed trailer 'Assisted-by: copilot:$(x)'"))
        #expect(result.stderr.contains("for example 'Assisted-by: copilot:gpt-5'"))
    }

    @Test func genericAgentVariablesCountOnlyForKnownAgents() throws {
        let binary = try copiedBinary()
        let hooked = try HookedRepository(binary: binary)
        try hooked.commit(["-m", "ci"], environment: ["AGENT": "jenkins"])
        #expect(try hooked.tagLines().isEmpty)
        #expect(try hooked.noteLines().isEmpty)
        try hooked.commit(["-m", "amp"], environment: ["AGENT": "amp"])
        #expect(try hooked.tagLines() == ["Assisted-by: amp"])
        try hooked.commit(["-m", "claude"], environment: ["AI_AGENT": "Claude-Code/2.1"])
        #expect(try hooked.tagLines() == ["Assisted-by: claude-code"])
        // The shim decides AGENT=jenkins alone: it does not even start aitrail.
        try FileManager.default.removeItem(atPath: binary)
        let ci = try hooked.commit(["-m", "ci again"], environment: ["AGENT": "jenkins", "AI_AGENT": "buildkite-runner"])
        #expect(ci.status == 0)
        #expect(ci.stderr.isEmpty, "\(ci.stderr)")
        let detect = try hooked.aitrail(["detect"], environment: ["AGENT": "jenkins"])
        #expect(detect.stdout.contains("agent: none"))
        #expect(detect.stdout.contains("note: AGENT='jenkins' names no agent aitrail knows"))
    }

    /// One unknown key (or a key from a newer aitrail) never turns tagging off, and is said once per commit.
    @Test func unknownKeyInThePolicyNeverStopsTagging() throws {
        let hooked = try HookedRepository()
        try hooked.repo.write(".aitrail", "[evidence]\n\trunner = unit\n[tag]\n\ttrailer = AI-used-for\n")
        try hooked.repo.git(["add", ".aitrail"])
        let result = try hooked.commit(["-m", "agent"], environment: ["CLAUDECODE": "1"])
        #expect(result.status == 0)
        #expect(try hooked.tagLines(key: "AI-used-for") == ["AI-used-for: claude-code"])
        #expect(try hooked.usage().count == 1)
        #expect(result.stderr.components(separatedBy: "unknown key 'evidence.runner'").count == 2, "said once: \(result.stderr)")
        #expect(result.stderr.contains("aitrail: warning: .aitrail:2: unknown key 'evidence.runner' ignored"))

        // A bad value costs its own section: [tag] falls back to Assisted-by, tagging goes on.
        try hooked.repo.write(".aitrail", "[tag]\n\trequire = maybe\n[agent \"acme-bot\"]\n\tenv = ACME_BOT_SESSION\n")
        let bad = try hooked.commit(["-m", "bot"], environment: ["ACME_BOT_SESSION": "1"])
        #expect(bad.status == 0)
        #expect(try hooked.tagLines() == ["Assisted-by: acme-bot"])
        #expect(bad.stderr.components(separatedBy: "bad value 'maybe'").count == 2, "said once: \(bad.stderr)")

        // status says it loudly; install and detect work, and say it too.
        let status = try hooked.aitrail(["status"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("policy: .aitrail: 1 problem"))
        #expect(status.stdout.contains(".aitrail:2: bad value 'maybe' for 'tag.require'"))
        let install = try hooked.aitrail(["install"])
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.stderr.contains("warning: .aitrail:2: bad value 'maybe'"))
    }

    /// A policy change takes effect without reinstalling, and detect tells the truth about it.
    @Test func policyChangeTakesEffectWithoutReinstall() throws {
        let binary = try copiedBinary()
        let hooked = try HookedRepository(binary: binary)
        try hooked.repo.write(".aitrail", "[agent \"acme-bot\"]\n\tenv = ACME_BOT_SESSION\n")
        let detect = try hooked.aitrail(["detect"], environment: ["ACME_BOT_SESSION": "7"])
        #expect(detect.stdout.contains("agent: acme-bot"))
        #expect(detect.stdout.contains("hooks: installed for another policy or binary: aitrail reads .aitrail itself whenever it changed"))
        try hooked.commit(["-m", "by the bot"], environment: ["ACME_BOT_SESSION": "7"])
        #expect(try hooked.tagLines() == ["Assisted-by: acme-bot"])
        #expect(try hooked.usage().count == 1)

        // A change the shim needs nothing for is seen once; then human commits skip aitrail again.
        try hooked.repo.write(".aitrail", "[evidence]\n\tmax-age = 30d\n")
        try hooked.commit(["-m", "human after the change"])
        try FileManager.default.removeItem(atPath: binary)
        let human = try hooked.commit(["-m", "human again"])
        #expect(human.status == 0)
        #expect(human.stderr.isEmpty, "\(human.stderr)")
    }

    /// husky v9's dispatcher, as `husky` writes it: `.husky/_/<hook>` sources `.husky/_/h`, which runs
    /// `.husky/<basename $0>`. After `aitrail install --force`, the team's own hooks still run.
    @Test func huskyDispatcherKeepsRunningTheTeamsHooks() throws {
        let hooked = try HookedRepository(install: false)
        try hooked.writeScript(".husky/_/h", """
            #!/usr/bin/env sh
            [ "$HUSKY" = "2" ] && set -x
            n=$(basename "$0")
            s=$(dirname "$(dirname "$0")")/$n

            [ ! -f "$s" ] && exit 0

            if [ -f "$HOME/.huskyrc" ]; then
            \techo "husky - '~/.huskyrc' is DEPRECATED, please move your code to ~/.config/husky/init.sh"
            fi
            i="${XDG_CONFIG_HOME:-$HOME/.config}/husky/init.sh"
            [ -f "$i" ] && . "$i"

            [ "${HUSKY-}" = "0" ] && exit 0

            export PATH="node_modules/.bin:$PATH"
            sh -e "$s" "$@"
            c=$?

            [ $c != 0 ] && echo "husky - $n script failed (code $c)"
            [ $c = 127 ] && echo "husky - command not found in PATH=$PATH"
            exit $c

            """)
        for name in ["pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "pre-push"] {
            try hooked.writeScript(".husky/_/\(name)", "#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"\n")
        }
        try hooked.repo.write(".husky/_/.gitignore", "*\n")
        try hooked.repo.write(".husky/commit-msg", "echo \"commit-msg ran with $1\" >> .git/husky-ran\ngrep -q WIP \"$1\" && { echo 'no WIP commits' >&2; exit 1; }\nexit 0\n")
        try hooked.repo.write(".husky/post-commit", "echo post-commit ran >> .git/husky-ran\n")
        try hooked.repo.git(["config", "core.hooksPath", ".husky/_"])
        let install = try hooked.aitrail(["install", "--force"])
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.stdout.contains("commit-msg: installed (runs the previous hook first: commit-msg.pre-aitrail)"))

        let wip = try hooked.commit(["-m", "WIP stuff"], environment: ["CLAUDECODE": "1"])
        #expect(wip.status != 0)
        #expect(wip.stderr.contains("no WIP commits"))
        let good = try hooked.commit(["-m", "real work"], environment: ["CLAUDECODE": "1"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(try hooked.tagLines() == ["Assisted-by: claude-code"])
        #expect(try hooked.usage().count == 1)
        let ran = try hooked.repo.read(".git/husky-ran")
        #expect(ran.contains("commit-msg ran with .git/COMMIT_EDITMSG"))
        #expect(ran.contains("post-commit ran"))
    }

    /// An overcommit-style dispatcher: one program (here in Perl, not a shell script) linked as each
    /// hook, choosing what to do from the name it was run as. It sees its own name, arguments and stdin.
    @Test func nameDispatcherInAnotherLanguageSeesItsOwnName() throws {
        let remote = try TestRepository(bare: true)
        let hooked = try HookedRepository(install: false)
        try hooked.writeScript(".git/hooks/overcommit-hook", """
            #!/usr/bin/perl
            use File::Basename;
            my $hook = basename($0);
            if ($hook eq 'overcommit-hook') { print STDERR "run me through a hook name\\n"; exit 64; }
            open(my $log, '>>', '.git/dispatched') or die;
            my $input = $hook eq 'pre-push' ? join('', <STDIN>) : '';
            print $log "$hook @ARGV $input\\n";
            exit 0;

            """)
        for name in ["commit-msg", "post-commit", "pre-push"] {
            try FileManager.default.createSymbolicLink(atPath: hooked.path + "/.git/hooks/\(name)", withDestinationPath: "overcommit-hook")
        }
        #expect(try hooked.aitrail(["install"]).status == 0)
        try hooked.repo.git(["remote", "add", "origin", remote.path])
        let commit = try hooked.commit(["-m", "work"], environment: ["CLAUDECODE": "1"])
        #expect(commit.status == 0, "\(commit.stderr)")
        let push = try hooked.repo.gitResult(["push", "-q", "origin", "main"])
        #expect(push.status == 0, "\(push.stderr)")
        let log = try hooked.repo.read(".git/dispatched")
        #expect(log.contains("commit-msg .git/COMMIT_EDITMSG"))
        #expect(log.contains("post-commit"))
        #expect(log.contains("pre-push origin \(remote.path) refs/heads/main \(try hooked.repo.head()) refs/heads/main"))
        #expect(!log.contains("pre-aitrail"))
    }

    @Test func installNamesTheHookManagerOnlyWhenItRecognisesIt() throws {
        let hooked = try HookedRepository(install: false)
        try FileManager.default.createDirectory(atPath: hooked.path + "/.husky", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: hooked.path + "/.githooks", withIntermediateDirectories: true)
        try hooked.repo.git(["config", "core.hooksPath", ".githooks"])
        let refused = try hooked.aitrail(["install"])
        #expect(refused.status == 2)
        #expect(!refused.stderr.contains("husky"), "\(refused.stderr)")
        #expect(refused.stderr.contains("another tool owns the hooks"))
        #expect(refused.stderr.contains("git config --add notes.rewriteRef refs/notes/aitrail"))
    }

    /// An amend in the same second with nothing changed makes the same commit again: one record.
    @Test func sameSecondAmendWritesOneUsageRecord() throws {
        let hooked = try HookedRepository()
        try hooked.repo.git(["config", "--unset-all", "notes.rewriteRef"])
        for _ in 0..<3 {
            try hooked.commit(["-m", "agent"], environment: ["CLAUDECODE": "1"])
            let before = try hooked.repo.head()
            let amend = try hooked.repo.gitResult(["commit", "-q", "--amend", "--no-edit"], environment: ["CLAUDECODE": "1"])
            #expect(amend.status == 0, "\(amend.stderr)")
            let after = try hooked.repo.head()
            #expect(try hooked.usage().count == 1, "amend of \(before) made \(after)")
        }
    }

    /// The install path is written into the shim single-quoted: a path with `$(…)` or `"` neither
    /// runs nor breaks it, and a missing binary still lets the commit through.
    @Test func hostileInstallPathNeitherRunsNorBreaksTheShim() throws {
        let folder = try makeTemporaryDirectory(prefix: "aitrail-bin")
        let marker = folder + "/ran"
        let hostile = folder + "/a$(touch \(marker))\"b'c`touch \(marker)`"
        try FileManager.default.createDirectory(atPath: hostile, withIntermediateDirectories: true)
        let binary = hostile + "/aitrail"
        try FileManager.default.copyItem(atPath: aitrailBinary, toPath: binary)
        let hooked = try HookedRepository(binary: binary)
        let tagged = try hooked.commit(["-m", "agent"], environment: ["CLAUDECODE": "1"])
        #expect(tagged.status == 0, "\(tagged.stderr)")
        #expect(try hooked.tagLines() == ["Assisted-by: claude-code"])

        try FileManager.default.removeItem(atPath: binary)
        let missing = try hooked.commit(["-m", "agent again"], environment: ["CLAUDECODE": "1", "PATH": "/usr/bin:/bin"])
        #expect(missing.status == 0, "\(missing.stderr)")
        #expect(missing.stderr.contains("aitrail: \(binary) not found"))
        #expect(try hooked.message() == "agent again\n")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}

/// Notes flow with a bare remote: `git fetch` brings them, the next hook merges them line-wise.
@Suite struct NotesFlowTests {
    @Test func fetchedNotesAreMergedLineWiseNeverOverwritten() throws {
        let remote = try TestRepository(bare: true)
        let seed = try HookedRepository(install: false)
        try seed.repo.git(["remote", "add", "origin", remote.path])
        try seed.repo.git(["push", "-q", "origin", "main"])
        let a = try NotesFlowTests.clone(remote)
        try a.commit(["-m", "a's agent work"], environment: ["CLAUDECODE": "1"])
        let commitA = try a.repo.head()
        #expect(try a.repo.gitResult(["push", "-q", "origin", "main"]).status == 0)

        // B was cloned before and has notes of its own, on A's commit too, before fetching.
        let b = try NotesFlowTests.clone(remote)
        try b.repo.git(["fetch", "-q", "origin"])
        try b.repo.git(["notes", "--ref", "aitrail", "add", "-m", "{\"type\":\"x-local\",\"v\":1}", commitA])
        let status = try b.aitrail(["status"])
        #expect(status.stdout.contains("origin has notes you lack (fetched into refs/notes/remotes/origin/aitrail)"), "\(status.stdout)")
        try b.commit(["-m", "b's agent work"], environment: ["CODEX_CI": "1"])
        let lines = try b.noteLines(commitA)
        #expect(lines.contains("{\"type\":\"x-local\",\"v\":1}"))
        #expect(try b.usage(commitA).first?["agent"] as? String == "claude-code")
        #expect(try b.usage().first?["agent"] as? String == "codex")
        #expect(!(try b.aitrail(["status"]).stdout.contains("has notes you lack")))

        // A fresh clone: install, then a plain `git pull` brings the notes, and `aitrail log` shows them.
        let c = try NotesFlowTests.clone(remote)
        #expect(try c.repo.gitResult(["pull", "-q"]).status == 0)
        let log = try c.aitrail(["log", commitA])
        #expect(log.stdout.contains("claude-code (env)"), "\(log.stdout)\(log.stderr)")
    }

    @Test func dryRunPushPushesNothing() throws {
        let remote = try TestRepository(bare: true)
        let seed = try HookedRepository(install: false)
        try seed.repo.git(["remote", "add", "origin", remote.path])
        try seed.repo.git(["push", "-q", "origin", "main"])
        let a = try NotesFlowTests.clone(remote)
        try a.commit(["-m", "agent"], environment: ["CLAUDECODE": "1"])
        for flags in [["--dry-run"], ["-n"], ["-fn"]] {
            let push = try a.repo.gitResult(["push", "-q"] + flags + ["origin", "main"])
            #expect(push.status == 0, "\(push.stderr)")
            #expect(try remote.gitResult(["rev-parse", "-q", "--verify", "refs/notes/aitrail"]).status != 0, "\(flags)")
        }
        #expect(try a.repo.gitResult(["push", "-q", "origin", "main"]).status == 0)
        #expect(try remote.gitResult(["rev-parse", "-q", "--verify", "refs/notes/aitrail"]).status == 0)
    }

    static func clone(_ remote: TestRepository) throws -> HookedRepository {
        let path = try makeTemporaryDirectory() + "/clone"
        try runProcess("/usr/bin/git", ["clone", "-q", remote.path, path], removing: agentEnvironment)
        let clone = HookedRepository(wrapping: TestRepository(existing: path))
        try clone.repo.git(["config", "user.name", "Clone User"])
        try clone.repo.git(["config", "user.email", "clone@example.com"])
        let install = try clone.aitrail(["install"])
        #expect(install.status == 0)
        #expect(install.stdout.contains("remote.origin.fetch += +refs/notes/aitrail:refs/notes/remotes/origin/aitrail"))
        return clone
    }
}

/// `aitrail check` still reports policy problems loudly: unknown keys as notices, a bad value as exit 2.
@Suite struct PolicyProblemsInTheGateTests {
    @Test func unknownKeyIsANoticeAndABadValueIsExit2() throws {
        let lenient = try gateRepository(policy: "[evidence]\n\trequire = none\n\trunner = unit\n")
        try lenient.commit("Add parser" + claudeTrailer)
        let passed = try check(lenient)
        #expect(passed.status == 0, "\(passed.result.stderr)")
        #expect(passed.report?.notices.contains { $0.contains(".aitrail:3: unknown key 'evidence.runner' ignored") } == true)

        let broken = try gateRepository(policy: "[evidence]\n\tmax-age = 9999999999999999d\n")
        try broken.commit("Add parser" + claudeTrailer)
        let refused = try check(broken)
        #expect(refused.status == 2)
        #expect(refused.result.stderr.contains("bad value '9999999999999999d' for 'evidence.max-age'"))
        #expect(refused.result.stderr.contains("is too long"))
    }
}

extension HookRobustnessTests {
    /// A session file that cannot be read never stops an agent's commit from being tagged.
    @Test func unreadableSessionFileDoesNotStopTagging() throws {
        let hooked = try HookedRepository()
        try hooked.repo.write(".git/aitrail/session.json", "{not json")
        let result = try hooked.commit(["-m", "agent"], environment: ["CLAUDECODE": "1"])
        #expect(result.status == 0)
        #expect(try hooked.tagLines() == ["Assisted-by: claude-code"])
        #expect(try hooked.usage().count == 1)
        #expect(result.stderr.components(separatedBy: "is not a session file").count == 2, "said once: \(result.stderr)")
    }

    @Test func uninstallRemovesWhatInstallSet() throws {
        let remote = try TestRepository(bare: true)
        let hooked = try HookedRepository(install: false)
        try hooked.repo.git(["remote", "add", "origin", remote.path])
        #expect(try hooked.aitrail(["install"]).status == 0)
        #expect(try hooked.repo.git(["config", "--get-all", "remote.origin.fetch"]).contains("+refs/notes/aitrail:refs/notes/remotes/origin/aitrail"))
        #expect(try hooked.aitrail(["uninstall"]).status == 0)
        #expect(try hooked.repo.git(["config", "--get-all", "remote.origin.fetch"]) == "+refs/heads/*:refs/remotes/origin/*\n")
        #expect(!FileManager.default.fileExists(atPath: hooked.path + "/.git/aitrail/policy-seen"))
    }
}

extension HookRobustnessTests {
    /// A compiled hook (no `#!` line, not text) is run as a program, not read by a shell.
    @Test func compiledChainedHookRunsAsAProgram() throws {
        let hooked = try HookedRepository(install: false)
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: hooked.path + "/.git/hooks/commit-msg")
        #expect(try hooked.aitrail(["install"]).status == 0)
        let result = try hooked.commit(["-m", "agent"], environment: ["CLAUDECODE": "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try hooked.tagLines() == ["Assisted-by: claude-code"])
    }

    /// `--ttl` is parsed strictly and never overflows; a session's model is stored in its safe spelling.
    @Test func sessionDurationsAndModelsAreChecked() throws {
        let hooked = try HookedRepository()
        for ttl in ["9999999999999999w", "5x", "1y", "30"] {
            let result = try hooked.aitrail(["session", "start", "--agent", "cline", "--ttl", ttl])
            #expect(result.status == 64, "\(ttl): \(result.stderr)")
            #expect(result.stderr.contains("--ttl: '\(ttl)'"), "\(result.stderr)")
        }
        let badModel = try hooked.aitrail(["session", "start", "--agent", "cline", "--model", "$(id)"])
        #expect(badModel.status == 64)
        let started = try hooked.aitrail(["session", "start", "--agent", "cline", "--model", "Qwen 3 Coder[1m]", "--ttl", "2w"])
        #expect(started.status == 0, "\(started.stderr)")
        try hooked.commit(["-m", "session work"])
        #expect(try hooked.tagLines() == ["Assisted-by: cline:qwen-3-coder"])
    }
}

extension NotesFlowTests {
    /// Without the fetch refspec (a clone that never ran install), status says `git fetch` does not bring the notes.
    @Test func statusSaysWhenFetchDoesNotBringTheNotes() throws {
        let remote = try TestRepository(bare: true)
        let seed = try HookedRepository(install: false)
        try seed.repo.git(["remote", "add", "origin", remote.path])
        let status = try seed.aitrail(["status"])
        #expect(status.stdout.contains("`git fetch` does not bring the notes of origin (run `aitrail install`, or `aitrail sync`)"), "\(status.stdout)")
        #expect(try seed.aitrail(["install"]).status == 0)
        #expect(!(try seed.aitrail(["status"]).stdout.contains("does not bring the notes")))
    }

    /// A tip taken in is remembered: later hooks do not walk the notes history again for it.
    @Test func takenInTipsAreRemembered() throws {
        let remote = try TestRepository(bare: true)
        let seed = try HookedRepository(install: false)
        try seed.repo.git(["remote", "add", "origin", remote.path])
        try seed.repo.git(["push", "-q", "origin", "main"])
        let a = try NotesFlowTests.clone(remote)
        try a.commit(["-m", "a"], environment: ["CLAUDECODE": "1"])
        #expect(try a.repo.gitResult(["push", "-q", "origin", "main"]).status == 0)
        let b = try NotesFlowTests.clone(remote)
        try b.repo.git(["fetch", "-q", "origin"])
        try b.commit(["-m", "b"], environment: ["CODEX_CI": "1"])
        let tip = try b.repo.git(["rev-parse", "refs/notes/remotes/origin/aitrail"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let taken = try b.repo.read(".git/aitrail/notes-taken-in")
        #expect(taken == "refs/notes/remotes/origin/aitrail \(tip)\n")
    }
}
