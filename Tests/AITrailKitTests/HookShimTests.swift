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
        let start = try #require(text.range(of: "aitrail_agent_env() {"))
        let end = try #require(text.range(of: "\n}\n", range: start.upperBound..<text.endIndex))
        try Data((String(text[start.lowerBound..<end.upperBound]) + "aitrail_agent_env\n").utf8).write(to: URL(fileURLWithPath: script))
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
