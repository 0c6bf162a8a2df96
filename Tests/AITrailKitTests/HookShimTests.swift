import AITrailKit
import Foundation
import Testing
import TestSupport

@Suite struct HookShimTests {
    @Test func embeddedTemplateIsTheShippedShim() throws {
        let shipped = try String(contentsOfFile: packageRoot + "/hooks/aitrail-shim.sh", encoding: .utf8)
        #expect(HookShim.template == shipped)
    }

    @Test func renderingQuotesValuesAndNamesTheHook() {
        let shim = HookShim(
            markers: [EnvironmentMarker("A_VAR"), EnvironmentMarker("B_VAR", .equals("it's")), EnvironmentMarker("C_VAR", .hasSuffix(" (x)"))],
            trailerKeys: ["assisted-by"], binary: "/opt/ai trail/aitrail")
        let text = shim.render(hook: "commit-msg")
        #expect(text.contains("hook=commit-msg\n"))
        #expect(text.contains("[ -n \"${A_VAR-}\" ] && return 0"))
        #expect(text.contains("case ${B_VAR-} in 'it'\\''s') return 0 ;; esac"))
        #expect(text.contains("case ${C_VAR-} in *' (x)') return 0 ;; esac"))
        #expect(text.contains("want='/opt/ai trail/aitrail'\n"))
        #expect(text.contains("grep -qiE '^(assisted-by)[[:space:]]*:'"))
        #expect(text.firstRange(of: /@[A-Z_]+@/) == nil)
    }

    /// The shim's environment test agrees with the detector for every marker of the registry.
    @Test func shimEnvironmentTestAgreesWithTheDetector() throws {
        let shim = HookShim(policy: .defaults, binary: "/bin/false")
        let script = try makeTemporaryDirectory() + "/test.sh"
        let text = shim.render(hook: "post-commit")
        // The markers' function, and the one for AI_AGENT and AGENT (defined last in the shim, so it is
        // read only when they are set): the shim starts aitrail when either says so.
        var functions = ""
        for name in ["aitrail_agent_env", "aitrail_generic_agent"] {
            let start = try #require(text.range(of: name + "() {"))
            let end = try #require(text.range(of: "\n}\n", range: start.upperBound..<text.endIndex))
            functions += String(text[start.lowerBound..<end.upperBound])
        }
        try Data((functions + "aitrail_agent_env || aitrail_generic_agent\n").utf8).write(to: URL(fileURLWithPath: script))
        var cases: [[String: String]] = [["CURSOR_EXTENSION_HOST_ROLE": "user"], ["GIT_AUTHOR_NAME": "Jane"], [:]]
        // AGENT and AI_AGENT count only for names the registry knows, in any letter case.
        cases += [["AGENT": "jenkins"], ["AI_AGENT": "windsurf"], ["AGENT": "Amp"], ["AI_AGENT": "Claude-Code/2.1"],
                  ["AGENT": "codex@0.9"], ["AGENT": "claude code"], ["AGENT": "claudex"], ["AI_AGENT": "GITHUB_COPILOT"],
                  ["AGENT": "goose-ish"], ["AGENT": ""], ["AI_AGENT": "/claude"]]
        for agent in AgentRegistry.builtin.agents {
            for marker in agent.environment { cases.append(HookTaggingTestsEnvironment.satisfying(marker)) }
        }
        for environment in cases {
            let detected = CommitTimeDetector(registry: .builtin).decide(environment: environment, session: nil).isAI
            let result = try runProcess("/bin/sh", [script], environment: environment, removing: agentEnvironment)
            #expect((result.status == 0) == detected, "\(environment)")
        }
    }
}

/// The shim's message tests run with shell builtins (no process) for up to 100 lines and hand longer
/// messages to `cmp` and `grep`: they must answer as `cmp -s` and the shim's former `grep` do.
@Suite struct HookShimMessageTests {
    static let keys = ["assisted-by", "generated-by", "ai-used-for", "x-ai"]

    /// The shim's two message functions, in a script that runs one on its arguments.
    func script() throws -> String {
        let text = HookShim(markers: [], trailerKeys: Self.keys, binary: "/bin/false").render(hook: "commit-msg")
        let start = try #require(text.range(of: "aitrail_validated() {"))
        let middle = try #require(text.range(of: "aitrail_trailer_key() {", range: start.upperBound..<text.endIndex))
        let end = try #require(text.range(of: "\n}\n", range: middle.upperBound..<text.endIndex))
        let path = try makeTemporaryDirectory() + "/message-tests.sh"
        try Data((String(text[start.lowerBound..<end.upperBound]) + "\"$@\"\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func file(_ directory: String, _ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let lines = (1...150).map { "line \($0) of a long message, with * and \\ and $HOME\n" }.joined()

    /// The shim's test of prepare-commit-msg's copy: git's process id (the shell's `$PPID`, here this
    /// test process) on the first line, then the message, compared as `cmp -s` compares.
    @Test func validatedAnswersAsCmp() throws {
        let script = try script(), directory = try makeTemporaryDirectory()
        let pairs: [(String, String)] = [
            ("Subject\n\nBody\n\nAssisted-by: claude-code\n", "Subject\n\nBody\n\nAssisted-by: claude-code\n"),
            ("Subject\n\nAssisted-by: claude-code\n", "Subject\n\nAssisted-by: claude-code:x\n"),
            ("Subject\n", "Subject"),
            ("Subject\n", "Subject\n\n"),
            ("", ""),
            ("", "\n"),
            (" lead and trail \t\n", " lead and trail \t\n"),
            (" lead and trail \t\n", "lead and trail \t\n"),
            ("back\\slash\\n\n", "back\\slash\\n\n"),
            ("back\\slash\n", "backslash\n"),
            ("crlf\r\n", "crlf\n"),
            ("-e\n*\n", "-e\n*\n"),
            (Self.lines, Self.lines),
            (Self.lines, Self.lines.replacingOccurrences(of: "line 140 ", with: "line 14O ")),
            (Self.lines, Self.lines + "one more\n"),
        ]
        let pid = getpid()
        for (index, (first, second)) in pairs.enumerated() {
            let a = try file(directory, "a\(index)", first), b = try file(directory, "b\(index)", second)
            let copy = try file(directory, "c\(index)", "\(pid)\n" + second)
            let builtin = try runProcess("/bin/sh", [script, "aitrail_validated", a, copy]).status
            let cmp = try runProcess("/usr/bin/cmp", ["-s", a, b]).status
            #expect((builtin == 0) == (cmp == 0), "pair \(index): \(first.prefix(40).debugDescription) / \(second.prefix(40).debugDescription)")
            // Another git process's copy (an earlier commit's) never counts, equal or not.
            let earlier = try file(directory, "e\(index)", "\(pid + 1)\n" + second)
            #expect(try runProcess("/bin/sh", [script, "aitrail_validated", a, earlier]).status != 0)
        }
        let headerless = try file(directory, "headerless", pairs[0].1)
        #expect(try runProcess("/bin/sh", [script, "aitrail_validated", directory + "/a0", headerless]).status != 0)
        let missing = try runProcess("/bin/sh", [script, "aitrail_validated", directory + "/none", directory + "/a0"]).status
        #expect(missing != 0)
        #expect(try runProcess("/bin/sh", [script, "aitrail_validated", directory + "/a0", directory + "/none"]).status != 0)
    }

    @Test func trailerKeyAnswersAsGrep() throws {
        let script = try script(), directory = try makeTemporaryDirectory()
        let messages = [
            "Subject\n\nAssisted-by: claude-code\n", "Subject\n\nASSISTED-BY : codex\n", "Subject\n\nassisted-by\t: codex\n",
            "Subject\n\nGenerated-by: aider", "Subject\n\nX-AI: tool\r\n", "AI-used-for: tests\nSubject below\n",
            "Subject\n\n  Assisted-by: indented\n", "Subject\n\nNot-Assisted-by: x\n", "Subject\n\nAssisted-byx: y\n",
            "Subject\n\nAssisted-by\n", "Subject\n\nSigned-off-by: A <a@example.com>\n", "", "\n\n",
            Self.lines, Self.lines + "Assisted-by: late\n", "Assisted-by: early\n" + Self.lines,
            Self.lines.replacingOccurrences(of: "line 120 of", with: "Generated-by: middle\nline 120 of"),
        ]
        let pattern = "^(" + Self.keys.joined(separator: "|") + ")[[:space:]]*:"
        for (index, message) in messages.enumerated() {
            let path = try file(directory, "m\(index)", message)
            let builtin = try runProcess("/bin/sh", [script, "aitrail_trailer_key", path]).status
            let grep = try runProcess("/bin/grep", ["-qiE", pattern, path]).status
            #expect((builtin == 0) == (grep == 0), "message \(index): \(message.prefix(60).debugDescription)")
        }
        // The one difference: text between the key and a colon starts aitrail, which then finds no trailer.
        let loose = try file(directory, "loose", "Subject\n\nAssisted-by me: a note\n")
        #expect(try runProcess("/bin/sh", [script, "aitrail_trailer_key", loose]).status == 0)
        #expect(try runProcess("/bin/sh", [script, "aitrail_trailer_key", directory + "/none"]).status != 0)
    }
}

enum HookTaggingTestsEnvironment {
    static func satisfying(_ marker: EnvironmentMarker) -> [String: String] {
        switch marker.test {
        case .present: return [marker.variable: "1"]
        case .equals(let value), .hasPrefix(let value): return [marker.variable: value]
        case .hasSuffix(let value): return [marker.variable: "Someone" + value]
        }
    }
}

@Suite struct CommitTimeDetectorTests {
    let session = Session(agent: "cline", model: "qwen-3", started: "2026-01-01T00:00:00Z", expires: "2999-01-01T00:00:00Z")

    @Test func precedenceIsExplicitThenMarkersThenSession() {
        let detector = CommitTimeDetector(registry: .builtin)
        #expect(detector.decide(environment: ["AITRAIL_AGENT": "codex", "CLAUDECODE": "1"], session: session).attribution?.agent == "codex")
        #expect(detector.decide(environment: ["CLAUDECODE": "1"], session: session).attribution?.agent == "claude-code")
        let fromSession = detector.decide(environment: [:], session: session).attribution
        #expect(fromSession?.agent == "cline")
        #expect(fromSession?.model == "qwen-3")
        #expect(fromSession?.source == .session)
        #expect(detector.decide(environment: [:], session: nil).attribution == nil)
    }

    @Test func expiredSessionIsIgnored() {
        var old = session
        old.expires = "2020-01-01T00:00:00Z"
        let decision = CommitTimeDetector(registry: .builtin).decide(environment: [:], session: old)
        #expect(decision.attribution == nil)
        #expect(decision.sessionExpired)
    }
}
