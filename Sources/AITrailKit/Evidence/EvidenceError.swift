/// Evidence that cannot be recorded or read: says what was wrong and how to fix it.
public struct EvidenceError: Error, Sendable, CustomStringConvertible {
    public let message: String
    /// The command could not be started (not found, not executable): shells exit 127 for that.
    public let isLaunchFailure: Bool
    /// The command was interrupted and nothing was recorded: exit with this status (130 for Ctrl-C).
    public let interruptedStatus: Int32?
    public init(_ message: String, isLaunchFailure: Bool = false, interruptedStatus: Int32? = nil) {
        self.message = message
        self.isLaunchFailure = isLaunchFailure
        self.interruptedStatus = interruptedStatus
    }
    public var description: String { message }
}
