import CLibPQ
import Foundation

/// A PostgreSQL server through the system's libpq. Parameters go separately from the SQL
/// (`PQexecParams`, text format); transactions with `ON CONFLICT` upserts make many writers safe.
public final class PostgresDatabase: Database {
    public let dialect = SQLDialect.postgres
    private let connection: OpaquePointer
    private let display: String

    public init(uri: String) throws(StoreError) {
        display = StoreURL.redact(uri)
        // A CI job must fail in seconds when the server is away, not hang.
        let withTimeout = uri.contains("connect_timeout=") ? uri : uri + (uri.contains("?") ? "&" : "?") + "connect_timeout=10"
        guard let connection = PQconnectdb(withTimeout) else {
            throw StoreError("cannot connect to PostgreSQL at \(display): out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = PostgresDatabase.clean(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            throw PostgresDatabase.connectionError(reason, display: display)
        }
        self.connection = connection
        // Notices (e.g. "relation already exists, skipping") are not the user's business.
        _ = try query("SET client_min_messages = warning", [])
    }

    deinit { PQfinish(connection) }

    static func connectionError(_ reason: String, display: String) -> StoreError {
        let lower = reason.lowercased()
        let fix: String
        if lower.contains("password authentication failed") || lower.contains("authentication failed")
            || lower.contains("no password supplied") || lower.contains("no pg_hba.conf entry") || lower.contains("role") && lower.contains("does not exist") {
            fix = "the server refused the login: check the user and password in the URL (--db or \(StoreURL.environmentVariable)) and the server's pg_hba.conf"
        } else if lower.contains("database") && lower.contains("does not exist") {
            fix = "create the database first (createdb, or CREATE DATABASE), or name an existing one in the URL"
        } else if lower.contains("connection refused") || lower.contains("no such file") || lower.contains("could not translate host")
            || lower.contains("timeout") || lower.contains("could not connect") {
            fix = "the server is not reachable: check that PostgreSQL runs and the host, port or socket folder in the URL"
        } else {
            fix = "check the URL (--db or \(StoreURL.environmentVariable)) and the server"
        }
        return StoreError("cannot connect to PostgreSQL at \(display): \(reason); \(fix). Nothing was written")
    }

    public func execute(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) {
        _ = try run(sql, parameters, collect: false)
    }

    public func query(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [[SQLValue]] {
        try run(sql, parameters, collect: true)
    }

    public func transaction<T>(lockKey: Int64?, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        // A deadlock or serialisation failure (two writers of one repository) is retried whole.
        var attempt = 0
        while true {
            attempt += 1
            try execute("BEGIN")
            do {
                if let lockKey { try execute("SELECT pg_advisory_xact_lock($1)", [.integer(lockKey)]) }
                let value = try body()
                try execute("COMMIT")
                return value
            } catch {
                PQclear(PQexec(connection, "ROLLBACK"))
                if attempt < 5, error.message.contains("(40P01)") || error.message.contains("(40001)") { continue }
                throw error
            }
        }
    }

    private func run(_ sql: String, _ parameters: [SQLValue], collect: Bool) throws(StoreError) -> [[SQLValue]] {
        // Text-format parameters: each value as its own C string, booleans as `t`/`f`.
        let texts: [String?] = parameters.map { value in
            switch value {
            case .null: return nil
            case .bool(let flag): return flag ? "t" : "f"
            default: return value.text
            }
        }
        // Without parameters, PQexec (which also runs several statements: the migrations).
        let result: OpaquePointer? = parameters.isEmpty ? PQexec(connection, sql) : withCStrings(texts) { pointers in
            PQexecParams(connection, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        guard let result else {
            throw failure(String(cString: PQerrorMessage(connection)), state: nil)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw failure(String(cString: PQresultErrorMessage(result)), state: state)
        }
        guard collect, status == PGRES_TUPLES_OK else { return [] }
        let rowCount = PQntuples(result), columnCount = PQnfields(result)
        var rows: [[SQLValue]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(.null)
                } else {
                    values.append(.text(String(cString: PQgetvalue(result, row, column))))
                }
            }
            rows.append(values)
        }
        return rows
    }

    private func failure(_ reason: String, state: String?) -> StoreError {
        let text = PostgresDatabase.clean(reason)
        if PQstatus(connection) != CONNECTION_OK {
            return StoreError("lost the connection to PostgreSQL at \(display): \(text); the transaction was rolled back, nothing was written: run again")
        }
        if state == "42501" {
            return StoreError("PostgreSQL at \(display) refused: \(text); grant the user the rights docs/store.md lists (CREATE on the schema, or INSERT/UPDATE/SELECT on the tables)")
        }
        return StoreError("PostgreSQL error at \(display): \(text)" + (state.map { " (\($0))" } ?? ""))
    }

    private static func clean(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
            .joined(separator: " ").replacingOccurrences(of: "FATAL:  ", with: "").replacingOccurrences(of: "ERROR:  ", with: "")
    }
}

/// Calls `body` with a C array of the strings (NULL for nil), valid only during the call.
private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let owned: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } ?? nil }
    defer { for pointer in owned { free(pointer) } }
    return body(owned.map { $0.map { UnsafePointer($0) } })
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = self
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
