import Foundation

/// Where the store is: `sqlite:<path>` (a file on this machine) or `postgres://…` / `postgresql://…`
/// (a server, in libpq's URI syntax: user, password, host or socket folder, port, database, `?sslmode=`).
public enum StoreURL: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(uri: String)

    /// The variable CI jobs set from a secret instead of `--db` (a password stays out of the process list).
    public static let environmentVariable = "AITRAIL_DB"

    public init(_ text: String) throws(StoreError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            self = .postgres(uri: trimmed)
        } else if trimmed.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            // `sqlite:///abs/path` and `sqlite://rel` as other tools write them.
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else {
                throw StoreError("the database URL 'sqlite:' names no file: write sqlite:<path>, e.g. sqlite:aitrail.db", kind: .usage)
            }
            self = .sqlite(path: path)
        } else {
            throw StoreError(
                "cannot read the database URL '\(StoreURL.redact(trimmed))': use sqlite:<path> (a file) or "
                    + "postgres://user@host/database (a PostgreSQL server)", kind: .usage)
        }
    }

    /// The URL as messages show it: a password replaced by `***`.
    public var display: String {
        switch self {
        case .sqlite(let path): return "sqlite:" + path
        case .postgres(let uri): return StoreURL.redact(uri)
        }
    }

    /// `postgres://user:secret@host/db` → `postgres://user:***@host/db`; also `password=` parameters.
    static func redact(_ uri: String) -> String {
        var text = uri
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        if let password = text.range(of: "password=") {
            let end = text[password.upperBound...].firstIndex(of: "&") ?? text.endIndex
            text.replaceSubrange(password.upperBound..<end, with: "***")
        }
        return text
    }
}
