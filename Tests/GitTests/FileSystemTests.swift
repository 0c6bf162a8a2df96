import Foundation
@testable import Git
import Testing
import TestSupport

/// `FileSystem.read` reads regular files at their size and anything else to its end;
/// `FileSystem.overwrite` rewrites a file in place.
@Suite struct FileSystemTests {
    @Test(arguments: [0, 1, 100, 65_535, 65_536, 65_537, 200_000])
    func readsAFileOfAnySizeWhole(size: Int) throws {
        let path = try makeTemporaryDirectory() + "/file"
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try FileSystem.read(path) == bytes)
    }

    @Test func readsWhatIsNoRegularFileToItsEnd() throws {
        // /proc reports a size of 0 for files with content.
        let status = try FileSystem.read("/proc/self/status")
        #expect(String(decoding: status, as: UTF8.self).contains("\nPid:"))
        // A pipe: a shell writes 100,000 bytes into a FIFO that is read here.
        let fifo = try makeTemporaryDirectory() + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "head -c 100000 /dev/zero | tr '\\0' x > '\(fifo)'"]
        try writer.run()
        let read = try FileSystem.read(fifo)
        writer.waitUntilExit()
        #expect(read.count == 100_000 && read.allSatisfy { $0 == 0x78 })
    }

    @Test func failuresNameThePath() throws {
        let directory = try makeTemporaryDirectory()
        #expect { try FileSystem.read(directory + "/missing") } throws: { ($0 as? GitError)?.message.contains(directory + "/missing") == true }
        #expect { try FileSystem.read(directory) } throws: { ($0 as? GitError)?.message.contains("cannot read \(directory)") == true }
    }

    /// What only adds at the end is appended to the same file; anything else replaces it whole.
    @Test func replaceAppendsWhatOnlyAddsAtTheEnd() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/COMMIT_EDITMSG"
        func inode() -> UInt {
            var info = stat()
            return stat(path, &info) == 0 ? UInt(info.st_ino) : 0
        }
        let message = Array("work\n".utf8), tagged = Array("work\n\nAssisted-by: claude-code\n".utf8)
        try FileSystem.write(message, to: path)
        let first = inode()
        try FileSystem.replace(path, holding: message, with: tagged)
        #expect(try FileSystem.read(path) == tagged)
        #expect(inode() == first)
        // An insertion before the end (comment lines follow), a shorter text, or a file that is no
        // longer what was read: written whole, beside it, then renamed.
        let commented = Array("work\n\nAssisted-by: claude-code\n# Please enter the commit message\n".utf8)
        let edited = Array("work\n\nAssisted-by: claude-code\n\nAssisted-by: x\n# Please enter the commit message\n".utf8)
        try FileSystem.write(commented, to: path)
        try FileSystem.replace(path, holding: commented, with: edited)
        #expect(try FileSystem.read(path) == edited)
        try FileSystem.replace(path, holding: edited, with: message)
        #expect(try FileSystem.read(path) == message)
        try FileSystem.replace(path, holding: Array("wor".utf8), with: Array("work\nmore\n".utf8))
        #expect(try FileSystem.read(path) == Array("work\nmore\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["COMMIT_EDITMSG"])
    }

    @Test func overwriteReplacesTheContentInPlace() throws {
        let path = try makeTemporaryDirectory() + "/handed-off"
        try FileSystem.overwrite(Array("a longer first text\n".utf8), at: path)
        var before = stat()
        #expect(stat(path, &before) == 0)
        try FileSystem.overwrite(Array("short\n".utf8), at: path)
        #expect(try FileSystem.read(path) == Array("short\n".utf8))
        try FileSystem.overwrite([], at: path)
        #expect(try FileSystem.read(path) == [])
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_ino == before.st_ino)
    }
}
