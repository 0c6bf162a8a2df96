import CSQLite

/// A SQLite file through the system's libsqlite3. Many writers at once: write-ahead log, a busy
/// timeout, and write transactions that take the lock when they begin (`BEGIN IMMEDIATE`), so a
/// writer waits for another instead of failing halfway.
public final class SQLiteDatabase: Database {
    public let dialect = SQLDialect.sqlite
    private let handle: OpaquePointer
    private let path: String
    /// Milliseconds a writer waits for another writer's lock before giving up.
    static let busyTimeout: Int32 = 60_000

    public init(path: String) throws(StoreError) {
        self.path = path
        var pointer: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let result = sqlite3_open_v2(path, &pointer, flags, nil)
        guard result == SQLITE_OK, let pointer else {
            let reason = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let pointer { sqlite3_close_v2(pointer) }
            throw StoreError("cannot open the SQLite database '\(path)': \(reason); check that its folder exists and is writable")
        }
        handle = pointer
        sqlite3_busy_timeout(handle, SQLiteDatabase.busyTimeout)
        // WAL lets readers (a report) run while a writer publishes; it is a property of the file, set once.
        _ = try? query("PRAGMA journal_mode=WAL", [])
        try execute("PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
        // Reads through a memory map rather than a pread per 4 KiB page: a report reads every row.
        _ = try? query("PRAGMA mmap_size=1073741824", [])
    }

    deinit { sqlite3_close_v2(handle) }

    public func execute(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) {
        if parameters.isEmpty {
            var error: UnsafeMutablePointer<CChar>?
            let result = sqlite3_exec(handle, sql, nil, nil, &error)
            if result != SQLITE_OK {
                let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
                sqlite3_free(error)
                throw failure(message, code: result)
            }
            return
        }
        _ = try run(sql, parameters, collect: false)
    }

    public func query(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [[SQLValue]] {
        try run(sql, parameters, collect: true)
    }

    public func transaction<T>(lockKey: Int64?, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func run(_ sql: String, _ parameters: [SQLValue], collect: Bool) throws(StoreError) -> [[SQLValue]] {
        // `$1` is a named parameter to SQLite; `?1` is the same numbered parameter in its syntax.
        let text = sql.replacingDollarParameters()
        var statement: OpaquePointer?
        let prepared = sqlite3_prepare_v2(handle, text, -1, &statement, nil)
        guard prepared == SQLITE_OK, let statement else { throw failure(String(cString: sqlite3_errmsg(handle)), code: prepared) }
        defer { sqlite3_finalize(statement) }
        for (index, value) in parameters.enumerated() {
            let position = Int32(index + 1)
            let bound: Int32
            switch value {
            case .null: bound = sqlite3_bind_null(statement, position)
            case .integer(let number): bound = sqlite3_bind_int64(statement, position, number)
            case .bool(let flag): bound = sqlite3_bind_int64(statement, position, flag ? 1 : 0)
            case .text(let string):
                // SQLITE_TRANSIENT: SQLite copies the bytes before the Swift string goes away.
                bound = sqlite3_bind_text(statement, position, string, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            }
            guard bound == SQLITE_OK else { throw failure(String(cString: sqlite3_errmsg(handle)), code: bound) }
        }
        var rows: [[SQLValue]] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw failure(String(cString: sqlite3_errmsg(handle)), code: step) }
            guard collect else { continue }
            let count = sqlite3_column_count(statement)
            var row: [SQLValue] = []
            row.reserveCapacity(Int(count))
            for column in 0..<count {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_NULL: row.append(.null)
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(statement, column)))
                default:
                    if let bytes = sqlite3_column_text(statement, column) {
                        row.append(.text(String(cString: bytes)))
                    } else {
                        row.append(.null)
                    }
                }
            }
            rows.append(row)
        }
        return rows
    }

    private func failure(_ reason: String, code: Int32) -> StoreError {
        let primary = code & 0xFF
        if primary == SQLITE_BUSY || primary == SQLITE_LOCKED {
            return StoreError("the SQLite database '\(path)' stayed locked by another writer for \(SQLiteDatabase.busyTimeout / 1000) s (\(reason)); "
                + "nothing was written: run again, or use PostgreSQL for many writers")
        }
        if primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM {
            return StoreError("cannot write the SQLite database '\(path)': \(reason); check its permissions and its folder's")
        }
        if primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT {
            return StoreError("'\(path)' is not a usable SQLite database (\(reason)): point --db at another file, or move this one away")
        }
        return StoreError("SQLite error on '\(path)': \(reason)")
    }
}

extension String {
    /// The store's statements in SQLite's syntax: `$1, $2, …` in order → `?` (anonymous parameters,
    /// bound by position), else `$12` → `?12`. SQLite looks a numbered parameter up in a list, one
    /// by one: with a batch's 7,000 parameters that lookup was three quarters of a publish.
    func replacingDollarParameters() -> String {
        guard contains("$") else { return self }
        var sequential = "", numbered = ""
        var inOrder = true, expected = 1
        var quoted = false
        var scalars = unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            if scalar == "'" { quoted.toggle() }
            guard scalar == "$", !quoted, let first = pending, ("0"..."9").contains(first) else {
                sequential.unicodeScalars.append(scalar)
                numbered.unicodeScalars.append(scalar)
                continue
            }
            var digits = ""
            while let digit = pending, ("0"..."9").contains(digit) {
                digits.unicodeScalars.append(digit)
                pending = scalars.next()
            }
            if Int(digits) != expected { inOrder = false }
            expected += 1
            sequential += "?"
            numbered += "?" + digits
        }
        return inOrder ? sequential : numbered
    }
}
