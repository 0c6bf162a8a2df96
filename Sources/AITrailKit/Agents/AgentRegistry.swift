/// The agents aitrail knows: SPEC §2 as one data table. Adding a tool means adding one entry here.
/// Identity and trailer patterns are written in lower case; matching is case-insensitive.
public struct AgentRegistry: Sendable {
    public let agents: [Agent]
    private let byID: [String: Int]
    private let byAlias: [String: String]

    public init(agents: [Agent]) {
        self.agents = agents
        var byID: [String: Int] = [:]
        var byAlias: [String: String] = [:]
        for (index, agent) in agents.enumerated() {
            byID[agent.id] = index
            byAlias[agent.id] = agent.id
            byAlias[agent.name.lowercased()] = agent.id
            for alias in agent.aliases { byAlias[alias] = agent.id }
        }
        self.byID = byID
        self.byAlias = byAlias
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

    public static let builtin = AgentRegistry(agents: [
        Agent(
            id: "claude-code", name: "Claude Code",
            environment: [
                EnvironmentMarker("CLAUDECODE", .equals("1")),
                EnvironmentMarker("CLAUDE_CODE_ENTRYPOINT"),
                EnvironmentMarker("AI_AGENT", .hasPrefix("claude-code")),
            ],
            coAuthors: [.email(.equals("noreply@anthropic.com"))],
            identities: [.name(.equals("claude[bot]")), .email(.contains("+claude[bot]@"))],
            footers: ["Generated with [Claude Code]"],
            trailers: [TrailerMarker("claude-session")],
            aliases: ["claude", "claude code", "claude-code", "claude_code", "claudecode"],
            coAuthorModel: .wholeName(unless: "claude")),
        Agent(
            id: "codex", name: "Codex",
            environment: [
                EnvironmentMarker("CODEX_SANDBOX"), EnvironmentMarker("CODEX_THREAD_ID"), EnvironmentMarker("CODEX_CI"),
            ],
            coAuthors: [.email(.equals("noreply@openai.com"))],
            aliases: ["openai-codex", "codex-cli", "openai codex"]),
        Agent(
            id: "aider", name: "aider",
            environment: [
                EnvironmentMarker("GIT_AUTHOR_NAME", .hasSuffix(" (aider)")),
                EnvironmentMarker("GIT_COMMITTER_NAME", .hasSuffix(" (aider)")),
                EnvironmentMarker("OR_APP_NAME", .equals("Aider")),
            ],
            coAuthors: [.email(.hasSuffix("@aider.chat")), .email(.hasSuffix("@aider.dev"))],
            identities: [.name(.hasSuffix(" (aider)"))],
            subjectPrefixes: ["aider: "],
            coAuthorModel: .parenthesised),
        Agent(
            id: "gemini-cli", name: "Gemini CLI",
            environment: [EnvironmentMarker("GEMINI_CLI", .equals("1"))],
            aliases: ["gemini", "gemini cli", "gemini_cli"]),
        Agent(
            id: "cursor", name: "Cursor",
            environment: [
                EnvironmentMarker("CURSOR_AGENT"),
                EnvironmentMarker("CURSOR_EXTENSION_HOST_ROLE", .equals("agent-exec")),
            ],
            coAuthors: [.email(.equals("cursoragent@cursor.com"))],
            identities: [.email(.equals("cursoragent@cursor.com")), .name(.equals("cursor agent"))],
            trailers: [TrailerMarker("made-with", value: "cursor")],
            aliases: ["cursor-agent", "cursor agent"]),
        Agent(
            id: "copilot", name: "GitHub Copilot",
            environment: [
                EnvironmentMarker("AI_AGENT", .hasPrefix("github_copilot"), modelVariable: "COPILOT_MODEL"),
                EnvironmentMarker("COPILOT_MODEL", modelVariable: "COPILOT_MODEL"),
            ],
            coAuthors: [.name(.equals("copilot")), .email(.contains("+copilot@users.noreply.github.com"))],
            identities: [.name(.equals("copilot-swe-agent[bot]")), .email(.contains("+copilot-swe-agent[bot]@")),
                         .email(.contains("+copilot@users.noreply.github.com"))],
            trailers: [TrailerMarker("agent-logs-url")],
            aliases: ["github_copilot", "github-copilot", "copilot-swe-agent", "github copilot"]),
        Agent(
            id: "amp", name: "Amp",
            environment: [EnvironmentMarker("AGENT", .equals("amp")), EnvironmentMarker("AMP_CURRENT_THREAD_ID")],
            coAuthors: [.email(.equals("amp@ampcode.com"))],
            trailers: [TrailerMarker("amp-thread-id"), TrailerMarker("amp-thread")]),
        Agent(
            id: "opencode", name: "opencode",
            environment: [EnvironmentMarker("OPENCODE", .equals("1"))],
            coAuthors: [.email(.equals("noreply@opencode.ai"))],
            footers: ["Generated with [opencode]"]),
        Agent(
            id: "goose", name: "Goose",
            environment: [EnvironmentMarker("GOOSE_TERMINAL", .equals("1")), EnvironmentMarker("AGENT", .equals("goose"))]),
        Agent(
            id: "cline", name: "Cline",
            environment: [EnvironmentMarker("CLINE_ACTIVE", .equals("true"))]),
        Agent(
            id: "devin", name: "Devin",
            coAuthors: [.email(.contains("devin-ai-integration[bot]")), .name(.contains("devin-ai-integration[bot]"))],
            identities: [.email(.contains("devin-ai-integration[bot]")), .name(.equals("devin-ai-integration[bot]"))],
            footers: ["Generated with [Devin]"],
            aliases: ["devin-ai"]),
        Agent(
            id: "jules", name: "Jules",
            identities: [.name(.equals("google-labs-jules[bot]")), .email(.contains("google-labs-jules[bot]"))],
            aliases: ["google-jules", "google-labs-jules"]),
        Agent(
            id: "openhands", name: "OpenHands",
            coAuthors: [.email(.equals("openhands@all-hands.dev"))],
            identities: [.email(.equals("openhands@all-hands.dev"))],
            aliases: ["open-hands", "all-hands"]),
        Agent(
            id: "qwen-code", name: "Qwen Code",
            coAuthors: [.email(.equals("qwen-coder@alibabacloud.com"))],
            aliases: ["qwen", "qwen-coder", "qwen code"]),
    ])
}

extension String {
    func replacingSpaces(with replacement: Character) -> String {
        String(map { $0 == " " ? replacement : $0 })
    }
}
