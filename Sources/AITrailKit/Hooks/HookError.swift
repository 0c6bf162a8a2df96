/// Something the hooks, the installer or a session could not do: says what and how to fix it.
public struct HookError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
