/// What the hooks decide about the commit being made right now, and why (SPEC §4):
/// `AITRAIL_AGENT` > environment markers > a declared session > nothing.
public struct CommitTimeDecision: Sendable, Hashable {
    /// The agent making this commit, or nil for a human commit.
    public var attribution: Attribution?
    /// The session that was considered (even when a marker took precedence), for `aitrail detect`.
    public var session: Session?
    /// True when a session file exists but has expired.
    public var sessionExpired: Bool
    /// Values that were ignored or dropped because they cannot be written safely, one line each.
    public var ignored: [String] = []

    public var isAI: Bool { attribution != nil }
}

public struct CommitTimeDetector: Sendable {
    public let registry: AgentRegistry

    public init(registry: AgentRegistry) { self.registry = registry }

    public func decide(environment: [String: String], session: Session?, now: Int64 = Timestamp.now()) -> CommitTimeDecision {
        let live = session.flatMap { $0.isExpired(now: now) ? nil : $0 }
        let examination = EnvironmentDetector(registry: registry).examine(environment)
        var ignored = examination.ignored
        var fromSession: Attribution?
        if let live, examination.attribution == nil {
            // session.json is a file anyone can edit: its values are checked like the environment's.
            if let id = SafeID.agent(live.agent, registry: registry) {
                var attribution = live.attribution
                attribution.agent = id
                attribution.model = live.model.flatMap(SafeID.model)
                if live.model != nil && attribution.model == nil {
                    ignored.append("model '\(SafeID.shown(live.model!))' of the session dropped: not a model name")
                }
                attribution.marker = "session \(id)\(attribution.model.map { ":\($0)" } ?? "") until \(SafeID.shown(live.expires))"
                fromSession = attribution
            } else {
                ignored.append("session agent '\(SafeID.shown(live.agent))' ignored: not an agent id (run `aitrail session start --agent <id>` again)")
            }
        }
        return CommitTimeDecision(
            attribution: examination.attribution ?? fromSession, session: session,
            sessionExpired: session != nil && live == nil, ignored: ignored)
    }

    /// Every environment variable that may reveal an agent: the registry's markers and the generic ones.
    /// The hook shims test these before starting aitrail.
    public var markers: [EnvironmentMarker] {
        var seen = Set<EnvironmentMarker>()
        var out: [EnvironmentMarker] = []
        let generic = (["AITRAIL_AGENT"] + CommitTimeDetector.genericVariables).map { EnvironmentMarker($0) }
        for marker in generic + registry.agents.flatMap(\.environment) where !seen.contains(marker) {
            seen.insert(marker)
            out.append(marker)
        }
        return out
    }

    /// The names of the variables of `markers`, each once, in their order (for `aitrail detect`).
    public var markerVariables: [String] {
        var unique: [String] = []
        for marker in markers where !unique.contains(marker.variable) { unique.append(marker.variable) }
        return unique
    }

    /// The variables that name an agent by any of its names, when the registry knows that name.
    public static let genericVariables = ["AI_AGENT", "AGENT"]

    /// Every name `AI_AGENT`/`AGENT` may carry for a known agent (ids, names and aliases, lower case),
    /// as `EnvironmentDetector` reads them: a name with a space, '/' or '@' never gets that far.
    public var genericAgentNames: [String] {
        var names: [String] = []
        for agent in registry.agents {
            for name in [agent.id, agent.name.lowercased()] + agent.aliases
            where !name.isEmpty && !name.contains(where: { $0 == " " || $0 == "/" || $0 == "@" }) && !names.contains(name) {
                names.append(name)
            }
        }
        return names
    }
}
