/// A value bound to a statement's parameter or read from a result column. Values always travel
/// as parameters (`$1`, `$2`, …), never spliced into SQL text.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case bool(Bool)

    public var text: String? {
        switch self {
        case .text(let value): return value
        case .integer(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .null: return nil
        }
    }

    public var integer: Int64? {
        switch self {
        case .integer(let value): return value
        case .text(let value): return Int64(value)
        case .bool(let value): return value ? 1 : 0
        case .null: return nil
        }
    }

    public var bool: Bool? {
        switch self {
        case .bool(let value): return value
        case .integer(let value): return value != 0
        case .text(let value): return value == "t" || value == "true" || value == "1"
        case .null: return nil
        }
    }
}

/// Which SQL the schema and queries are written in: the two differ in column types, time functions and locks.
public enum SQLDialect: String, Sendable {
    case sqlite, postgres
}

/// One connection to the store's database. Statements use `$1`, `$2`, … for parameters in both dialects.
public protocol Database: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs a statement (or, without parameters, several separated by semicolons).
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(StoreError)
    func query(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [[SQLValue]]
    /// Runs `body` in one transaction that takes the database's write lock first (SQLite `BEGIN
    /// IMMEDIATE`; PostgreSQL a transaction-scoped advisory lock on `lockKey` when given), commits it,
    /// or rolls it back when `body` throws: nothing is ever half written.
    func transaction<T>(lockKey: Int64?, _ body: () throws(StoreError) -> T) throws(StoreError) -> T
}

extension Database {
    public func execute(_ sql: String) throws(StoreError) { try execute(sql, []) }
}

/// Opens the database a URL names.
public enum DatabaseConnector {
    public static func open(_ url: StoreURL) throws(StoreError) -> any Database {
        switch url {
        case .sqlite(let path): return try SQLiteDatabase(path: path)
        case .postgres(let uri): return try PostgresDatabase(uri: uri)
        }
    }
}
