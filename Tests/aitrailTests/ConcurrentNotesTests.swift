import Foundation
import Testing
import TestSupport

/// Several aitrail processes appending records to the same commit's note at the same moment:
/// the notes ref moves by compare-and-swap with retry, so every record survives.
@Suite struct ConcurrentNotesTests {
    @Test func parallelProcessesLoseNoRecord() throws {
        let repo = try TestRepository()
        let head = try repo.commit("one")
        let writers = 8
        let group = DispatchGroup()
        let lock = NSLock()
        nonisolated(unsafe) var statuses: [Int32] = []
        for writer in 0..<writers {
            group.enter()
            DispatchQueue.global().async {
                let result = try? runProcess(aitrailBinary, ["review", "approve", head, "--note", "writer \(writer)"],
                                             in: repo.path, removing: agentEnvironment)
                lock.lock()
                statuses.append(result?.status ?? -1)
                lock.unlock()
                group.leave()
            }
        }
        group.wait()
        #expect(statuses == [Int32](repeating: 0, count: writers))
        let note = try repo.git(["notes", "--ref", "aitrail", "show", head])
        for writer in 0..<writers {
            #expect(note.contains("\"note\":\"writer \(writer)\""), "record of writer \(writer) lost")
        }
        #expect(note.split(separator: "\n").count == writers)
        // Every notes commit on the ref is a real, fast-forward history: one per record.
        #expect(try repo.git(["rev-list", "--count", "refs/notes/aitrail"]) == "\(writers)\n")
    }

    /// The first writers race to create `refs/notes/aitrail`: exactly one may create it, the others
    /// must see it and retry. (libgit2's plain create checks before it locks; this once lost notes.)
    @Test func firstWritersRacingToCreateTheRefLoseNothing() throws {
        for round in 0..<5 {
            let repo = try TestRepository()
            let commits = try (0..<4).map { try repo.commit("commit \($0)") }
            let group = DispatchGroup()
            for commit in commits {
                DispatchQueue.global().async(group: group) {
                    _ = try? runProcess(aitrailBinary, ["review", "approve", commit], in: repo.path, removing: agentEnvironment)
                }
            }
            group.wait()
            for commit in commits {
                let note = try repo.gitResult(["notes", "--ref", "aitrail", "show", commit])
                #expect(note.status == 0 && note.stdout.contains("\"kind\":\"review\""), "round \(round): \(commit.prefix(7)) lost its record")
            }
        }
    }
}
