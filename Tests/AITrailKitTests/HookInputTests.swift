import AITrailKit
import Foundation
import Git
import Testing
import TestSupport

/// What the hooks read from the environment, a session file and the policy: hostile and odd values
/// are made safe or dropped, never written, and a policy that cannot be fully read never stops tagging.
@Suite struct HookInputTests {
    static let kilobyte = String(repeating: "a", count: 1_024)

    @Test(arguments: [
        ("claude-sonnet-4.5[1m]", "claude-sonnet-4.5"),
        ("Claude Opus 4.6 (1M context)", "claude-opus-4.6"),
        ("openai/gpt-5.4", "gpt-5.4"),
        ("gpt-5", "gpt-5"),
    ] as [(String, String)])
    func modelsAreWrittenInOneSafeSpelling(raw: String, model: String) {
        #expect(SafeID.model(raw) == model)
    }

    @Test(arguments: ["$(touch /tmp/x)", "`id`", "a b;c", "claude\nopus", "claude\"x", "'q'", kilobyte, "\u{FFFD}\u{FFFD}", "", "[1m]", "claude$HOME"])
    func hostileModelsAreDropped(raw: String) {
        #expect(SafeID.model(raw) == nil)
    }

    /// Whatever the model variable holds, the value aitrail would write parses as a trailer value.
    @Test func everyWrittenValueParses() {
        let detector = EnvironmentDetector()
        let odd = ["claude-sonnet-4.5[1m]", "$(rm -rf /)", "`x`", "a/b/c", "x\ny", Self.kilobyte, "(only a note)", "[1m]", "x y z", "\u{FFFD}"]
        for value in odd {
            let found = detector.detect(["AI_AGENT": "github_copilot", "COPILOT_MODEL": value])
            #expect(found?.agent == "copilot")
            let written = AssistedBy(agent: found!.agent, model: found!.model).value
            guard case .success(let parsed) = AssistedBy.parse(written) else {
                Issue.record("'\(written)' from COPILOT_MODEL=\(value) does not parse")
                continue
            }
            #expect(parsed.model == found!.model)
        }
    }

    @Test func explicitAgentIsValidatedWhereItIsRead() {
        let detector = EnvironmentDetector()
        let bogus = detector.examine(["AITRAIL_AGENT": "bogus::"])
        #expect(bogus.attribution?.agent == "bogus")
        #expect(bogus.attribution?.model == nil)
        #expect(bogus.ignored.count == 1)
        let hostile = detector.examine(["AITRAIL_AGENT": "$(id):x", "CLAUDECODE": "1"])
        #expect(hostile.attribution?.agent == "claude-code")
        #expect(hostile.ignored.first?.hasPrefix("AITRAIL_AGENT='$(id):x' ignored") == true)
        #expect(detector.detect(["AITRAIL_AGENT": "a b"]) == nil)
        #expect(detector.detect(["AITRAIL_AGENT": "Claude Code:Claude Opus 4.6"])?.model == "claude-opus-4.6")
        #expect(detector.detect(["AITRAIL_AGENT": Self.kilobyte]) == nil)
    }

    @Test func genericVariablesCountOnlyForKnownAgents() throws {
        let detector = EnvironmentDetector()
        #expect(detector.detect(["AGENT": "jenkins"]) == nil)
        #expect(detector.detect(["AI_AGENT": "buildkite-runner"]) == nil)
        #expect(detector.detect(["AI_AGENT": "windsurf"])?.agent == "windsurf")
        #expect(detector.detect(["AGENT": "amp"])?.agent == "amp")
        #expect(detector.detect(["AI_AGENT": "Claude/1.0"])?.agent == "claude-code")
        #expect(detector.detect(["AGENT": "codex@0.9"])?.agent == "codex")
        let policy = try PolicyLoader.load(commitText: "[agent \"jenkins-ai\"]\n\tname = Jenkins AI\n")
        #expect(EnvironmentDetector(registry: policy.registry).detect(["AGENT": "jenkins-ai"])?.agent == "jenkins-ai")
    }

    @Test func sessionValuesAreCheckedLikeTheEnvironment() {
        let detector = CommitTimeDetector(registry: .builtin)
        let hostile = Session(agent: "x`id`", model: nil, started: "2026-01-01T00:00:00Z", expires: "2999-01-01T00:00:00Z")
        let ignored = detector.decide(environment: [:], session: hostile)
        #expect(ignored.attribution == nil)
        #expect(ignored.ignored.count == 1)
        let oddModel = Session(agent: "cline", model: "qwen[1m]\n$(x)", started: "2026-01-01T00:00:00Z", expires: "2999-01-01T00:00:00Z")
        let decision = detector.decide(environment: [:], session: oddModel)
        #expect(decision.attribution?.agent == "cline")
        #expect(decision.attribution?.model == "qwen")
    }

    @Test(arguments: [("45s", 45), ("90m", 5_400), ("12h", 43_200), ("30d", 2_592_000), ("2w", 1_209_600), ("5200w", 3_144_960_000), (" 8H ", 28_800)] as [(String, Int64)])
    func durations(text: String, seconds: Int64) {
        #expect(AITrailKit.Duration.parseSeconds(text) == seconds)
    }

    @Test(arguments: ["5x", "1y", "30", "", "d", "-5d", "+5d", "1.5h", "0d", "9999999999999999d", "9999999999999999w", "99999999999999999999999s", "5 d", "٣d"])
    func badDurationsAreErrorsNamingTheValue(text: String) {
        guard case .failure(let problem) = AITrailKit.Duration.parse(text) else {
            Issue.record("'\(text)' was read as a duration")
            return
        }
        #expect(text.trimmingCharacters(in: .whitespaces).isEmpty || problem.message.contains("'\(text.trimmingCharacters(in: .whitespaces))'"))
    }

    @Test func overflowingMaxAgeIsABadValueNotACrash() {
        let error = #expect(throws: AITrailError.self) { try PolicyLoader.load(commitText: "[evidence]\n\tmax-age = 9999999999999999d\n") }
        #expect(error?.message.contains("is too long") == true)
    }

    /// The hooks read what they can: a bad value costs its own section only, and says so.
    @Test func lenientReadingKeepsTheValidSections() throws {
        let text = """
        [tag]
        \ttrailer = AI-used-for
        [agents]
        \tallow = claude-code
        [agent "acme-bot"]
        \tenv = ACME_BOT_SESSION
        [agent "broken"]
        \tenv = not a marker
        [evidence]
        \tmax-age = 3x
        [tag]
        \trequire = maybe
        """
        #expect(throws: AITrailError.self) { try PolicyLoader.load(commitText: text) }
        let path = try makeTemporaryDirectory() + "/.aitrail"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let policy = PolicyLoader.loadForHooks(path: path)
        #expect(policy.tag.trailer == "Assisted-by")  // [tag] has a bad value: its defaults
        #expect(policy.allowedAgents == ["claude-code"])
        #expect(policy.customAgents.map(\.id) == ["acme-bot"])
        #expect(policy.evidence.maxAge == nil)
        #expect(policy.warnings.count == 3)
        #expect(policy.warnings.contains { $0.hasPrefix(".aitrail:12: bad value 'maybe' for 'tag.require'") && $0.hasSuffix("defaults of [tag] until it is fixed)") })
        #expect(policy.warnings.contains { $0.contains("[agent \"broken\"]") })

        try "[tag\n".write(toFile: path, atomically: true, encoding: .utf8)
        let broken = PolicyLoader.loadForHooks(path: path)
        #expect(broken.tag.trailer == "Assisted-by")
        #expect(broken.warnings.count == 1)
    }
}
