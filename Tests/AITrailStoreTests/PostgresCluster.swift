import Foundation
import Testing
import TestSupport

/// A throwaway PostgreSQL server for the tests: `initdb` in a temporary folder, `pg_ctl` listening
/// on a Unix socket in that folder only (no TCP port), password login for the superuser, stopped
/// when the test process ends. Started once, by the first test that needs it.
/// PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user (Debian's
/// package creates it) through `runuser`.
final class PostgresCluster: @unchecked Sendable {
    static let password = "aitrail-test-secret"
    let folder: String
    let port = 5432
    private let binaries: String
    private let asUser: [String]

    nonisolated(unsafe) private static var started: PostgresCluster?
    private static let lock = NSLock()

    /// The shared server; fails (not skips) when PostgreSQL is not installed.
    static func shared() throws -> PostgresCluster {
        lock.lock()
        defer { lock.unlock() }
        if let started { return started }
        let cluster = try PostgresCluster()
        started = cluster
        atexit { PostgresCluster.started?.stop() }
        return cluster
    }

    struct NotInstalled: Error, CustomStringConvertible {
        var description: String {
            "PostgreSQL is not installed (no initdb and pg_ctl on PATH or in /usr/lib/postgresql/*/bin): the store's tests need a real server. "
                + "Install it with `apt-get install postgresql` (scripts/test does), then run the tests again"
        }
    }

    struct StartFailed: Error, CustomStringConvertible {
        let step: String, output: String
        var description: String { "could not start the test PostgreSQL server (\(step)): \(output)" }
    }

    private init() throws {
        guard let binaries = PostgresCluster.findBinaries() else { throw NotInstalled() }
        self.binaries = binaries
        folder = try makeTemporaryDirectory(prefix: "aitrail-pg")
        let root = getuid() == 0
        asUser = root ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        if root {
            // The folder (and /tmp's path to it) must be the postgres user's.
            _ = try runProcess("/bin/chown", ["postgres", folder])
            _ = try runProcess("/bin/chmod", ["700", folder])
        }
        let passwordFile = folder + "/password"
        try (PostgresCluster.password + "\n").write(toFile: passwordFile, atomically: false, encoding: .utf8)
        if root { _ = try runProcess("/bin/chown", ["postgres", passwordFile]) }
        try run("initdb", [binaries + "/initdb", "-D", folder + "/data", "-U", "postgres", "--auth=scram-sha-256",
                           "--pwfile=" + passwordFile, "-E", "UTF8", "--no-sync", "-A", "scram-sha-256"])
        try run("pg_ctl start", [binaries + "/pg_ctl", "-D", folder + "/data", "-l", folder + "/log", "-w", "-t", "60",
                                 "-o", "-c listen_addresses='' -k \(folder) -p \(port) -c fsync=off -c max_connections=60", "start"])
    }

    /// Runs a command (as the postgres user when root) with its output in a file and no other
    /// descriptor open, through the C library's `system`, which waits for exactly its own child:
    /// Foundation's `Process` can miss the exit of `pg_ctl start`, whose server lives on, and wait
    /// for ever.
    private func run(_ step: String, _ command: [String]) throws {
        let output = folder + "/step.out"
        // `system` forks this whole process: pipes other tests' subprocesses hold open at that moment
        // are inherited, and a server that kept them would leave those tests waiting for their end
        // of file for ever. The shell closes every descriptor above 2 before running the command.
        let script = "for fd in /proc/$$/fd/*; do n=${fd##*/}; [ \"$n\" -gt 2 ] && eval \"exec $n>&-\"; done; exec "
            + (asUser + command).map(PostgresCluster.quote).joined(separator: " ") + " >" + PostgresCluster.quote(output) + " 2>&1 </dev/null"
        let status = system("/bin/bash -c " + PostgresCluster.quote(script))
        guard status == 0 else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            let log = (try? String(contentsOfFile: folder + "/log", encoding: .utf8)) ?? ""
            throw StartFailed(step: step, output: text + log)
        }
    }

    private static func quote(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    func stop() {
        try? run("pg_ctl stop", [binaries + "/pg_ctl", "-D", folder + "/data", "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A URL for `database`, logging in as the superuser with `password`.
    func url(database: String = "postgres", password: String = PostgresCluster.password) -> String {
        "postgres://postgres:\(password)@/\(database)?host=\(folder)&port=\(port)"
    }

    /// A new, empty database for one test.
    func makeDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let result = try runProcess("psql", ["-v", "ON_ERROR_STOP=1", "-q", url(), "-c", "CREATE DATABASE \(name)"])
        guard result.status == 0 else { throw StartFailed(step: "createdb", output: result.stderr) }
        return url(database: name)
    }

    private static func findBinaries() -> String? {
        var candidates: [String] = []
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        candidates += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        candidates += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") && FileManager.default.isExecutableFile(atPath: $0 + "/pg_ctl") }
    }
}
