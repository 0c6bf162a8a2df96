/// Evidence that cannot be recorded or read: says what was wrong and how to fix it.
public struct EvidenceError: Error, Sendable, CustomStringConvertible {
    public let message: String
    /// The command could not be started (not found, not executable): shells exit 127 for that.
    public let isLaunchFailure: Bool
    public init(_ message: String, isLaunchFailure: Bool = false) {
        self.message = message
        self.isLaunchFailure = isLaunchFailure
    }
    public var description: String { message }
}
