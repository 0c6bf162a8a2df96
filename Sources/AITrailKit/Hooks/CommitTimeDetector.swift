/// What the hooks decide about the commit being made right now, and why (SPEC §4):
/// `AITRAIL_AGENT` > environment markers > a declared session > nothing.
public struct CommitTimeDecision: Sendable, Hashable {
    /// The agent making this commit, or nil for a human commit.
    public var attribution: Attribution?
    /// The session that was considered (even when a marker took precedence), for `aitrail detect`.
    public var session: Session?
    /// True when a session file exists but has expired.
    public var sessionExpired: Bool

    public var isAI: Bool { attribution != nil }
}

public struct CommitTimeDetector: Sendable {
    public let registry: AgentRegistry

    public init(registry: AgentRegistry) { self.registry = registry }

    public func decide(environment: [String: String], session: Session?, now: Int64 = Timestamp.now()) -> CommitTimeDecision {
        let live = session.flatMap { $0.isExpired(now: now) ? nil : $0 }
        let fromEnvironment = EnvironmentDetector(registry: registry).detect(environment)
        let fromSession = live.map { live in
            var attribution = live.attribution
            attribution.agent = registry.canonicalID(for: live.agent) ?? live.agent
            return attribution
        }
        return CommitTimeDecision(
            attribution: fromEnvironment ?? fromSession, session: session,
            sessionExpired: session != nil && live == nil)
    }

    /// Every environment variable that may reveal an agent: the registry's markers and the generic ones.
    /// The hook shims test these before starting aitrail.
    public var markers: [EnvironmentMarker] {
        var seen = Set<EnvironmentMarker>()
        var out: [EnvironmentMarker] = []
        let generic = ["AITRAIL_AGENT", "AI_AGENT", "AGENT"].map { EnvironmentMarker($0) }
        for marker in generic + registry.agents.flatMap(\.environment) where !seen.contains(marker) {
            seen.insert(marker)
            out.append(marker)
        }
        return out
    }
}
