import Foundation
import Testing
import TestSupport

/// The binary stopped by SIGTERM or SIGKILL at seeded random moments while it writes notes (a sync
/// merging 1,500 diverging notes: 1,500 blobs, their trees, a commit, the ref) and the audit cache;
/// many signals are sent the moment a temporary file of the write is created (inotify), to land inside
/// it. After SIGTERM nothing is left behind; after SIGKILL the next run cleans up (or names the lock
/// and the fix); notes are readable and every record written before is there; the cache gives
/// exactly what a run without it gives.
@Suite(.serialized) struct SignalDuringWriteTests {
    /// Files a write leaves when stopped half-way: ref locks, libgit2's temporary objects, ours.
    static func leftovers(in gitDirectory: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: gitDirectory)
        var found: [String] = []
        while let path = enumerator?.nextObject() as? String {
            let name = (path as NSString).lastPathComponent
            if name.hasSuffix(".lock") || name.hasPrefix("tmp_object_git2_") || name.contains(".aitrail-") { found.append(path) }
        }
        return found.sorted()
    }

    /// Starts the binary; output discarded.
    static func launch(_ arguments: [String], in directory: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: aitrailBinary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        for key in agentEnvironment { environment.removeValue(forKey: key) }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Sends `signal` after `delay` seconds, or as soon as a file whose name contains `marker` is
    /// created in `watched` (when given, within `delay`: inotify wakes this thread at once, so the
    /// signal lands inside a write of a millisecond); waits for the end. True when it ended by the signal.
    static func interrupt(_ process: Process, with signal: Int32, after delay: Double, watching watched: String?, marker: String) -> Bool {
        let deadline = Date(timeIntervalSinceNow: delay)
        if let watched {
            waitForCreation(in: watched, of: marker, until: deadline, while: process)
        } else {
            Thread.sleep(until: deadline)
        }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }

    static func waitForCreation(in directory: String, of marker: String, until deadline: Date, while process: Process) {
        let events = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard events >= 0 else { return }
        defer { close(events) }
        guard inotify_add_watch(events, directory, UInt32(IN_CREATE)) >= 0 else { return }
        let wanted = Array(marker.utf8)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while Date() < deadline && process.isRunning {
            var descriptor = pollfd(fd: events, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 20) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(events, $0.baseAddress, $0.count) }
            var offset = 0
            while count > 0 && offset + 16 <= count {
                // struct inotify_event: wd, mask, cookie, len (4 bytes each), then the name.
                let length = Int(buffer[offset + 12]) | Int(buffer[offset + 13]) << 8 | Int(buffer[offset + 14]) << 16 | Int(buffer[offset + 15]) << 24
                let name = Array(buffer[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 })
                if name.count >= wanted.count && (0...(name.count - wanted.count)).contains(where: { start in
                    name[start..<(start + wanted.count)].elementsEqual(wanted)
                }) { return }
                offset += 16 + length
            }
        }
    }

    /// Waits (up to 3 s) for the git processes the binary started (fetch, push) to end and drop
    /// their own locks; what is left then is what the stopped process left.
    static func settledLeftovers(in gitDirectory: String) -> [String] {
        let deadline = Date(timeIntervalSinceNow: 3)
        while !leftovers(in: gitDirectory).isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return leftovers(in: gitDirectory)
    }

    /// Every note's text under refs/notes/aitrail, read by git (a missing or unreadable blob fails).
    static func notes(_ repo: TestRepository) throws -> [String] {
        let blobs = try repo.git(["notes", "--ref", "aitrail", "list"]).split(separator: "\n").map { String($0.split(separator: " ")[0]) }
        let contents = try repo.git(["cat-file", "--batch"], input: Array(blobs.map { $0 + "\n" }.joined().utf8))
        #expect(!contents.contains(" missing\n"))
        // `<id> blob <size>\n<text>\n` per note; each text is one or more JSON lines.
        return contents.components(separatedBy: " blob ").dropFirst().map { String($0) }
    }

    @Test func notesSurviveSignalsDuringASync() throws {
        let count = 1500
        let repo = try TestRepository()
        let remote = try TestRepository(bare: true)
        var stream = "blob\nmark :1\ndata 2\nx\n"
        for index in 0..<count {
            stream += "commit refs/heads/main\nmark :\(index + 2)\ncommitter b <b@example.com> \(1_700_000_000 + index) +0000\ndata 3\nc\(index % 10)\n"
            if index == 0 { stream += "M 100644 :1 f\n" }
        }
        let local = #"{"agent":"claude-code","at":"2026-01-01T00:00:00Z","side":"local","type":"usage","v":1}"# + "\n"
        stream += "commit refs/notes/aitrail\ncommitter b <b@example.com> 1700000000 +0000\ndata 6\nnotes\n"
        for index in 0..<count { stream += "N inline :\(index + 2)\ndata \(local.utf8.count)\n\(local)" }
        try repo.git(["fast-import", "--quiet"], input: Array(stream.utf8))
        try repo.git(["checkout", "-q", "main"])
        try repo.git(["remote", "add", "origin", remote.path])
        try repo.git(["push", "-q", "origin", "main"])
        let localTip = try repo.revParse("refs/notes/aitrail")
        let commits = try repo.git(["rev-list", "main"]).split(separator: "\n").map(String.init)

        /// The remote's notes for trial `k`: a different record on every commit, so all merge anew.
        func prepare(_ trial: Int) throws -> String {
            let line = #"{"agent":"codex","at":"2026-01-01T00:00:00Z","side":"remote","trial":\#(trial),"type":"usage","v":1}"# + "\n"
            var notes = "commit refs/notes/theirs\ncommitter b <b@example.com> 1700000000 +0000\ndata 6\nnotes\n"
            for commit in commits { notes += "N inline \(commit)\ndata \(line.utf8.count)\n\(line)" }
            try repo.git(["fast-import", "--quiet", "--force"], input: Array(notes.utf8))
            try repo.git(["push", "-q", "-f", "origin", "refs/notes/theirs:refs/notes/aitrail"])
            try repo.git(["update-ref", "refs/notes/aitrail", localTip])
            _ = try repo.gitResult(["update-ref", "-d", "refs/notes/remotes/origin/aitrail"])
            return #""trial":\#(trial)"#
        }

        // How long a whole sync takes here, to place the signals inside it.
        _ = try prepare(0)
        let started = Date()
        let whole = try runProcess(aitrailBinary, ["sync", "origin"], in: repo.path, removing: agentEnvironment)
        #expect(whole.status == 0, "\(whole.stderr)")
        let duration = Date().timeIntervalSince(started)

        var random = SeededGenerator(seed: 15)
        var stoppedInside = 0
        for trial in 1...10 {
            let marker = try prepare(trial)
            let signal = trial % 2 == 0 ? SIGKILL : SIGTERM
            let watchTemporaryObjects = Bool.random(using: &random)
            let delay = watchTemporaryObjects ? duration * 2 : Double.random(in: 0...duration, using: &random)
            let process = try Self.launch(["sync", "origin"], in: repo.path)
            let stopped = Self.interrupt(process, with: signal, after: delay, watching: watchTemporaryObjects ? repo.path + "/.git/objects" : nil,
                                         marker: "tmp_object_git2_")
            let what = "trial \(trial): signal \(signal) after \(watchTemporaryObjects ? "a temporary object appeared" : "\(delay) s")"
            if stopped && watchTemporaryObjects { stoppedInside += 1 }
            if signal == SIGTERM {
                #expect(Self.settledLeftovers(in: repo.path + "/.git") == [], "\(what): left behind")
            }
            // Readable now, whatever the signal: the ref is the old notes commit or the whole merge.
            let now = try Self.notes(repo)
            #expect(now.count == count, "\(what)")
            #expect(now.allSatisfy { $0.contains(#""side":"local""#) }, "\(what): a local record was lost")

            // The next run: a lock a killed writer left is named with its fix; then all is merged and clean.
            Thread.sleep(forTimeInterval: 1.1)
            var next = try runProcess(aitrailBinary, ["sync", "origin"], in: repo.path, removing: agentEnvironment)
            let lock = repo.path + "/.git/refs/notes/aitrail.lock"
            if next.status != 0 && FileManager.default.fileExists(atPath: lock) {
                #expect(signal == SIGKILL, "\(what): a lock after SIGTERM")
                #expect(next.status == 2 && next.stderr.contains(lock) && next.stderr.contains("rm "), "\(what): \(next.stderr)")
                try FileManager.default.removeItem(atPath: lock)
                next = try runProcess(aitrailBinary, ["sync", "origin"], in: repo.path, removing: agentEnvironment)
            }
            #expect(next.status == 0, "\(what): the next sync: \(next.stderr)")
            #expect(Self.settledLeftovers(in: repo.path + "/.git") == [], "\(what): left after the next run")
            let after = try Self.notes(repo)
            #expect(after.count == count && after.allSatisfy { $0.contains(#""side":"local""#) && $0.contains(marker) }, "\(what)")
        }
        // The seed puts signals inside the writes; a change of timing that stopped none there would prove nothing.
        #expect(stoppedInside > 0)
    }

    @Test func theAuditCacheSurvivesSignalsDuringItsWrite() throws {
        // 30,000 commits: a 2 MB cache, whose write lasts long enough to be caught in.
        let repo = try TestRepository()
        var stream = "blob\nmark :1\ndata 2\nx\n"
        for index in 0..<30_000 {
            let message = index % 3 == 0 ? "c\(index)\n\nAssisted-by: claude-code\n" : "c\(index)\n"
            stream += "commit refs/heads/main\nauthor A\(index % 50) <a\(index % 50)@example.com> \(1_700_000_000 + index * 60) +0000\n"
                + "committer C <c@example.com> \(1_700_000_000 + index * 60) +0000\ndata \(message.utf8.count)\n\(message)"
            if index == 0 { stream += "M 100644 :1 f\n" }
        }
        try repo.git(["fast-import", "--quiet"], input: Array(stream.utf8))
        let cacheFolder = repo.path + "/.git/aitrail/cache"
        var expected = try audit(repo, ["--format", "jsonl", "--no-cache"]).stdout
        let started = Date()
        #expect(try audit(repo, ["--format", "jsonl"]).stdout == expected)
        let duration = Date().timeIntervalSince(started)

        var random = SeededGenerator(seed: 16)
        for trial in 1...6 {
            // A cold cache (written whole), or the one from the run before with a new commit to add
            // (read, then written again); a cache with nothing new is not written.
            if trial != 4 { try? FileManager.default.removeItem(atPath: cacheFolder + "/audit") }
            if trial == 4 {
                try repo.commit("trial \(trial)")
                expected = try audit(repo, ["--format", "jsonl", "--no-cache"]).stdout
            }
            let signal = trial % 2 == 0 ? SIGKILL : SIGTERM
            let watchTemporaryFile = trial <= 4 || Bool.random(using: &random)
            let delay = watchTemporaryFile ? duration * 3 : Double.random(in: 0...duration, using: &random)
            let process = try Self.launch(["audit", "--format", "jsonl", "--jobs", String(1 + trial % 2)], in: repo.path)
            // The write lasts about a millisecond: here about one signal in six lands inside it.
            _ = Self.interrupt(process, with: signal, after: delay, watching: watchTemporaryFile ? cacheFolder : nil, marker: ".aitrail-")
            let what = "trial \(trial): signal \(signal) after \(watchTemporaryFile ? "the cache's temporary file appeared" : "\(delay) s")"
            if signal == SIGTERM { #expect(Self.leftovers(in: cacheFolder) == [], "\(what): left behind") }
            // The next run cleans up and gives what a run without the cache gives.
            let next = try audit(repo, ["--format", "jsonl"])
            #expect(next.status == 0 && next.stdout == expected, "\(what): the next run: \(next.stderr)")
            #expect(Self.leftovers(in: cacheFolder) == [], "\(what): left after the next run")
        }
        // The cache the last run wrote is read back right.
        #expect(try audit(repo, ["--format", "jsonl"]).stdout == expected)
    }
}
