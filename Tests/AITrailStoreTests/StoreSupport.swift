import AITrailStore
import Foundation
import Testing
import TestSupport

/// Runs the built `aitrail` (which execs `aitrail-store` beside it) in `directory`.
@discardableResult
func aitrail(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> ProcessResult {
    try runProcess(aitrailBinary, arguments, in: directory, environment: environment, removing: agentEnvironment + [StoreURL.environmentVariable])
}

/// A repository with an origin remote and `count` commits, every third one AI-assisted (an `Assisted-by` trailer).
func makeRepository(origin: String? = "git@github.com:acme/api.git", commits count: Int, start: Int = 0) throws -> TestRepository {
    let repository = try TestRepository()
    if let origin { try repository.git(["remote", "add", "origin", origin]) }
    try addCommits(repository, count, start: start)
    return repository
}

func addCommits(_ repository: TestRepository, _ count: Int, start: Int = 0) throws {
    for index in start..<(start + count) {
        let message = index % 3 == 0 ? "Change \(index)\n\nAssisted-by: claude-code:claude-opus-4.6\n" : "Change \(index)\n"
        try repository.commit(message)
    }
}

/// A history from scripts/make-history with its true counts (`commits`, `ai`, …).
func generatedHistory(commits: Int, seed: Int, origin: String) throws -> (TestRepository, [String: Any]) {
    let directory = try makeTemporaryDirectory(prefix: "aitrail-history")
    let result = try runProcess(packageRoot + "/scripts/make-history", [String(commits), directory, "--seed", String(seed)])
    #expect(result.status == 0, "\(result.stderr)")
    let repository = TestRepository(existing: directory)
    try repository.git(["remote", "add", "origin", origin])
    let truth = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    return (repository, truth)
}

/// Counts in the store, read with the store's own connection.
struct StoreProbe {
    let database: any Database

    init(_ url: String) throws {
        database = try DatabaseConnector.open(try StoreURL(url))
    }

    func count(_ condition: String = "TRUE", _ parameters: [SQLValue] = []) throws -> Int {
        Int(try database.query("SELECT count(*) FROM commits WHERE \(condition)", parameters).first?.first?.integer ?? -1)
    }

    func repositories() throws -> [String: String?] {
        var out: [String: String?] = [:]
        for row in try database.query("SELECT repository, tip FROM repositories", []) { out[row[0].text ?? ""] = row[1].text }
        return out
    }
}

func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// Runs `body` for every index at once, each on its own thread (not a pool sized by the cores):
/// every process it starts runs at the same time as the others.
func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) throws -> ProcessResult) -> [ProcessResult?] {
    let lock = NSLock()
    nonisolated(unsafe) var out = [ProcessResult?](repeating: nil, count: count)
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread.detachNewThread {
            let result = try? body(index)
            lock.lock()
            out[index] = result
            lock.unlock()
            group.leave()
        }
    }
    group.wait()
    return out
}
