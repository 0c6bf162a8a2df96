import AITrailKit
import Testing

private let human = Identity(name: "Jane Doe", email: "jane@corp.example")

@Suite struct ClassifierTests {
    let classifier = Classifier()

    @Test(arguments: [
        // Claude Code's real footer and co-author.
        ("Fix parser\n\nBody.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-authored-by: Claude Opus 4.6 <noreply@anthropic.com>\n",
         ["claude-code"], ["claude-opus-4.6"], ["trailer", "footer"]),
        ("Fix\n\nCo-authored-by: Claude Opus 4.6 (1M context) <noreply@anthropic.com>\n", ["claude-code"], ["claude-opus-4.6"], ["trailer"]),
        ("Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n", ["claude-code"], [], ["trailer"]),
        ("Fix\n\nCo-authored-by: Codex <noreply@openai.com>\n", ["codex"], [], ["trailer"]),
        ("Fix\n\nCo-authored-by: aider (gpt-5.4) <aider@aider.chat>\n", ["aider"], ["gpt-5.4"], ["trailer"]),
        ("aider: fix the build\n", ["aider"], [], ["subject"]),
        ("Fix\n\nMade-with: Cursor\n", ["cursor"], [], ["trailer"]),
        ("Fix\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\n", ["cursor"], [], ["trailer"]),
        ("Fix\n\nAgent-Logs-Url: https://github.com/o/r/sessions/1\n", ["copilot"], [], ["trailer"]),
        ("Fix\n\nAmp-Thread-ID: https://ampcode.com/threads/T-1\nCo-authored-by: Amp <amp@ampcode.com>\n", ["amp"], [], ["trailer"]),
        ("Fix\n\n🤖 Generated with [opencode](https://opencode.ai)\n\nCo-authored-by: opencode <noreply@opencode.ai>\n", ["opencode"], [], ["trailer", "footer"]),
        ("Fix\n\nCo-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>\n", ["qwen-code"], [], ["trailer"]),
        ("Fix\n\nAssisted-by: claude-code:claude-opus-4.6\n", ["claude-code"], ["claude-opus-4.6"], ["trailer"]),
        ("Fix\n\nAssisted-by: Claude:claude-3-opus coccinelle sparse\n", ["claude-code"], ["claude-3-opus"], ["trailer"]),
        ("Fix\n\nGenerated-by: Claude Code\n", ["claude-code"], [], ["trailer"]),
        ("Fix\n\nAI-used-for: codex:gpt-5\n", ["codex"], ["gpt-5"], ["trailer"]),
        ("Fix\n\nAssisted-by: acme-bot\n", ["acme-bot"], [], ["trailer"]),
    ] as [(String, [String], [String], [String])])
    func findsMarkersInMessages(message: String, agents: [String], models: [String], sources: [String]) {
        let result = classifier.classify(message: message, author: human, committer: human)
        #expect(result.agents == agents)
        #expect(result.models == models)
        #expect(result.sources.map(\.rawValue) == sources)
    }

    @Test(arguments: [
        "Document the Co-authored-by: Claude <noreply@anthropic.com> convention\n",
        "Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\nMore prose after the trailer-like line, so it is not the final block.\n",
        "Fix\n\nCo-authored-by: John Smith <john@corp.example>\nSigned-off-by: Jane Doe <jane@corp.example>\n",
        "Fix\n\nWe tried text Generated with Claude Code in the old days.\n",
        "Fix\n\nAssisted-by: John Smith <john@corp.example>\n",
        "Note aider: is a tool\n",
    ])
    func decoysAreNotAI(message: String) {
        #expect(!classifier.classify(message: message, author: human, committer: human).isAI)
    }

    @Test func identitiesMatchEmailFirstThenName() {
        let cases: [(Identity, String?)] = [
            (Identity(name: "Jane Doe (aider)", email: "jane@corp.example"), "aider"),
            (Identity(name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com"), "copilot"),
            (Identity(name: "Cursor Agent", email: "cursoragent@cursor.com"), "cursor"),
            (Identity(name: "google-labs-jules[bot]", email: "161369871+google-labs-jules[bot]@users.noreply.github.com"), "jules"),
            (Identity(name: "openhands", email: "openhands@all-hands.dev"), "openhands"),
            (Identity(name: "claude[bot]", email: "209825114+claude[bot]@users.noreply.github.com"), "claude-code"),
            (Identity(name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com"), nil),
            (human, nil),
        ]
        for (identity, agent) in cases {
            let result = classifier.classify(message: "Change\n", author: identity, committer: human)
            #expect(result.agents == (agent.map { [$0] } ?? []), "\(identity)")
            if agent != nil { #expect(result.sources == [.identity]) }
        }
        #expect(Identity(name: "dependabot[bot]", email: "x").isBot)
    }

    @Test func aiderCommitterMeansAiderWroteTheMessage() {
        let result = classifier.classify(message: "Change\n", author: human, committer: Identity(name: "Jane Doe (aider)", email: "jane@corp.example"))
        #expect(result.agents == ["aider"])
        #expect(result.attributions.first?.marker.hasPrefix("committer ") == true)
    }

    @Test func modelNamesAreNormalised() {
        #expect(ModelName.normalise("Claude Opus 4.6") == "claude-opus-4.6")
        #expect(ModelName.normalise("Claude Opus 4.6 (1M context)") == "claude-opus-4.6")
        #expect(ModelName.normalise("openrouter/openai/gpt-5.4") == "gpt-5.4")
        #expect(ModelName.normalise("  ") == nil)
    }

    @Test func customAgentsFromPolicy() {
        var agent = Agent(id: "acme-bot", name: "acme-bot")
        agent.identities = [.email(.equals("bot@acme.example"))]
        agent.coAuthors = agent.identities
        let custom = Classifier(registry: AgentRegistry.builtin.adding([agent]))
        let result = custom.classify(message: "x\n\nCo-authored-by: Acme <BOT@acme.example>\n", author: human, committer: human)
        #expect(result.agents == ["acme-bot"])
    }
}

@Suite struct EnvironmentDetectorTests {
    let detector = EnvironmentDetector()

    @Test(arguments: [
        (["CLAUDECODE": "1"], "claude-code", nil),
        (["CLAUDE_CODE_ENTRYPOINT": "cli"], "claude-code", nil),
        (["AI_AGENT": "claude-code/2.1"], "claude-code", nil),
        (["CODEX_SANDBOX": "seatbelt"], "codex", nil),
        (["CODEX_THREAD_ID": "t-1"], "codex", nil),
        (["GIT_AUTHOR_NAME": "Jane (aider)"], "aider", nil),
        (["OR_APP_NAME": "Aider"], "aider", nil),
        (["GEMINI_CLI": "1"], "gemini-cli", nil),
        (["CURSOR_AGENT": "1"], "cursor", nil),
        (["CURSOR_EXTENSION_HOST_ROLE": "agent-exec"], "cursor", nil),
        (["AI_AGENT": "github_copilot_cli", "COPILOT_MODEL": "gpt-5"], "copilot", "gpt-5"),
        (["AGENT": "amp"], "amp", nil),
        (["AMP_CURRENT_THREAD_ID": "T-1"], "amp", nil),
        (["OPENCODE": "1"], "opencode", nil),
        (["GOOSE_TERMINAL": "1"], "goose", nil),
        (["CLINE_ACTIVE": "true"], "cline", nil),
        (["AITRAIL_AGENT": "codex:gpt-5.4", "CLAUDECODE": "1"], "codex", "gpt-5.4"),
        (["AI_AGENT": "windsurf"], "windsurf", nil),
    ] as [([String: String], String, String?)])
    func detects(environment: [String: String], agent: String, model: String?) {
        let found = detector.detect(environment)
        #expect(found?.agent == agent)
        #expect(found?.model == model)
        #expect(found?.source == .env)
    }

    @Test func humansAreNotDetected() {
        #expect(detector.detect(["CURSOR_TRACE_ID": "abc", "HOME": "/root", "TERM_PROGRAM": "vscode"]) == nil)
        #expect(detector.detect(["CLAUDECODE": "0"]) == nil)
    }
}
