/// Decides at commit time which agent, if any, is making the commit, from the hook's environment.
/// Precedence (SPEC §4): `AITRAIL_AGENT` > the registry's markers > generic `AI_AGENT` / `AGENT`.
/// A declared session comes after all of these and is the caller's to consult.
public struct EnvironmentDetector: Sendable {
    public let registry: AgentRegistry

    public init(registry: AgentRegistry = .builtin) { self.registry = registry }

    public func detect(_ environment: [String: String]) -> Attribution? {
        if let explicit = environment["AITRAIL_AGENT"], !explicit.trimmingSpaces.isEmpty {
            let parts = explicit.trimmingSpaces.split(separator: ":", maxSplits: 1).map(String.init)
            let id = registry.canonicalID(for: parts[0]) ?? parts[0].lowercased()
            return Attribution(agent: id, model: parts.count > 1 ? ModelName.normalise(parts[1]) : nil,
                               source: .env, marker: "AITRAIL_AGENT=\(explicit)")
        }
        for agent in registry.agents {
            for marker in agent.environment where marker.matches(environment) {
                let model = marker.modelVariable.flatMap { environment[$0] }.flatMap(ModelName.normalise)
                return Attribution(agent: agent.id, model: model, source: .env,
                                   marker: "\(marker.variable)=\(environment[marker.variable] ?? "")")
            }
        }
        for variable in ["AI_AGENT", "AGENT"] {
            guard let raw = environment[variable] else { continue }
            let name = raw.prefix { $0 != "/" && $0 != " " && $0 != "@" }.trimmingSpaces
            guard !name.isEmpty else { continue }
            let id = registry.canonicalID(for: name) ?? name.lowercased()
            return Attribution(agent: id, source: .env, marker: "\(variable)=\(raw)")
        }
        return nil
    }
}
