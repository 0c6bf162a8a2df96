/// The store's tables, versioned: `schema_version` holds the version, and every aitrail migrates an
/// older store to its own version (in one transaction, under a lock) before it reads or writes.
/// docs/store.md shows this SQL; keep the two in step.
public enum Schema {
    /// The version this aitrail writes.
    public static let current = 2

    /// Version 1 (aitrail 0.1's store, kept as the oldest form a store can have): commits only, no
    /// repository rows, no reachability. Used by `migrations` and as the tests' fixture of an old store.
    public static func version1(_ dialect: SQLDialect) -> String {
        let (time, bool, list) = types(dialect)
        return """
            CREATE TABLE schema_version (version INTEGER NOT NULL);
            INSERT INTO schema_version (version) VALUES (1);
            CREATE TABLE commits (
                repository TEXT NOT NULL,
                commit_id TEXT NOT NULL,
                time \(time) NOT NULL,
                author_name TEXT NOT NULL,
                author_email TEXT NOT NULL,
                ai \(bool) NOT NULL,
                agents \(list) NOT NULL,
                models \(list) NOT NULL,
                sources \(list) NOT NULL,
                evidence TEXT NOT NULL,
                PRIMARY KEY (repository, commit_id)
            );
            """
    }

    /// Version 1 → 2: the author time's column is `authored_at`; committer time, merges and
    /// reachability (force-pushed commits are kept and marked); one row per repository with the tip
    /// the next publish starts from (NULL after the migration: the next publish walks all of it once).
    static func version2(_ dialect: SQLDialect) -> String {
        let (time, bool, _) = types(dialect)
        return """
            ALTER TABLE commits RENAME COLUMN time TO authored_at;
            ALTER TABLE commits ADD COLUMN committed_at \(time);
            ALTER TABLE commits ADD COLUMN is_merge \(bool) NOT NULL DEFAULT FALSE;
            ALTER TABLE commits ADD COLUMN reachable \(bool) NOT NULL DEFAULT TRUE;
            ALTER TABLE commits ADD COLUMN published_at \(time);
            UPDATE commits SET committed_at = authored_at;
            CREATE INDEX commits_authored_at ON commits (authored_at);
            CREATE TABLE repositories (
                repository TEXT PRIMARY KEY,
                tip TEXT,
                published_at \(time),
                aitrail_version TEXT
            );
            INSERT INTO repositories (repository) SELECT DISTINCT repository FROM commits;
            UPDATE schema_version SET version = 2;
            """
    }

    /// Column types per dialect: times, booleans, lists of names (JSON arrays).
    static func types(_ dialect: SQLDialect) -> (time: String, bool: String, list: String) {
        switch dialect {
        // SQLite: RFC 3339 UTC text (sorts as time; `datetime()`, `strftime()` read it).
        case .sqlite: return ("TEXT", "BOOLEAN", "TEXT")
        case .postgres: return ("TIMESTAMPTZ", "BOOLEAN", "JSONB")
        }
    }

    /// From version N to N + 1, in order.
    static func migration(to version: Int, _ dialect: SQLDialect) -> String {
        switch version {
        case 1: return version1(dialect)
        default: return version2(dialect)
        }
    }

    /// The advisory lock (PostgreSQL) that serialises migrations between writers.
    static let migrationLock: Int64 = 0x6169_7472_6169_6C00  // "aitrail\0"

    /// Brings the store to `current`: creates it when empty, migrates it when older, refuses a newer one.
    public static func prepare(_ database: any Database) throws(StoreError) {
        if try version(of: database) == current { return }
        try database.transaction(lockKey: migrationLock) { () throws(StoreError) in
            // Read again under the lock: another writer may have just created or migrated it.
            let found = try version(of: database)
            if found == current { return }
            if found > current {
                throw StoreError("the store's schema is version \(found), newer than this aitrail's (\(current)): "
                    + "upgrade aitrail (every writer and reader of one store should run the same release)")
            }
            for version in (found + 1)...current { try database.execute(migration(to: version, database.dialect)) }
        }
    }

    /// 0 for an empty database.
    public static func version(of database: any Database) throws(StoreError) -> Int {
        let exists: String
        switch database.dialect {
        case .sqlite: exists = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        case .postgres: exists = "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_version'"
        }
        guard try database.query(exists, []).first?.first?.integer ?? 0 > 0 else { return 0 }
        let rows = try database.query("SELECT max(version) FROM schema_version", [])
        guard let version = rows.first?.first?.integer else {
            throw StoreError("the store's schema_version table is empty: this database was not made by aitrail, or a migration was cut short; "
                + "point --db at another database")
        }
        return Int(version)
    }
}
