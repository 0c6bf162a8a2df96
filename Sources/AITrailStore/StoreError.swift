/// An error of the organisation store, with what was wrong and the fix. The CLI maps `usage` to
/// exit 64 and everything else to exit 2 (cannot decide: nothing was, or is, half written).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case usage, database, repository }
    public let kind: Kind
    public let message: String

    public init(_ message: String, kind: Kind = .database) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    public var exitCode: Int32 { kind == .usage ? 64 : 2 }
}
