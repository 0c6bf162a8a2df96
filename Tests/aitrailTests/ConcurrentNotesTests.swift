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
}
