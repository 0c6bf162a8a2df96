#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// `read(2)`, named apart from `FileSystem.read`.
private func readDescriptor(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

/// Small file helpers on the C library: the Git layer does not load Foundation, so hooks start fast.
public enum FileSystem {
    /// The whole file mapped read-only (private), or nil when it cannot be opened or is empty.
    /// Give it back with `unmap`.
    static func mapReadOnly(_ path: String) -> UnsafeRawBufferPointer? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else { return nil }
        guard let pointer = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED else { return nil }
        return UnsafeRawBufferPointer(start: pointer, count: Int(info.st_size))
    }

    static func unmap(_ mapping: UnsafeRawBufferPointer) {
        munmap(UnsafeMutableRawPointer(mutating: mapping.baseAddress), mapping.count)
    }

    /// The whole file when it is a regular file of at most `limit` bytes; else an error that says
    /// what it is. Opened without blocking, so a FIFO (or a device such as /dev/zero) named by
    /// mistake or malice is refused at once instead of hanging or filling the memory.
    public static func readRegularFile(_ path: String, limit: Int) throws(GitError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw GitError("cannot read \(path): \(lastErrno())") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw GitError("cannot read \(path): \(lastErrno())") }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG else {
            let what = type == S_IFIFO ? "a FIFO (named pipe)" : type == S_IFDIR ? "a directory"
                : type == S_IFCHR || type == S_IFBLK ? "a device" : type == S_IFSOCK ? "a socket" : "not a regular file"
            throw GitError("\(path) is \(what), not a regular file")
        }
        guard Int(info.st_size) <= limit else {
            throw GitError("\(path) is \(Int(info.st_size) >> 20) MiB, more than the \(limit >> 20) MiB aitrail reads")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, $0.count - done, off_t(done)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                if count < 0 { throw GitError("cannot read \(path): \(lastErrno())") }
                break
            }
            done += count
        }
        // A file that shrank while read: what is there. One that grew past the limit: refused.
        bytes.removeLast(bytes.count - done)
        return bytes
    }

    /// The whole file, or a `GitError` naming the path and the reason.
    public static func read(_ path: String) throws(GitError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw GitError("cannot read \(path): \(lastErrno())") }
        defer { close(descriptor) }
        // A regular file is read at its size (the hooks read small files, many per run), one byte more
        // to see the end; anything else (a pipe, /proc), and a file that grew meanwhile, in 64 KiB steps.
        var info = stat()
        let regular = fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        var step = regular ? Int(info.st_size) + 1 : 65_536
        var bytes: [UInt8] = []
        while true {
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: step))
            let count = bytes.withUnsafeMutableBytes { readDescriptor(descriptor, $0.baseAddress! + start, step) }
            if count < 0 && errno == EINTR {
                bytes.removeLast(step)
                continue
            }
            guard count >= 0 else { throw GitError("cannot read \(path): \(lastErrno())") }
            bytes.removeLast(step - count)
            if count == 0 || (regular && count < step) { return bytes }
            step = 65_536
        }
    }

    /// Writes `bytes` to a new file beside `path`, then renames it over `path`: readers see the old
    /// file or the new one, never a half-written one.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(GitError) {
        try bytes.withUnsafeBytes { buffer in Result { () throws(GitError) in try writeAtomically(parts: [buffer], to: path) } }.get()
    }

    /// Writes the concatenation of `parts` like `writeAtomically(_:to:)`, without joining them first.
    ///
    /// The temporary file (`<path>.aitrail-<pid>-<n>`) never outlives the call: it is removed when
    /// the write fails (a full disk must not be left fuller, nor git's own commit then fail), when
    /// SIGINT, SIGTERM or SIGHUP arrives meanwhile, and, for a run killed outright (SIGKILL), by the
    /// next write to the same path, once its process is gone.
    public static func writeAtomically(parts: [UnsafeRawBufferPointer], to path: String) throws(GitError) {
        removeLeftovers(of: path)
        let temporary = "\(path).aitrail-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let slot = TemporaryFiles.register(temporary)
        defer { TemporaryFiles.unregister(slot) }
        do { try write(parts: parts, to: temporary) } catch {
            unlink(temporary)
            throw GitError("\(error.message) (nothing was changed: \(path) is as it was)")
        }
        if rename(temporary, path) != 0 {
            let reason = lastErrno()
            unlink(temporary)
            throw GitError("cannot replace \(path): \(reason)")
        }
    }

    /// Removes libgit2's temporary object files (`tmp_object_git2_*`, in `directory`) that a writer
    /// killed outright (SIGKILL, a crash) left: files of this user, untouched for a second, that no
    /// process of this user has open (read from `/proc`; a live writer holds its file open until the
    /// rename that follows at once). Elsewhere than Linux, nothing is removed (`git gc` does it).
    static func removeAbandonedObjectFiles(in directory: String) {
        let prefix = "tmp_object_git2_"
        let candidates = contents(ofDirectory: directory, withPrefix: prefix).map { directory + "/" + $0 }
        guard !candidates.isEmpty, isDirectory("/proc/self/fd") else { return }
        var abandoned: [String] = []
        for path in candidates {
            var info = stat()
            guard lstat(path, &info) == 0, info.st_uid == getuid(), Int(time(nil)) - Int(info.st_mtim.tv_sec) >= 1 else { continue }
            abandoned.append(path)
        }
        guard !abandoned.isEmpty else { return }
        var open = Set<String>()
        for process in contents(ofDirectory: "/proc") where Int32(process) != nil {
            for descriptor in contents(ofDirectory: "/proc/\(process)/fd") {
                var target = [CChar](repeating: 0, count: 4096)
                let count = readlink("/proc/\(process)/fd/\(descriptor)", &target, target.count - 1)
                if count > 0 { open.insert(String(decoding: target[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)) }
            }
        }
        for path in abandoned where !open.contains(path) && !open.contains(realPath(path) ?? path) { unlink(path) }
    }

    /// Removes `<path>.aitrail-<pid>-*` files whose process no longer exists: what a killed run left.
    static func removeLeftovers(of path: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let prefix = (slash.map { String(path[path.index(after: $0)...]) } ?? path) + ".aitrail-"
        for name in contents(ofDirectory: directory, withPrefix: prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { continue }
            if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH { unlink(directory + "/" + name) }
        }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(GitError) {
        try bytes.withUnsafeBytes { buffer in Result { () throws(GitError) in try write(parts: [buffer], to: path) } }.get()
    }

    static func write(parts: [UnsafeRawBufferPointer], to path: String) throws(GitError) {
        guard let file = fopen(path, "wb") else { throw GitError("cannot write \(path): \(lastErrno())") }
        var complete = true
        for part in parts where complete && part.count > 0 {
            complete = fwrite(part.baseAddress, 1, part.count, file) == part.count
        }
        let flushed = fflush(file) == 0
        fclose(file)
        if !complete || !flushed { throw GitError("cannot write \(path): \(lastErrno())") }
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates `path` and missing parents.
    public static func makeDirectories(_ path: String) throws(GitError) {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if !isDirectory(prefix), mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw GitError("cannot create \(prefix): \(lastErrno())")
            }
            prefix += "/"
        }
    }

    public static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    static func lastErrno() -> String { String(cString: strerror(errno)) }
}

/// A file's bytes mapped into private memory, followed by `spare` bytes of zeroed memory: room to
/// update and append in place. What is written there never reaches the file (copy on write).
///
/// Mapped, not read: a 6 MB audit cache maps in 0.2 ms and reads in 3. Like git with its index and
/// packs (and `PackReader` here), this counts on nobody truncating the file while it is in use; the
/// files it is used for are only ever replaced whole (written aside, then renamed over).
public final class LoadedFile: @unchecked Sendable {
    // The memory is only released in deinit; writes through `base` are the owner's business.
    public let base: UnsafeMutableRawPointer
    /// The file's size: its bytes are at `base..<base + size`.
    public let size: Int
    /// Bytes held, the file's and the spare ones.
    public let length: Int

    /// Nil when the file cannot be opened or mapped, or is empty.
    public init?(path: String, spare: Int) {
        // Without blocking, and regular files only: a FIFO put in a cache's place must not hang the run.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else { return nil }
        size = Int(info.st_size)
        let page = Int(getpagesize())
        let filePages = (size + page - 1) / page * page
        length = filePages + (spare + page - 1) / page * page
        let failed = UnsafeMutableRawPointer(bitPattern: -1)
        // Zeroed memory for the whole length, then the file over its start: the rest of the file's
        // last page reads as zeros, and the spare room after it is ordinary memory.
        guard let reserve = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), reserve != failed else { return nil }
        // Populated for reading (a writable private mapping would copy every page as it populates),
        // then made writable: a page written to is copied then, alone.
        guard let mapped = mmap(reserve, filePages, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, descriptor, 0),
              mapped == reserve, mprotect(reserve, filePages, PROT_READ | PROT_WRITE) == 0 else {
            munmap(reserve, length)
            return nil
        }
        base = reserve
    }

    deinit { munmap(base, length) }
}

func readFile(_ path: String) throws(GitError) -> [UInt8] { try FileSystem.read(path) }

func writeTemporaryFile(_ bytes: [UInt8]) throws(GitError) -> String {
    var template = Array("\(FileSystem.environment("TMPDIR") ?? "/tmp")/aitrail-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw GitError("cannot create a temporary file: \(FileSystem.lastErrno())") }
    let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    guard written == bytes.count else {
        unlink(path)
        throw GitError("cannot write a temporary file: \(FileSystem.lastErrno())")
    }
    return path
}

extension FileSystem {
    /// Removes a file; false when it could not be removed (or did not exist).
    @discardableResult
    public static func remove(_ path: String) -> Bool { unlink(path) == 0 }

    /// Replaces the file at `path`, which holds `old`, with `new`. When `new` only adds bytes at the
    /// end of `old` (a tag added to a `git commit -m` message), they are appended in one write, at
    /// `old`'s end, rather than the whole file written beside it and renamed: one write of a few bytes
    /// to a file completes or is not made, and a short one (a full disk) is cut back off, so the file
    /// holds `old` or `new`, as with the rename. Otherwise, or when the file is no longer `old`'s size,
    /// `writeAtomically`.
    public static func replace(_ path: String, holding old: [UInt8], with new: [UInt8]) throws(GitError) {
        guard new.count > old.count, new.count - old.count <= 4_096, new.starts(with: old) else {
            return try writeAtomically(new, to: path)
        }
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return try writeAtomically(new, to: path) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == old.count else {
            return try writeAtomically(new, to: path)
        }
        let added = new.count - old.count
        var written = -1
        while written < 0 {
            written = new.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + old.count, added, off_t(old.count)) }
            if written < 0 && errno != EINTR { break }
        }
        guard written == added else {
            let reason = lastErrno()
            ftruncate(descriptor, off_t(old.count))
            throw GitError("cannot write \(path): \(written < 0 ? reason : "disk full") (nothing was changed: \(path) is as it was)")
        }
    }

    /// Writes `bytes` over the file at `path` in place (made if missing), then cuts what was beyond
    /// them: no new inode, and for a small file rewritten often, no new blocks. Not atomic: for files
    /// whose readers take a partial one for none.
    public static func overwrite(_ bytes: [UInt8], at path: String) throws(GitError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw GitError("cannot write \(path): \(lastErrno())") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, $0.count - written, off_t(written)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw GitError("cannot write \(path): \(lastErrno())") }
            written += count
        }
        guard ftruncate(descriptor, off_t(bytes.count)) == 0 else { throw GitError("cannot write \(path): \(lastErrno())") }
    }

    /// Renames a file, replacing `destination` if it exists.
    public static func move(_ source: String, to destination: String) throws(GitError) {
        if rename(source, destination) != 0 { throw GitError("cannot rename \(source) to \(destination): \(lastErrno())") }
    }

    /// Sets a file's permission bits (`0o755`).
    public static func setMode(_ path: String, _ mode: UInt32) throws(GitError) {
        if chmod(path, mode_t(mode)) != 0 { throw GitError("cannot change the mode of \(path): \(lastErrno())") }
    }

    /// When `path` was last modified (seconds since the epoch), or nil when it does not exist.
    public static func modificationTime(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_mtim.tv_sec)
    }

    /// True when `path` is a file the current user may execute.
    public static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 && !isDirectory(path) }

    /// Names in a directory (without `.` and `..`); empty when it cannot be read.
    public static func contents(ofDirectory path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The names in `path` that start with `prefix` (not empty), found without making a string of
    /// any other name: the hooks look for leftovers among the 257 entries of `objects/` on every note write.
    public static func contents(ofDirectory path: String, withPrefix prefix: String) -> [String] {
        guard !prefix.isEmpty, let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        let length = prefix.utf8.count
        var names: [String] = []
        while let entry = readdir(directory) {
            withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { name in
                    if strncmp(name, prefix, length) == 0 { names.append(String(cString: name)) }
                }
            }
        }
        return names
    }

    /// The absolute, symlink-free form of `path`, or nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The current directory.
    public static func currentDirectory() -> String {
        guard let cwd = getcwd(nil, 0) else { return "." }
        defer { free(cwd) }
        return String(cString: cwd)
    }
}

extension FileSystem {
    /// True when `path` itself is a symbolic link (whether or not its target exists).
    public static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }
}

/// Temporary files being written, removed if the process is interrupted (SIGINT, SIGTERM, SIGHUP)
/// before they are renamed into place; and writes that must not be cut in half (a ref's lock held,
/// git objects half-written), during which those signals wait (`deferringSignals`). The handler
/// only calls `unlink`, atomics and `raise`: what a signal handler may do. A few slots suffice:
/// writes are not nested and rarely concurrent.
enum TemporaryFiles {
    private static let capacity = 16
    nonisolated(unsafe) private static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
        #if canImport(Glibc)
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                guard TemporaryFiles.deferring.load(ordering: .sequentiallyConsistent) > 0 else { return TemporaryFiles.terminate(signal) }
                // Left for the write in progress to act on when it ends; if it ended meanwhile
                // (another thread), whichever of the two takes the signal back acts on it.
                _ = TemporaryFiles.pending.compareExchange(expected: 0, desired: signal, ordering: .sequentiallyConsistent)
                if TemporaryFiles.deferring.load(ordering: .sequentiallyConsistent) == 0,
                   TemporaryFiles.pending.exchange(0, ordering: .sequentiallyConsistent) != 0 {
                    TemporaryFiles.terminate(signal)
                }
            }
            sigemptyset(&action.sa_mask)
            var previous = sigaction()
            sigaction(signal, &action, &previous)
            // A signal the process was started to ignore (`nohup`) stays ignored.
            if let handler = previous.__sigaction_handler.sa_handler,
               unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                sigaction(signal, &previous, nil)
            }
        }
        #endif
        return slots
    }()
    /// Writes in progress that signals wait for, and the first signal that came meanwhile.
    private static let deferring = Atomic<Int>(0)
    private static let pending = Atomic<Int32>(0)

    /// Removes the registered files and ends the process by `signal`, as it would have ended.
    private static func terminate(_ signal: Int32) {
        for index in 0..<TemporaryFiles.capacity {
            if let path = TemporaryFiles.slots[index] { unlink(path) }
        }
        #if canImport(Glibc)
        Glibc.signal(signal, SIG_DFL)
        #endif
        raise(signal)
    }

    /// Runs `body` with SIGINT, SIGTERM and SIGHUP held back until it ends: a writer stopped
    /// there would leave a ref's `.lock` (every later write then fails) or libgit2's temporary
    /// object files behind. `body` takes milliseconds; the signal then ends the process.
    static func deferringSignals<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        _ = slots  // the handlers installed
        deferring.add(1, ordering: .sequentiallyConsistent)
        defer {
            if deferring.subtract(1, ordering: .sequentiallyConsistent).newValue == 0 {
                let signal = pending.exchange(0, ordering: .sequentiallyConsistent)
                if signal != 0 { terminate(signal) }
            }
        }
        return try body()
    }
    private static let lock = Mutex(())

    /// Registers `path`; returns its slot (-1 when all are taken: then it is only removed on errors).
    static func register(_ path: String) -> Int {
        let copy = strdup(path)
        return lock.withLock { _ in
            for index in 0..<capacity where slots[index] == nil {
                slots[index] = copy
                return index
            }
            free(copy)
            return -1
        }
    }

    static func unregister(_ slot: Int) {
        guard slot >= 0 else { return }
        lock.withLock { _ in
            let path = slots[slot]
            slots[slot] = nil
            free(path)
        }
    }
}
