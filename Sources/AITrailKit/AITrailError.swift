/// Everything the kit cannot do, in one type (swift-format's `SwiftFormatError` is the model). Each
/// case's message names what was wrong and how to fix it; the CLI alone turns a case into an exit
/// code (SPEC §11: 2 for all but an evaluated command's own failures, which keep its shell's status).
public enum AITrailError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `.aitrail` cannot be used, or one of its values (a duration, a list) cannot be read: names the
    /// file, line and key.
    case policy(String)
    /// The hooks, the installer or a session could not do something.
    case hook(String)
    /// Notes could not be synced with a remote.
    case sync(String)
    /// Evidence cannot be recorded, imported or read.
    case evidence(String)
    /// The command to evaluate could not be started (not found, not executable): shells exit 127.
    case commandNotStarted(String)
    /// The command to evaluate was interrupted and nothing was recorded: exit with `status` (130 for Ctrl-C).
    case interrupted(String, status: Int32)
    /// Records could not be carried onto the commits that replaced theirs.
    case carry(String, fix: String)
    /// The gate cannot decide (no range, missing history, bad policy): never a pass.
    case cannotDecide(String, fix: String)
    /// History could not be read or classified for a report (names the object, pack or ref, and the fix).
    case audit(String)
    /// git's blame could not be run or read for line attribution.
    case blame(String)

    /// What was wrong (with the fix, except for the cases that carry it apart in `fix`).
    public var message: String {
        switch self {
        case .policy(let message), .hook(let message), .sync(let message), .evidence(let message),
             .commandNotStarted(let message), .interrupted(let message, _),
             .carry(let message, _), .cannotDecide(let message, _), .audit(let message), .blame(let message):
            return message
        }
    }

    /// The fix, for the cases that say it on its own line.
    public var fix: String? {
        switch self {
        case .carry(_, let fix), .cannotDecide(_, let fix): return fix
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .carry(let message, let fix): return "\(message); fix: \(fix)"
        case .cannotDecide(let message, let fix): return "\(message)\nfix: \(fix)"
        default: return message
        }
    }
}

extension AITrailError {
    /// `AITrailError(message, fix:)`: the gate cannot decide.
    public init(_ message: String, fix: String) { self = .cannotDecide(message, fix: fix) }
}
