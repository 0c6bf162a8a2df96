import Foundation
@testable import Git
import Testing
import TestSupport

/// `FileSystem.writeAtomically` leaves no temporary file behind: on a full disk, or from a run
/// that was killed.
@Suite(.serialized) struct TemporaryFileTests {
    private func leftovers(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".aitrail-") }
    }

    /// Runs `body` on a tmpfs of `size` mounted for it, or says why the case is skipped (mounting one
    /// needs root, and a system that allows it).
    private func onSmallDisk(_ size: String, _ name: String, _ body: (String) throws -> Void) throws {
        guard getuid() == 0 else {
            print("TemporaryFileTests: skipped \(name): mounting a small tmpfs needs root")
            return
        }
        let mountPoint = try makeTemporaryDirectory(prefix: "aitrail-full")
        defer { try? FileManager.default.removeItem(atPath: mountPoint) }
        let mounted = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", mountPoint])
        guard mounted.status == 0 else {
            print("TemporaryFileTests: skipped \(name): cannot mount a tmpfs (\(mounted.stderr))")
            return
        }
        defer { _ = try? runProcess("/bin/umount", [mountPoint]) }
        try body(mountPoint)
    }

    @Test func aFullDiskLeavesNoTemporaryFile() throws {
        try onSmallDisk("256k", "the full-disk case") { mountPoint in
            let path = mountPoint + "/COMMIT_EDITMSG"
            try FileSystem.writeAtomically(Array("the message\n".utf8), to: path)
            let big = [UInt8](repeating: 0x61, count: 1 << 20)
            #expect(throws: GitError.self) { try FileSystem.writeAtomically(big, to: path) }
            let left = try leftovers(mountPoint)
            #expect(left.isEmpty, "\(left)")
            #expect(try FileSystem.read(path) == Array("the message\n".utf8), "the file was changed")
            try FileSystem.writeAtomically(Array("a new message\n".utf8), to: path)
            #expect(try FileSystem.read(path) == Array("a new message\n".utf8))
        }
    }

    /// A tag appended to a message on a full disk: the write fails, and the message is as it was.
    @Test func anAppendOnAFullDiskLeavesTheFileAsItWas() throws {
        try onSmallDisk("64k", "the full-disk append") { mountPoint in
            // A message of exactly one page, so the tag needs a page more; then the disk is filled.
            let path = mountPoint + "/COMMIT_EDITMSG"
            let message = Array(repeating: UInt8(ascii: "m"), count: 4_095) + [0x0A]
            try FileSystem.write(message, to: path)
            let filler = fopen(mountPoint + "/filler", "w")
            let page = [UInt8](repeating: 0, count: 4_096)
            while let filler, fwrite(page, 1, page.count, filler) == page.count, fflush(filler) == 0 {}
            if let filler { fclose(filler) }
            let tagged = message + Array("\nAssisted-by: claude-code\n".utf8)
            #expect(throws: GitError.self) { try FileSystem.replace(path, holding: message, with: tagged) }
            #expect(try FileSystem.read(path) == message, "the message was changed")
            #expect(try leftovers(mountPoint).isEmpty)
        }
    }

    @Test func aKilledRunsTemporaryFileIsRemovedByTheNextWrite() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/audit"
        // A process that has ended: its pid is free (reused pids are what kill(pid, 0) can tell).
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let dead = directory + "/audit.aitrail-\(ended.processIdentifier)-12345"
        let alive = directory + "/audit.aitrail-\(getppid())-12345"
        let other = directory + "/other.aitrail-\(ended.processIdentifier)-1"
        for file in [dead, alive, other] { #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8))) }
        try FileSystem.writeAtomically(Array("cache".utf8), to: path)
        #expect(!FileManager.default.fileExists(atPath: dead), "a dead run's file stays")
        #expect(FileManager.default.fileExists(atPath: alive), "a running process's file was removed")
        #expect(FileManager.default.fileExists(atPath: other), "another file's leftover was removed")
    }
}
