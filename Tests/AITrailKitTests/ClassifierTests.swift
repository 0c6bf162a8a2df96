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
        "Fix\n\n    Co-authored-by: Claude <noreply@anthropic.com>\n\nAn indented example is no trailer.\n",
        "Fix\n\n> Co-authored-by: Claude <noreply@anthropic.com>\n\nA quoted one neither.\n",
        "Fix\n\nThe guide says to add Co-authored-by: Claude <noreply@anthropic.com> at the end.\n",
        "Fix\n\nRegenerated.\n\nGenerated with [openapi-generator](https://openapi-generator.tech)\n",
        "Fix\n\nCo-authored-by: Claude Martin <claude.martin@corp.example>\n",
        "Fix\n\nHelped-by: Claude <noreply@anthropic.com>\n",
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

    @Test func coAuthorValuesSplitAtTheLastAngleBrackets() {
        #expect(Identity(parsing: " Claude Opus 4.6 <noreply@anthropic.com> ") == Identity(name: "Claude Opus 4.6", email: "noreply@anthropic.com"))
        #expect(Identity(parsing: "a <b> <c@x>") == Identity(name: "a <b>", email: "c@x"))
        #expect(Identity(parsing: "no email") == Identity(name: "no email", email: ""))
        #expect(Identity(parsing: "José <jose@x>") == Identity(name: "José", email: "jose@x"))
        // A `<` with a combining accent is another character: no email.
        #expect(Identity(parsing: "José <\u{301}j@x>") == Identity(name: "José <\u{301}j@x>", email: ""))
    }

    /// aider committing the person's own uncommitted edits before it works (its "dirty commits"): the
    /// message is aider's, the change is not. Only the author's suffix marks aider's change.
    @Test func aiderAsCommitterOnlyIsNotAnAIChange() {
        let aider = Identity(name: "Jane Doe (aider)", email: "jane@corp.example")
        #expect(!classifier.classify(message: "Change\n", author: human, committer: aider).isAI)
        let result = classifier.classify(message: "Change\n", author: aider, committer: aider)
        #expect(result.agents == ["aider"])
        #expect(result.models == [])
        #expect(result.attributions.first?.marker.hasPrefix("author ") == true)
    }

    @Test(arguments: [
        ("Claude Opus 4.6", "claude-opus-4.6"),
        ("Claude Opus 4.6 (1M context)", "claude-opus-4.6"),
        ("openrouter/openai/gpt-5.4", "gpt-5.4"),
        // One model, one spelling: dashes or dots in the version, a release date, a long-context suffix.
        ("claude-sonnet-4-5", "claude-sonnet-4.5"),
        ("claude-sonnet-4.5", "claude-sonnet-4.5"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4.5"),
        ("anthropic/claude-sonnet-4-5@20250929", "claude-sonnet-4.5"),
        ("claude-sonnet-4.5[1m]", "claude-sonnet-4.5"),
        ("claude-3-5-sonnet-20241022", "claude-3.5-sonnet"),
        ("claude-opus-4-1-20250805", "claude-opus-4.1"),
        ("Opus 4.7", "claude-opus-4.7"),
        ("sonnet", "claude-sonnet"),
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("gpt-4-1106-preview", "gpt-4-1106-preview"),
        ("vertex_ai/gemini-2.5-pro-exp-03-25", "gemini-2.5-pro-exp-03-25"),
        ("GPT-5.2-Codex", "gpt-5.2-codex"),
        ("claude-sonnet-4.5:free", "claude-sonnet-4.5"),
        ("$(rm -rf /)", nil),
        ("  ", nil),
    ] as [(String, String?)])
    func modelNamesAreNormalised(raw: String, normalised: String?) {
        #expect(ModelName.normalise(raw) == normalised)
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

/// The audit classifies commits from their raw bytes; the hooks and the gate classify strings. Both
/// must find the same, on the markers, the decoys, CRLF messages and bytes that are not UTF-8 (a
/// string reads them as U+FFFD).
@Suite struct RawClassificationTests {
    let classifier = Classifier()

    static let messages: [[UInt8]] = {
        let texts = [
            "Fix parser\n\nBody.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-authored-by: Claude Opus 4.6 <noreply@anthropic.com>\n",
            "Fix\n\nCo-authored-by: Claude Opus 4.6 (1M context) <noreply@anthropic.com>\n",
            "Fix\n\nCo-authored-by: aider (gpt-5.4) <aider@aider.chat>\nSigned-off-by: Jane Doe <jane@corp.example>\n",
            "aider: fix the build\n",
            "Fix\n\nMade-with: Cursor\nMADE-WITH: cursor\nmade-with: Cursor IDE\n",
            "Fix\n\nAgent-Logs-Url: https://github.com/o/r/sessions/1\n",
            "Fix\n\nAmp-Thread-ID: https://ampcode.com/threads/T-1\nCo-authored-by: Amp <amp@ampcode.com>\n",
            "Fix\n\n🤖 Generated with [opencode](https://opencode.ai)\n",
            "Fix\n\n  Generated with [Devin](https://devin.ai)\n",
            "Fix\n\nAssisted-by: Claude:claude-3-opus coccinelle sparse\nGenerated-by: Claude Code\nAI-used-for: codex:gpt-5\n",
            "Fix\n\nCo-authored-by: Claude\n  <noreply@anthropic.com>\n",
            "Fix\n\nassisted-by: acme-bot\n",
            "Document the Co-authored-by: Claude <noreply@anthropic.com> convention\n",
            "Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\nMore prose after the trailer-like line.\n",
            "Fix\n\nCo-authored-by: John Smith <john@corp.example>\nSigned-off-by: Jane Doe <jane@corp.example>\n",
            "Fix\n\nWe tried text Generated with [Claude Code] in the old days.\n",
            "Generated with [Claude Code] in the subject\n",
            "Fix\n\nAssisted-by: John Smith <john@corp.example>\n",
            "Note aider: is a tool\n",
            "Plain change\n\nWith a body.\n",
            "",
            "Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n---\n a | 1 +\n",
        ]
        var messages = texts.map { Array($0.utf8) }
        messages += texts.map { Array($0.replacingOccurrences(of: "\n", with: "\r\n").utf8) }
        let invalid: [[UInt8]] = [[0xFF], [0xC3], [0xF0, 0x9F, 0xA4], [0xE9, 0xFF, 0xFE]]
        for bytes in invalid {
            // Before a footer (a broken emoji: three bytes that read as one U+FFFD, or more), in a
            // co-author's name and email, in the subject, after the trailers.
            messages.append(Array("Fix\n\n".utf8) + bytes + Array(" Generated with [Claude Code]\n".utf8))
            messages.append(Array("Fix\n\n".utf8) + bytes + bytes + Array("  Generated with [Claude Code]\n".utf8))
            messages.append(Array("Fix\n\nCo-authored-by: Claude ".utf8) + bytes + Array(" 4.6 <noreply@anthropic.com>\n".utf8))
            messages.append(Array("Fix\n\nCo-authored-by: aider (gpt".utf8) + bytes + Array(") <aider@aider.chat".utf8) + bytes + [0x3E, 0x0A])
            messages.append(Array("aider: ".utf8) + bytes + Array("\n\nMade-with: Cursor".utf8) + bytes + [0x0A])
            messages.append(Array("Fix\n\nAssisted-by: claude-code:claude-opus-4.6\n".utf8) + bytes)
        }
        messages.append(Array("Fix\n\nBody".utf8) + [0] + Array("\n\nCo-authored-by: Claude <noreply@anthropic.com>\n".utf8))
        return messages
    }()

    static let identities: [(author: [UInt8], committer: [UInt8])] = [
        (Array("Jane Doe".utf8), Array("Jane Doe".utf8)),
        (Array("Jane Doe".utf8), Array("Jane Doe (aider)".utf8)),
        (Array("Jane Doe (aider)".utf8), Array("Jane Doe (AIDER)".utf8)),
        // Canonically equivalent names are one identity to a string, whatever their bytes.
        (Array("Jose\u{301} (aider)".utf8), Array("José (aider)".utf8)),
        (Array("\u{212A}im (aider)".utf8), Array("Kim (aider)".utf8)),
        // Different bytes that are not UTF-8 read as the same U+FFFD.
        ([0xFF] + Array(" (aider)".utf8), [0xFE] + Array(" (aider)".utf8)),
        ([0xC3] + Array(" (aider)".utf8), Array("\u{FFFD} (aider)".utf8)),
        (Array("claude[bot]".utf8), Array("Cursor Agent".utf8)),
    ]

    @Test(arguments: messages)
    func bytesClassifyAsTheirStrings(_ message: [UInt8]) {
        for (author, committer) in RawClassificationTests.identities {
            let expected = classifier.classify(
                message: String(decoding: message, as: UTF8.self),
                author: Identity(name: String(decoding: author, as: UTF8.self), email: "jane@corp.example"),
                committer: Identity(name: String(decoding: committer, as: UTF8.self), email: "jane@corp.example"))
            #expect(classifyRaw(message, author: author, committer: committer) == expected, "author \(author), committer \(committer)")
        }
    }

    @Test func aBrokenEmojiTooLongForAFooterReadsAsNone() {
        // Four bytes before the footer, but four U+FFFD (twelve bytes) in the string: too many.
        let message = Array("Fix\n\n".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("Generated with [Claude Code]\n".utf8)
        #expect(!classifyRaw(message, author: Array("Jane Doe".utf8), committer: Array("Jane Doe".utf8)).isAI)
        let emoji = Array("Fix\n\n\u{1F916} Generated with [Claude Code]\n".utf8)
        #expect(classifyRaw(emoji, author: Array("Jane Doe".utf8), committer: Array("Jane Doe".utf8)).sources == [.footer])
    }

    private func classifyRaw(_ message: [UInt8], author: [UInt8], committer: [UInt8]) -> Classification {
        let email = Array("jane@corp.example".utf8)
        return message.withUnsafeBufferPointer { message in
            author.withUnsafeBufferPointer { author in
                committer.withUnsafeBufferPointer { committer in
                    email.withUnsafeBufferPointer { email in
                        classifier.classify(message: message, author: RawIdentity(name: author, email: email),
                                            committer: RawIdentity(name: committer, email: email))
                    }
                }
            }
        }
    }
}
