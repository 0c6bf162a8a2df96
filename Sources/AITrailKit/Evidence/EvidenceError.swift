/// Evidence that cannot be recorded or read: says what was wrong and how to fix it.
public struct EvidenceError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
