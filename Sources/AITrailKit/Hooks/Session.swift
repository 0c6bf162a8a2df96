#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Git

/// A declared session (SPEC §4): "the commits made here until `expires` are assisted by this agent",
/// for tools that leave no marker. Kept in `<git-common-dir>/aitrail/session.json`, shared by worktrees.
public struct Session: Codable, Sendable, Hashable {
    public var agent: String
    public var model: String?
    public var started: String
    public var expires: String

    public init(agent: String, model: String?, started: String, expires: String) {
        self.agent = agent
        self.model = model
        self.started = started
        self.expires = expires
    }

    /// `aitrail session start` (its arguments already checked): the agent as `registry` spells it (a
    /// policy's custom agent included), the model made a safe id, from `now` for `seconds`.
    public static func start(agent: String, model: String?, seconds: Int64, registry: AgentRegistry, now: Int64 = Timestamp.now()) -> Session {
        Session(
            agent: SafeID.agent(agent, registry: registry) ?? agent.lowercased(), model: model.flatMap(SafeID.model),
            started: Timestamp.format(now), expires: Timestamp.format(now + seconds))
    }

    /// What `aitrail session start` says: the trailer commits get now, and a note when the agent is
    /// not one `policy` knows.
    public func startedLines(policy: Policy) -> [String] {
        var lines = ["session started: commits are tagged \(policy.tag.trailer): \(AssistedBy(agent: agent, model: model).value) until \(expires)"]
        if policy.registry[agent] == nil {
            lines.append("note: '\(agent)' is not a known agent; declare it with [agent \"\(agent)\"] in .aitrail if that is intended")
        }
        return lines
    }

    public static func path(commonDirectory: String) -> String { commonDirectory + "/aitrail/session.json" }

    /// True once `expires` has passed (or cannot be read).
    public func isExpired(now: Int64 = Timestamp.now()) -> Bool {
        guard let end = Timestamp.parse(expires) else { return true }
        return now >= end
    }

    public var attribution: Attribution {
        Attribution(agent: agent, model: model, source: .session, marker: "session \(agent)\(model.map { ":\($0)" } ?? "") until \(expires)")
    }

    /// The session declared in `commonDirectory`, or nil when there is none. A file that cannot be
    /// read as a session is an error naming it and the fix.
    public static func load(commonDirectory: String) throws(AITrailError) -> Session? {
        let file = path(commonDirectory: commonDirectory)
        guard FileSystem.exists(file) else { return nil }
        do {
            let bytes = try FileSystem.read(file)
            return try JSONDecoder().decode(Session.self, from: Data(bytes))
        } catch {
            throw AITrailError.hook("\(file) is not a session file (run `aitrail session end`, then `aitrail session start --agent <id>`)")
        }
    }

    public func save(commonDirectory: String) throws(GitError) {
        try FileSystem.makeDirectories(commonDirectory + "/aitrail")
        try FileSystem.writeAtomically(Array((CanonicalJSON.encode(self) + "\n").utf8), to: Session.path(commonDirectory: commonDirectory))
    }

    /// Removes the session file; returns false when there was none.
    @discardableResult
    public static func end(commonDirectory: String) -> Bool {
        let file = path(commonDirectory: commonDirectory)
        guard FileSystem.exists(file) else { return false }
        return FileSystem.remove(file)
    }
}
