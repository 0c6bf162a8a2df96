import AITrailStore
import Foundation
import Testing
import TestSupport

@Suite struct StoreFailureTests {
    @Test func aRefusedLoginIsExit2WithTheFixAndNoPassword() throws {
        let cluster = try PostgresCluster.shared()
        let store = try cluster.makeDatabase()
        let wrong = store.replacingOccurrences(of: PostgresCluster.password, with: "not-the-password")
        let repository = try makeRepository(commits: 2)
        let result = try aitrail(["publish", "--db", wrong], in: repository.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("password authentication failed"), "\(result.stderr)")
        #expect(result.stderr.contains("refused the login: check the user and password"), "\(result.stderr)")
        #expect(!result.stderr.contains("not-the-password"))
        #expect(try Schema.version(of: StoreProbe(store).database) == 0)
    }

    @Test func aServerThatIsDownIsExit2WithTheFix() throws {
        let nowhere = try makeTemporaryDirectory(prefix: "aitrail-nopg")
        let repository = try makeRepository(commits: 1)
        let result = try aitrail(["publish", "--db", "postgres://postgres@/postgres?host=\(nowhere)&port=5999"], in: repository.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot connect to PostgreSQL"), "\(result.stderr)")
        #expect(result.stderr.contains("the server is not reachable"), "\(result.stderr)")
        let report = try aitrail(["report", "--db", "postgres://postgres@/postgres?host=\(nowhere)&port=5999"], in: repository.path)
        #expect(report.status == 2)
        #expect(report.stderr.contains("the server is not reachable"), "\(report.stderr)")
    }

    /// The server fails the 700th row (past the first batch of 500): the whole publish is rolled back.
    @Test func aPublishThatFailsHalfwayLeavesNothing() throws {
        let store = try PostgresCluster.shared().makeDatabase()
        let probe = try StoreProbe(store)
        try Schema.prepare(probe.database)
        try probe.database.execute("""
            CREATE FUNCTION fail_late() RETURNS trigger AS 'BEGIN IF (SELECT count(*) FROM commits) >= 700 THEN
            RAISE EXCEPTION ''disk full (test)''; END IF; RETURN NEW; END' LANGUAGE plpgsql;
            CREATE TRIGGER fail_late BEFORE INSERT ON commits FOR EACH ROW EXECUTE FUNCTION fail_late();
            """)
        let (repository, _) = try generatedHistory(commits: 900, seed: 5, origin: "https://github.com/acme/big.git")
        let result = try aitrail(["publish", "--db", store], in: repository.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("disk full (test)"), "\(result.stderr)")
        #expect(try probe.count() == 0)
        #expect(try probe.repositories().isEmpty)
    }

    @Test func aReportOfAnEmptyDatabaseCreatesNothing() throws {
        let store = try PostgresCluster.shared().makeDatabase()
        let folder = try makeTemporaryDirectory(prefix: "aitrail-report")
        let result = try aitrail(["report", "--db", store], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("no aitrail records in postgres://postgres:***@"), "\(result.stderr)")
        #expect(try Schema.version(of: StoreProbe(store).database) == 0)
    }

    @Test func aSQLiteFileThatCannotBeMadeIsExit2() throws {
        let repository = try makeRepository(commits: 1)
        let result = try aitrail(["publish", "--db", "sqlite:/nonexistent-folder/store.db"], in: repository.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot open the SQLite database '/nonexistent-folder/store.db'"), "\(result.stderr)")
        #expect(result.stderr.contains("check that its folder exists"), "\(result.stderr)")
    }

    @Test func badURLsAndOptionsAreUsageErrors() throws {
        let repository = try makeRepository(commits: 1)
        let bad = try aitrail(["publish", "--db", "mysql://x"], in: repository.path)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("use sqlite:<path> (a file) or postgres://"), "\(bad.stderr)")
        let both = try aitrail(["publish", "--repos", ".", "--repo-id", "x"], in: repository.path)
        #expect(both.status == 64)
        #expect(both.stderr.contains("--repo-id names one repository"), "\(both.stderr)")
        let team = try aitrail(["report", "--db", "sqlite:x.db", "--by", "team"], in: repository.path)
        #expect(team.status == 64)
        #expect(team.stderr.contains("--by team needs --teams FILE"), "\(team.stderr)")
    }

    @Test func aNewerSchemaIsRefused() throws {
        let store = "sqlite:" + (try makeTemporaryDirectory(prefix: "aitrail-store")) + "/store.db"
        let probe = try StoreProbe(store)
        try probe.database.execute("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (99)")
        let repository = try makeRepository(commits: 1)
        let result = try aitrail(["publish", "--db", store], in: repository.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("schema is version 99, newer than this aitrail's (\(Schema.current)): upgrade aitrail"), "\(result.stderr)")
    }

    /// `aitrail` without `aitrail-store` beside it or on PATH says what to install.
    @Test func aMissingStoreExecutableNamesTheFix() throws {
        let folder = try makeTemporaryDirectory(prefix: "aitrail-alone")
        try FileManager.default.copyItem(atPath: aitrailBinary, toPath: folder + "/aitrail")
        let repository = try makeRepository(commits: 1)
        let result = try runProcess(folder + "/aitrail", ["publish", "--db", "sqlite:x.db"], in: repository.path,
                                    environment: ["PATH": "/usr/bin:/bin"], removing: agentEnvironment)
        #expect(result.status == 2)
        #expect(result.stderr.contains("the database client 'aitrail-store' is neither next to this aitrail nor on PATH"), "\(result.stderr)")
        try FileManager.default.removeItem(atPath: folder)
    }
}
