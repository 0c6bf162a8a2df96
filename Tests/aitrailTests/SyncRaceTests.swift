import Foundation
import Testing
import TestSupport

/// Syncs from several clones at once against one remote: the server's ref lock is lost by all but
/// one (`cannot lock ref … is at X but expected Y`, or a rejected non-fast-forward); the losers fetch,
/// merge and try again. Each exits 0 and no record is lost.
@Suite(.serialized) struct SyncRaceTests {
    @Test func concurrentSyncsRetryAndLoseNothing() throws {
        let remote = try TestRepository(bare: true)
        try remote.git(["config", "receive.denyNonFastForwards", "true"])
        let seed = try HookedRepository(install: false)
        try seed.repo.git(["remote", "add", "origin", remote.path])
        try seed.repo.git(["push", "-q", "origin", "main"])
        let clones = try (0..<4).map { _ in try SyncAndLogTests.Setup.clone(remote) }
        var written: [String] = []
        for round in 0..<4 {
            for (index, clone) in clones.enumerated() {
                let record = #"{"at":"2026-01-01T00:00:00Z","clone":\#(index),"round":\#(round),"type":"usage","v":1}"#
                try clone.repo.git(["notes", "--ref", "aitrail", "append", "-m", record, "HEAD"])
                written.append(record)
            }
            let results = ResultsBox(count: clones.count)
            DispatchQueue.concurrentPerform(iterations: clones.count) { index in
                results.set(index, try? clones[index].aitrail(["sync", "origin"]))
            }
            for (index, result) in results.values.enumerated() {
                #expect(result?.status == 0, "round \(round), clone \(index): \(result?.stderr ?? "did not run")")
            }
        }
        let onRemote = try remote.git(["notes", "--ref", "aitrail", "show", "main"])
        for record in written { #expect(onRemote.contains(record), "lost: \(record)") }
    }
}

/// Results written by concurrent workers, one slot each.
final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [ProcessResult?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: ProcessResult?) { lock.lock(); slots[index] = value; lock.unlock() }
    var values: [ProcessResult?] { lock.lock(); defer { lock.unlock() }; return slots }
}
