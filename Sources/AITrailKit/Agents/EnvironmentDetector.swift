/// Decides at commit time which agent, if any, is making the commit, from the hook's environment.
/// Precedence (SPEC §4): `AITRAIL_AGENT` > the registry's markers > generic `AI_AGENT` / `AGENT`.
/// A declared session comes after all of these and is the caller's to consult.
///
/// Every value read is checked where it is read (`SafeID`): an `AITRAIL_AGENT` that is no agent id
/// is ignored, a model that cannot be written safely is dropped, and the generic `AI_AGENT` and
/// `AGENT` count only when they name an agent the registry (with the policy's agents) knows —
/// `AGENT=jenkins` is not an AI agent.
public struct EnvironmentDetector: Sendable {
    public let registry: AgentRegistry

    public init(registry: AgentRegistry = .builtin) { self.registry = registry }

    /// The agent the environment names, and a line for each value that was ignored or dropped.
    public struct Examination: Sendable, Hashable {
        public var attribution: Attribution?
        public var ignored: [String] = []
    }

    public func detect(_ environment: [String: String]) -> Attribution? { examine(environment).attribution }

    public func examine(_ environment: [String: String]) -> Examination {
        var out = Examination()
        if let explicit = environment["AITRAIL_AGENT"], !explicit.trimmingSpaces.isEmpty {
            let parts = explicit.trimmingSpaces.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            if let id = SafeID.agent(parts[0], registry: registry) {
                let model = parts.count > 1 ? readModel(parts[1], from: "AITRAIL_AGENT", into: &out) : nil
                out.attribution = Attribution(agent: id, model: model, source: .env, marker: "AITRAIL_AGENT=\(id)\(model.map { ":\($0)" } ?? "")")
                return out
            }
            out.ignored.append("AITRAIL_AGENT='\(SafeID.shown(explicit))' ignored: '\(SafeID.shown(parts[0]))' is not an agent id (use <agent>[:<model>], e.g. claude-code:claude-opus-4.6)")
        }
        for agent in registry.agents {
            for marker in agent.environment where marker.matches(environment) {
                let model = marker.modelVariable.flatMap { variable in
                    environment[variable].flatMap { readModel($0, from: variable, into: &out) }
                }
                out.attribution = Attribution(agent: agent.id, model: model, source: .env,
                                              marker: "\(marker.variable)=\(SafeID.shown(environment[marker.variable] ?? ""))")
                return out
            }
        }
        for variable in ["AI_AGENT", "AGENT"] {
            guard let raw = environment[variable] else { continue }
            let name = raw.prefix { $0 != "/" && $0 != " " && $0 != "@" }.trimmingSpaces
            guard !name.isEmpty, let id = registry.canonicalID(for: name) else { continue }
            out.attribution = Attribution(agent: id, source: .env, marker: "\(variable)=\(SafeID.shown(raw))")
            return out
        }
        return out
    }

    private func readModel(_ raw: String, from variable: String, into out: inout Examination) -> String? {
        guard !raw.trimmingSpaces.isEmpty else { return nil }
        if let model = SafeID.model(raw) { return model }
        out.ignored.append("model '\(SafeID.shown(raw))' from \(variable) dropped: not a model name (letters, digits, '.', '-', '_', '+')")
        return nil
    }
}
