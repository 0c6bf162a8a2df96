/// The agents aitrail knows: SPEC §2 as one data table. Adding a tool means adding one entry here.
/// Identity and trailer patterns are written in lower case; matching is case-insensitive.
public struct AgentRegistry: Sendable {
    public let agents: [Agent]
    private let byID: [String: Int]
    private let byAlias: [String: String]

    public init(agents: [Agent]) {
        self.agents = agents
        // Built by every hook run: sized once, not grown step by step.
        var byID = [String: Int](minimumCapacity: agents.count)
        var byAlias = [String: String](minimumCapacity: agents.reduce(0) { $0 + 2 + $1.aliases.count })
        for (index, agent) in agents.enumerated() {
            byID[agent.id] = index
            byAlias[agent.id] = agent.id
            byAlias[agent.name.lowercased()] = agent.id
            for alias in agent.aliases { byAlias[alias] = agent.id }
        }
        self.byID = byID
        self.byAlias = byAlias
        var firstWords = Set<String>(minimumCapacity: byAlias.count)
        for name in byAlias.keys {
            // The first word before ' ', '-' or '_' (separators that are ASCII: bytes find them, at less
            // cost to a hook run than characters).
            let utf8 = name.utf8
            guard let start = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x2D && $0 != 0x5F }) else { continue }
            let end = utf8[start...].firstIndex(where: { $0 == 0x20 || $0 == 0x2D || $0 == 0x5F }) ?? utf8.endIndex
            firstWords.insert(start == utf8.startIndex && end == utf8.endIndex ? name : String(decoding: utf8[start..<end], as: UTF8.self))
        }
        self.firstWords = firstWords
    }

    /// The first words of every id, name and alias (`claude`, `github`): a name that starts with none
    /// of them names no agent, found with one lookup (human co-authors, the most of a long history).
    private let firstWords: Set<String>

    /// Whether `word` (lower case) may begin an agent's name.
    func mayStartAgentName(_ word: Substring) -> Bool {
        if firstWords.contains(String(word)) { return true }
        guard let dash = word.firstIndex(where: { $0 == "-" || $0 == "_" }) else { return false }
        return firstWords.contains(String(word[..<dash]))
    }

    public subscript(id: String) -> Agent? { byID[id].map { agents[$0] } }

    /// The agent id a free-form name stands for (`Claude`, `claude code`, `github_copilot`), or nil.
    public func canonicalID(for name: String) -> String? {
        let lower = name.trimmingSpaces.lowercased()
        if let id = byAlias[lower] { return id }
        let dashed = lower.replacingSpaces(with: "-")
        return byAlias[dashed] ?? byAlias[lower.replacingSpaces(with: "_")]
    }

    /// This registry with the custom agents of a policy added (a custom id replaces a built-in one).
    public func adding(_ custom: [Agent]) -> AgentRegistry {
        guard !custom.isEmpty else { return self }
        let ids = Set(custom.map(\.id))
        return AgentRegistry(agents: agents.filter { !ids.contains($0.id) } + custom)
    }

    /// A GitHub App's bot account: `login[bot]` as a name, `<id>+login[bot]@users.noreply.github.com` as
    /// an address.
    static func bot(_ login: String) -> [IdentityPattern] {
        [.name(.equals(login + "[bot]")), .email(.contains(login + "[bot]@"))]
    }

    /// Each agent with the source of its markers. Sources were read in December 2026; markers that agents
    /// write because their prompt tells them to (Claude Code, Devin, OpenHands, Crush, Mistral Vibe) can be
    /// missing or misspelt, those that code writes (Codex's hook, Qwen Code, Cursor's `--trailer`, aider)
    /// are reliable. Order matters only where two agents' patterns overlap: the first match wins.
    public static let builtin = AgentRegistry(agents: [
        // Claude Code: `Co-Authored-By: Claude[ <model>] <noreply@anthropic.com>`, the footer and
        // `Claude-Session:` (anthropics/claude-code issues 14241, 29999, 77830); Claude Code on the web and
        // in apps commits as `Claude <noreply@anthropic.com>`; the GitHub app as `claude[bot]` (id 209825114,
        // and 41898282+claude[bot] from the action's default bot id); `Claude <claude@users.noreply.github.com>`
        // as GitHub writes the account; CLAUDECODE=1 since v0.2.47 (issue 531).
        Agent(
            id: "claude-code", name: "Claude Code",
            environment: [
                EnvironmentMarker("CLAUDECODE", .equals("1")),
                EnvironmentMarker("CLAUDE_CODE_ENTRYPOINT"),
                EnvironmentMarker("AI_AGENT", .hasPrefix("claude-code")),
            ],
            coAuthors: [.email(.equals("noreply@anthropic.com")), .email(.equals("claude@users.noreply.github.com")),
                        .email(.hasSuffix("+claude@users.noreply.github.com"))],
            identities: bot("claude") + bot("anthropic-code-agent") + bot("claude-code-action"),
            footers: ["Claude Code"],
            trailers: [TrailerMarker("claude-session")],
            aliases: ["claude", "claude code", "claude-code", "claude_code", "claudecode", "claude code cli", "anthropic claude code"],
            coAuthorModel: .wholeName(unless: "claude")),
        // OpenAI Codex: its prepare-commit-msg hook writes `Co-authored-by: Codex <noreply@openai.com>`
        // (openai/codex codex-rs/core/src/command_attribution.rs); cloud tasks commit as
        // `Codex <codex@openai.com>` (openai/codex issue 1281) or `chatgpt-codex-connector[bot]` (id 199175422,
        // openai/git pull 6); CODEX_SANDBOX, CODEX_SANDBOX_NETWORK_DISABLED, CODEX_THREAD_ID (openai/codex AGENTS.md).
        Agent(
            id: "codex", name: "Codex",
            environment: [
                EnvironmentMarker("CODEX_SANDBOX"), EnvironmentMarker("CODEX_THREAD_ID"), EnvironmentMarker("CODEX_CI"),
                EnvironmentMarker("CODEX_SANDBOX_NETWORK_DISABLED"),
            ],
            coAuthors: [.email(.equals("noreply@openai.com")), .email(.equals("codex@openai.com"))],
            identities: bot("chatgpt-codex-connector") + bot("openai-codex"),
            footers: ["Codex"],
            aliases: ["openai-codex", "codex-cli", "openai codex", "codex cli", "chatgpt codex"]),
        // aider: `Co-authored-by: aider (<model>) <aider@aider.chat>` (earlier noreply@aider.dev), the author
        // name suffixed ` (aider)` when aider wrote the change, `aider: ` subjects (Aider-AI/aider aider/repo.py).
        // A committer-only ` (aider)` is aider committing the person's own edits first: not AI.
        Agent(
            id: "aider", name: "aider",
            environment: [
                EnvironmentMarker("GIT_AUTHOR_NAME", .hasSuffix(" (aider)")),
                EnvironmentMarker("OR_APP_NAME", .equals("Aider")),
            ],
            coAuthors: [.email(.equals("aider@aider.chat")), .email(.equals("noreply@aider.dev")), .email(.equals("noreply@aider.chat")),
                        .name(.hasPrefix("aider ("), roles: .coAuthor)],
            identities: [.name(.hasSuffix(" (aider)"), roles: .author)],
            footers: ["aider"],
            subjectPrefixes: ["aider: "],
            aliases: ["aider-chat", "aider chat"],
            coAuthorModel: .parenthesised),
        // Gemini CLI: GEMINI_CLI=1 in every shell it runs (google-gemini/gemini-cli pull 4791); no trailer of
        // its own; `Gemini CLI Agent <gemini-cli-agent@google.com>` is what block/aittributor writes for it.
        Agent(
            id: "gemini-cli", name: "Gemini CLI",
            environment: [EnvironmentMarker("GEMINI_CLI", .equals("1"))],
            coAuthors: [.email(.equals("gemini-cli-agent@google.com"))],
            aliases: ["gemini", "gemini cli", "gemini_cli", "gemini-cli-agent", "google gemini cli"]),
        // Cursor: `Co-authored-by: Cursor <cursoragent@cursor.com>`, `Made-with: Cursor` (its agent adds
        // `--trailer`; cursor.com/help/integrations/git), cloud agents commit as `Cursor Agent`;
        // CURSOR_AGENT=1 in agent terminals (unjs/std-env), not CURSOR_TRACE_ID (humans have it).
        Agent(
            id: "cursor", name: "Cursor",
            environment: [
                EnvironmentMarker("CURSOR_AGENT"),
                EnvironmentMarker("CURSOR_EXTENSION_HOST_ROLE", .equals("agent-exec")),
            ],
            coAuthors: [.email(.equals("cursoragent@cursor.com"))],
            identities: [.name(.equals("cursor agent")), .name(.equals("cursoragent"))],
            trailers: [TrailerMarker("made-with", value: "cursor")],
            aliases: ["cursor-agent", "cursor agent", "cursor ai", "cursor cli"]),
        // Copilot's pull-request reviewer (id 175728472): applied suggestions are co-authored by
        // `Copilot <175728472+Copilot@users.noreply.github.com>`; before the coding agent so it wins.
        Agent(
            id: "copilot-reviewer", name: "Copilot code review", kind: .reviewBot,
            coAuthors: [.email(.hasPrefix("175728472+"))],
            identities: bot("copilot-pull-request-reviewer")),
        // GitHub Copilot: the coding agent commits as `Copilot <198982749+Copilot@users.noreply.github.com>`
        // and opens pull requests as `copilot-swe-agent[bot]`; Copilot CLI writes
        // `Co-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>` (github/copilot-cli issue 3177);
        // VS Code's `git.addAICoAuthor` writes `Copilot <copilot@github.com>`; Copilot Autofix co-authors as
        // `Copilot Autofix powered by AI`; `Agent-Logs-Url:` links the agent's session.
        Agent(
            id: "copilot", name: "GitHub Copilot",
            environment: [
                EnvironmentMarker("AI_AGENT", .hasPrefix("github_copilot"), modelVariable: "COPILOT_MODEL"),
                EnvironmentMarker("COPILOT_MODEL", modelVariable: "COPILOT_MODEL"),
            ],
            coAuthors: [.name(.equals("copilot")), .email(.contains("+copilot@users.noreply.github.com")),
                        .email(.equals("copilot@github.com")), .name(.hasPrefix("copilot autofix"))],
            identities: bot("copilot-swe-agent") + bot("copilot"),
            footers: ["GitHub Copilot"],
            trailers: [TrailerMarker("agent-logs-url")],
            aliases: ["github_copilot", "github-copilot", "copilot-swe-agent", "github copilot", "copilot cli", "copilot agent",
                      "github copilot cli", "copilot autofix"]),
        // Amp: `Co-authored-by: Amp <amp@ampcode.com>` and `Amp-Thread-ID:` (commits in ghostty-org/ghostty).
        Agent(
            id: "amp", name: "Amp",
            environment: [EnvironmentMarker("AGENT", .equals("amp")), EnvironmentMarker("AMP_CURRENT_THREAD_ID")],
            coAuthors: [.email(.equals("amp@ampcode.com"))],
            trailers: [TrailerMarker("amp-thread-id"), TrailerMarker("amp-thread")],
            aliases: ["ampcode", "sourcegraph amp"]),
        // opencode: `🤖 Generated with [opencode](https://opencode.ai)` and
        // `Co-Authored-By: opencode <noreply@opencode.ai>` (sst/opencode tool/bash.txt); its GitHub Action as
        // `opencode-agent[bot]`; OPENCODE=1 (anomalyco/opencode issue 32689).
        Agent(
            id: "opencode", name: "opencode",
            environment: [EnvironmentMarker("OPENCODE", .equals("1"))],
            coAuthors: [.email(.equals("noreply@opencode.ai"))],
            identities: bot("opencode-agent"),
            footers: ["opencode"],
            aliases: ["open code", "sst opencode"]),
        // Goose: GOOSE_TERMINAL=1 and AGENT=goose (aaif-goose/goose pulls 4205, 7365); no trailer of its own.
        Agent(
            id: "goose", name: "Goose",
            environment: [EnvironmentMarker("GOOSE_TERMINAL", .equals("1")), EnvironmentMarker("AGENT", .equals("goose"))],
            aliases: ["block goose"]),
        // Cline: CLINE_ACTIVE=true in its terminals (Cline docs; cline/cline discussion 5366);
        // `Cline <noreply@cline.bot>` as block/aittributor writes it.
        Agent(
            id: "cline", name: "Cline",
            environment: [EnvironmentMarker("CLINE_ACTIVE", .equals("true"))],
            coAuthors: [.email(.equals("noreply@cline.bot"))],
            footers: ["Cline"]),
        // Devin: `Generated with [Devin](https://devin.ai)` (docs.devin.ai/cli configuration: attribution) and
        // `devin-ai-integration[bot]` (id 158243242) as author or co-author.
        Agent(
            id: "devin", name: "Devin",
            coAuthors: [.name(.contains("devin-ai-integration[bot]"))],
            identities: bot("devin-ai-integration"),
            footers: ["Devin"],
            aliases: ["devin-ai", "devin ai", "cognition devin"]),
        // Jules: `google-labs-jules[bot]` (id 161369871) as author.
        Agent(
            id: "jules", name: "Jules",
            identities: bot("google-labs-jules"),
            aliases: ["google-jules", "google-labs-jules", "google jules"]),
        // OpenHands: `Co-authored-by: openhands <openhands@all-hands.dev>`, also its git identity when none is
        // set (All-Hands-AI/OpenHands codeact_agent/prompts/system_prompt.j2).
        Agent(
            id: "openhands", name: "OpenHands",
            coAuthors: [.email(.equals("openhands@all-hands.dev"))],
            identities: [.name(.equals("openhands-agent"))],
            aliases: ["open-hands", "all-hands", "openhands-agent", "all hands"]),
        // Qwen Code: `Co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>` on every commit its shell tool
        // runs (QwenLM/qwen-code pull 1228).
        Agent(
            id: "qwen-code", name: "Qwen Code",
            coAuthors: [.email(.equals("qwen-coder@alibabacloud.com"))],
            aliases: ["qwen", "qwen-coder", "qwen code"]),
        // Mistral Vibe: `Generated by Mistral Vibe.` and `Co-Authored-By: Mistral Vibe <vibe@mistral.ai>`
        // (mistralai/mistral-vibe vibe/core/system_prompt.py).
        Agent(
            id: "mistral-vibe", name: "Mistral Vibe",
            coAuthors: [.email(.equals("vibe@mistral.ai"))],
            footers: ["Mistral Vibe"],
            aliases: ["vibe", "mistral-vibe", "vibe cli"]),
        // Crush: `💘 Generated with Crush` and `Assisted-by: <model> via Crush <crush@charm.land>` (or
        // `Co-Authored-By: Crush <crush@charm.land>`) (charmbracelet/crush pulls 223, 1025, 1444).
        Agent(
            id: "crush", name: "Crush",
            coAuthors: [.email(.equals("crush@charm.land"))],
            footers: ["Crush"],
            aliases: ["charm crush"]),
        // Factory's Droid: `factory-droid[bot]` (id 138933559) as author or co-author.
        Agent(
            id: "factory-droid", name: "Factory Droid",
            identities: bot("factory-droid"),
            aliases: ["factory", "droid", "factory droid", "factory-ai"]),
        // Warp's agent (Oz): `Co-Authored-By: Oz <oz-agent@warp.dev>` on every agent commit (warpdotdev/warp
        // issues 9215, 10956); earlier `Warp <agent@warp.dev>`.
        Agent(
            id: "warp", name: "Warp",
            coAuthors: [.email(.equals("oz-agent@warp.dev")), .email(.equals("agent@warp.dev"))],
            identities: [.name(.equals("warp-agent"))],
            aliases: ["warp agent", "oz", "warp oz", "warp agent mode"]),
        // Lovable: commits as `gpt-engineer-app[bot]` (id 159125892; GitHub login lovable-dev[bot]).
        Agent(
            id: "lovable", name: "Lovable",
            identities: bot("gpt-engineer-app") + bot("lovable-dev"),
            aliases: ["gpt-engineer", "lovable.dev"]),
        // Replit Agent: checkpoint commits carry `Replit-Commit-Author: Agent` (and Replit-Commit-* trailers).
        Agent(
            id: "replit-agent", name: "Replit Agent",
            trailers: [TrailerMarker("replit-commit-author", value: "agent")],
            aliases: ["replit", "replit agent"]),
        // Kilo Code's cloud agent: `kiloconnect[bot]` (id 240665456) as author or co-author (Kilo-Org/kilocode log).
        Agent(
            id: "kilo-code", name: "Kilo Code",
            identities: bot("kiloconnect"),
            aliases: ["kilo", "kilocode", "kilo code"]),
        // Roo Code's cloud agent: `Roomote <roomote@roocode.com>` as author or co-author (RooCodeInc/Roo-Code log).
        Agent(
            id: "roo-code", name: "Roo Code",
            coAuthors: [.email(.equals("roomote@roocode.com"))],
            identities: bot("roomote"),
            aliases: ["roo", "roo code", "roomote", "roo-cline"]),
        // JetBrains Junie: `Junie <junie@jetbrains.com>` as teams configure it (not a built-in default);
        // JUNIE_DATA in its shells (unjs/std-env: verified by junie).
        Agent(
            id: "junie", name: "Junie",
            environment: [EnvironmentMarker("JUNIE_DATA")],
            coAuthors: [.email(.equals("junie@jetbrains.com"))],
            aliases: ["jetbrains junie", "jetbrains ai"]),
        // Kiro (AWS): its autonomous agent opens pull requests as `kiro-agent[bot]` and commits as `Kiro Agent`
        // (kirodotdev/Kiro issue 5437).
        Agent(
            id: "kiro", name: "Kiro",
            coAuthors: [.email(.equals("kiro@kiro.dev")), .email(.equals("noreply@kiro.dev"))],
            identities: bot("kiro-agent") + [.name(.equals("kiro agent")), .email(.hasSuffix("+kiro-agent@users.noreply.github.com"))],
            aliases: ["kiro agent", "aws kiro"]),
        // Amazon Q Developer: `amazon-q-developer[bot]` (id 208079219) opens its pull requests.
        Agent(
            id: "amazon-q", name: "Amazon Q Developer",
            coAuthors: [.email(.equals("amazon-q@amazon.com"))],
            identities: bot("amazon-q-developer"),
            aliases: ["amazon q", "amazon-q-developer", "q developer", "amazon q developer"]),
        // Windsurf (Codeium, Cascade): no built-in trailer found; `Cascade <cascade@windsurf.ai|com>` and
        // `Windsurf <noreply@codeium.com>` (block/aittributor) appear in histories.
        Agent(
            id: "windsurf", name: "Windsurf",
            coAuthors: [.email(.equals("cascade@windsurf.ai")), .email(.equals("cascade@windsurf.com")),
                        .email(.equals("noreply@codeium.com"))],
            footers: ["Windsurf"],
            aliases: ["cascade", "codeium", "windsurf cascade", "codeium cascade"]),
        // Augment Code (Auggie): no trailer (augmentcode/auggie issue 87); AUGMENT_AGENT=1 (unjs/std-env).
        Agent(
            id: "augment", name: "Augment Code",
            environment: [EnvironmentMarker("AUGMENT_AGENT", .equals("1"))],
            coAuthors: [.email(.equals("agent@augmentcode.com")), .email(.equals("noreply@augmentcode.com"))],
            footers: ["Augment"],
            aliases: ["augment", "auggie", "augment code", "augmentcode"]),
        // Codegen, Tembo and Mentat open pull requests (and commit) as their bot accounts.
        Agent(id: "codegen", name: "Codegen", identities: bot("codegen-sh"), aliases: ["codegen-sh", "codegen.sh"]),
        Agent(id: "tembo", name: "Tembo", identities: bot("tembo"), aliases: ["tembo.io"]),
        Agent(id: "mentat", name: "Mentat", identities: bot("mentatbot"), aliases: ["mentatbot", "abante mentat"]),
        // Sweep: `sweep-ai[bot]` (sweepai config GITHUB_BOT_USERNAME).
        Agent(id: "sweep", name: "Sweep", identities: bot("sweep-ai") + bot("sweep-nightly"), aliases: ["sweep-ai", "sweep ai"]),
        // Letta Code: `👾 Generated with [Letta Code](https://letta.com)` (letta-ai/letta-code pull 1213).
        Agent(id: "letta-code", name: "Letta Code", footers: ["Letta Code"], aliases: ["letta"]),
        // PostHog Code: `Generated-By: PostHog Code` (PostHog/code pull 1431).
        Agent(id: "posthog-code", name: "PostHog Code", aliases: ["posthog"]),
        // claude-flow (Ruflo): `Co-Authored-By: claude-flow <…>` on every commit (ruvnet/ruflo issue 2078).
        Agent(id: "claude-flow", name: "claude-flow", coAuthors: [.name(.equals("claude-flow"))], aliases: ["ruflo"]),
        // Tools that leave no commit marker of their own, named so `Assisted-by` values and
        // `aitrail session start --agent` resolve to one id.
        Agent(id: "zed", name: "Zed", aliases: ["zed agent", "zed ai"]),
        // Continue: `Generated with [Continue](https://continue.dev)` and
        // `Co-Authored-By: Continue <noreply@continue.dev>` (in commits across public repositories).
        Agent(id: "continue", name: "Continue", coAuthors: [.email(.equals("noreply@continue.dev"))], footers: ["Continue"],
              aliases: ["continue.dev", "continue-dev", "continue dev"]),
        // Qoder: `QoderAI (<model>) <qoder_ai@qoder.com>` as teams' rules write it.
        Agent(id: "qoder", name: "Qoder", coAuthors: [.email(.equals("qoder_ai@qoder.com"))], aliases: ["qoderai", "qoder ai"]),
        Agent(id: "tabnine", name: "Tabnine"),
        Agent(id: "cody", name: "Sourcegraph Cody", aliases: ["sourcegraph cody", "sourcegraph-cody"]),
        Agent(id: "trae", name: "Trae", aliases: ["trae ai", "trae agent"]),
        Agent(id: "kimi-cli", name: "Kimi CLI", aliases: ["kimi", "kimi code", "kimi-code"]),
        Agent(id: "chatgpt", name: "ChatGPT", aliases: ["chat-gpt", "openai chatgpt"]),
        Agent(id: "antigravity", name: "Google Antigravity", aliases: ["google antigravity"]),

        // AI review bots (SPEC §2): an applied suggestion co-authored by one is a class of its own, not an
        // agent's change (accounts and ids: real trailers, nsbradford/ai-devtool-leaderboard devtools.json).
        Agent(id: "gemini-code-assist", name: "Gemini Code Assist", kind: .reviewBot, identities: bot("gemini-code-assist")),
        Agent(id: "coderabbit", name: "CodeRabbit", kind: .reviewBot, identities: bot("coderabbitai"), aliases: ["coderabbitai"]),
        Agent(id: "ellipsis", name: "Ellipsis", kind: .reviewBot, identities: bot("ellipsis-dev")),
        Agent(id: "cubic", name: "cubic", kind: .reviewBot, identities: bot("cubic-dev-ai")),
        Agent(id: "sourcery", name: "Sourcery", kind: .reviewBot, identities: bot("sourcery-ai")),
        Agent(id: "greptile", name: "Greptile", kind: .reviewBot, identities: bot("greptile-apps")),
        Agent(id: "qodo", name: "Qodo Merge", kind: .reviewBot,
              identities: bot("qodo-merge-pro") + bot("qodo-merge") + bot("qodo-ai") + bot("codium-pr-agent")),
        Agent(id: "codeant", name: "CodeAnt AI", kind: .reviewBot, identities: bot("codeant-ai")),
        Agent(id: "korbit", name: "Korbit", kind: .reviewBot, identities: bot("korbit-ai")),
        Agent(id: "graphite", name: "Graphite", kind: .reviewBot, identities: bot("graphite-app")),
        Agent(id: "cursor-bugbot", name: "Cursor Bugbot", kind: .reviewBot, identities: bot("cursor"), aliases: ["bugbot"]),
        Agent(id: "windsurf-reviews", name: "Windsurf reviews", kind: .reviewBot, identities: bot("windsurf-bot")),
        Agent(id: "bito", name: "Bito", kind: .reviewBot, identities: bot("bito-code-review")),
        Agent(id: "augment-reviews", name: "Augment code review", kind: .reviewBot, identities: bot("augmentcode")),
        Agent(id: "sentry-seer", name: "Sentry Seer", kind: .reviewBot, identities: bot("seer-by-sentry") + bot("codecov-ai")),
    ])
}

extension String {
    func replacingSpaces(with replacement: Character) -> String {
        String(map { $0 == " " ? replacement : $0 })
    }
}
