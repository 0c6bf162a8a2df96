import Git

/// aitrail's version, written into usage records and shown by `aitrail --version`.
public enum AITrailVersion {
    public static let number = "0.1.0"
    public static var string: String { "\(number) (libgit2 \(Libgit2.version))" }
}
