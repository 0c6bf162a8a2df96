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
