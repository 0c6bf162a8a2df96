import CGit2
import Foundation
@testable import Git
import Testing
import TestSupport

/// The pack reader against libgit2, object by object, on packs with deep delta chains.
@Suite(.serialized) struct PackReaderTests {
    private func libgit2Read(_ repository: Repository, _ id: ObjectID) throws -> (Int, [UInt8]) {
        var odb: OpaquePointer?
        #expect(git_repository_odb(&odb, repository.pointer) == 0)
        defer { git_odb_free(odb) }
        var object: OpaquePointer?
        var oid = id.raw
        #expect(git_odb_read(&object, odb, &oid) == 0)
        defer { git_odb_object_free(object) }
        let size = Int(git_odb_object_size(object))
        let bytes = size == 0 ? [] : Array(UnsafeRawBufferPointer(start: git_odb_object_data(object), count: size))
        return (Int(git_odb_object_type(object).rawValue), bytes)
    }

    @Test(arguments: [["-adf", "--depth=50", "--window=50"], ["-adf", "--depth=4095", "--window=250"], ["-ad"]])
    func everyObjectEqualsLibgit2(repackArguments: [String]) throws {
        let directory = try makeTemporaryDirectory(prefix: "aitrail-pack")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generated = try runProcess(packageRoot + "/scripts/make-history", ["600", directory + "/repo", "--seed", "5"])
        #expect(generated.status == 0)
        let path = directory + "/repo"
        try runProcess("/usr/bin/git", ["-C", path, "repack", "-q"] + repackArguments)
        let listing = try runProcess("/usr/bin/git", ["-C", path, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(deltabase)"])
        var deltas = 0
        let repository = try Repository(discovering: path)
        let packs = try #require(repository.packReader)
        var checked = 0
        for line in listing.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            let id = try #require(ObjectID(hex: String(fields[0])))
            if fields.count > 1, !fields[1].allSatisfy({ $0 == "0" }) { deltas += 1 }
            let ours = try #require(try packs.read(id), "\(id) not read")
            let theirs = try libgit2Read(repository, id)
            #expect(ours.type == theirs.0 && ours.bytes == theirs.1, "\(id)")
            checked += 1
        }
        #expect(checked > 3000)
        #expect(deltas > 100, "the repack made too few deltas to test them")
    }

    @Test func commitReadsUseThePacksAndMatchGit() throws {
        let repo = try TestRepository()
        for index in 0..<20 { try repo.commit("commit \(index)\n\nbody \(index)\n") }
        try repo.git(["repack", "-adq"])
        try repo.commit("a loose commit after the pack")
        let repository = try Repository(discovering: repo.path)
        for id in try repo.git(["rev-list", "HEAD"]).split(separator: "\n").map(String.init) {
            let raw = try repository.rawCommit(#require(ObjectID(hex: id)))
            let expected = try repo.gitResult(["cat-file", "commit", id]).stdoutBytes
            #expect(raw.bytes == expected)
        }
    }

    @Test func deltaInstructionsFollowGitsFormat() {
        // source 5 bytes, target 8: copy 3 from offset 1 ("ell"), insert "owor", copy 1 from 0 ("h").
        let delta: [UInt8] = [5, 8, 0x91, 1, 3, 4] + Array("owor".utf8) + [0x90, 1]
        #expect(PackReader.apply(delta, to: Array("hello".utf8)) == Array("ellowor".utf8) + Array("h".utf8))
        #expect(PackReader.apply(delta, to: Array("hell".utf8)) == nil)
        #expect(PackReader.apply([5, 8, 0x00], to: Array("hello".utf8)) == nil)
    }
}

@Suite struct ObjectIDParsingTests {
    @Test func hexBytesParseLikeGit() {
        let hex = "0123456789abcdefABCDEF0123456789abcdef01"
        let parsed = Array(hex.utf8).withUnsafeBufferPointer { ObjectID(hexBytes: $0) }
        #expect(parsed?.hex == hex.lowercased())
        for bad in ["0123456789abcdefABCDEF0123456789abcdef0g", "0123456789abcdefABCDEF0123456789abcdef0 ", "0123"] {
            #expect(Array(bad.utf8).withUnsafeBufferPointer { ObjectID(hexBytes: $0) } == nil, "\(bad)")
        }
    }

    @Test func radixSortEqualsAStableSortByTheUpperHalf() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 1000, 70_000] {
            // Few distinct upper halves, so equal keys must keep their order (the lower half).
            var keys = (0..<count).map { index in UInt64.random(in: 0..<5000, using: &generator) << 48 | UInt64.random(in: 0..<1 << 16, using: &generator) << 32 | UInt64(index) }
            let expected = keys.enumerated().sorted { ($0.element >> 32, $0.offset) < ($1.element >> 32, $1.offset) }.map(\.element)
            PackReader.radixSortByHigh32(&keys)
            #expect(keys == expected, "\(count) keys")
        }
    }

    @Test func commitLocationsAreTheCommitsStoredWhole() throws {
        let directory = try makeTemporaryDirectory(prefix: "aitrail-pack")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let generated = try runProcess(packageRoot + "/scripts/make-history", ["300", directory + "/repo", "--seed", "9"])
        #expect(generated.status == 0)
        let path = directory + "/repo"
        try runProcess("/usr/bin/git", ["-C", path, "repack", "-adfq", "--depth=50", "--window=50"])
        let listing = try runProcess("/usr/bin/git", ["-C", path, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype) %(deltabase)"])
        let whole = Set(listing.stdout.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            return fields[1] == "commit" && fields[2] == String(repeating: "0", count: 40) ? String(fields[0]) : nil
        })
        try #require(whole.count > 250)
        let repository = try Repository(discovering: path)
        let reader = try #require(repository.packReader)
        let locations = reader.commitLocations()
        #expect(Set(locations.map { reader.objectID(pack: $0.pack, position: $0.position).hex }) == whole)
        #expect(locations.count == whole.count)
        #expect(zip(locations, locations.dropFirst()).allSatisfy { $0.offset < $1.offset }, "in pack order")
    }
}
