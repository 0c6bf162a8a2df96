import AITrailKit
import Foundation
import Git
import Testing
import TestSupport

/// When records reached the notes, read from the history of `refs/notes/aitrail` with real git.
@Suite struct NotesArrivalTests {
    private func record(_ name: String, tree: String) -> EvidenceRecord {
        EvidenceRecord(kind: .command, tree: tree, passed: true, at: "2099-01-01T00:00:00Z", name: name)
    }

    @Test func eachRecordGetsTheTimeOfTheNotesCommitThatAddedIt() throws {
        let repo = try TestRepository()
        let zero = try repo.commit("zero"), first = try repo.commit("one"), second = try repo.commit("two")
        let tree = try repo.revParse("HEAD^{tree}")
        let early = record("early", tree: tree), later = record("later", tree: tree), other = record("other", tree: tree)
        func add(_ record: EvidenceRecord, on commit: String, at time: String) throws {
            try repo.git(["notes", "--ref=aitrail", "append", "-m", CanonicalJSON.line(.evidence(record)), commit],
                         environment: ["GIT_COMMITTER_DATE": time])
        }
        try add(early, on: first, at: "2026-01-01T00:00:00Z")
        try add(other, on: second, at: "2026-02-01T00:00:00Z")
        try add(later, on: first, at: "2026-03-01T00:00:00Z")
        // A note on another commit, written last, changes nothing for these records.
        try repo.git(["notes", "--ref=aitrail", "add", "-m", "{}", zero],
                     environment: ["GIT_COMMITTER_DATE": "2026-04-01T00:00:00Z"])

        let repository = try Repository(discovering: repo.path)
        let one = try #require(ObjectID(hex: first)), two = try #require(ObjectID(hex: second))
        var evidence = [one: [early, later], two: [other]]
        try NotesArrival.stamp(&evidence, ref: "refs/notes/aitrail", in: repository)
        #expect(evidence[one]?.map(\.reachedNotesAt) == [Timestamp.parse("2026-01-01T00:00:00Z"), Timestamp.parse("2026-03-01T00:00:00Z")])
        #expect(evidence[two]?.map(\.reachedNotesAt) == [Timestamp.parse("2026-02-01T00:00:00Z")])

        // Removed and written again: the record reached the notes again, later.
        try repo.git(["notes", "--ref=aitrail", "remove", second], environment: ["GIT_COMMITTER_DATE": "2026-05-01T00:00:00Z"])
        try add(other, on: second, at: "2026-06-01T00:00:00Z")
        var again = [two: [other]]
        try NotesArrival.stamp(&again, ref: "refs/notes/aitrail", in: repository)
        #expect(again[two]?.map(\.reachedNotesAt) == [Timestamp.parse("2026-06-01T00:00:00Z")])
    }

    @Test func withoutTheRefNothingIsStamped() throws {
        let repo = try TestRepository()
        let commit = try #require(ObjectID(hex: try repo.commit("one")))
        let repository = try Repository(discovering: repo.path)
        var evidence = [commit: [record("x", tree: "t")]]
        try NotesArrival.stamp(&evidence, ref: "refs/notes/aitrail", in: repository)
        #expect(evidence[commit]?.first?.reachedNotesAt == nil)
    }
}
