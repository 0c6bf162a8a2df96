#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small file helpers on the C library: the Git layer does not load Foundation, so hooks start fast.
public enum FileSystem {
    /// The whole file, or a `GitError` naming the path and the reason.
    public static func read(_ path: String) throws(GitError) -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw GitError("cannot read \(path): \(lastErrno())") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count {
                if ferror(file) != 0 { throw GitError("cannot read \(path): \(lastErrno())") }
                break
            }
        }
        return bytes
    }

    /// Writes `bytes` to a new file beside `path`, then renames it over `path`: readers see the old
    /// file or the new one, never a half-written one.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(GitError) {
        let temporary = "\(path).aitrail-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try write(bytes, to: temporary)
        if rename(temporary, path) != 0 {
            let reason = lastErrno()
            unlink(temporary)
            throw GitError("cannot replace \(path): \(reason)")
        }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(GitError) {
        guard let file = fopen(path, "wb") else { throw GitError("cannot write \(path): \(lastErrno())") }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let flushed = fflush(file) == 0
        fclose(file)
        if written != bytes.count || !flushed { throw GitError("cannot write \(path): \(lastErrno())") }
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

func readFile(_ path: String) throws(GitError) -> [UInt8] { try FileSystem.read(path) }

func writeTemporaryFile(_ bytes: [UInt8]) throws(GitError) -> String {
    var template = Array("\(FileSystem.environment("TMPDIR") ?? "/tmp")/aitrail-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw GitError("cannot create a temporary file: \(FileSystem.lastErrno())") }
    let path = String(cString: template)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    guard written == bytes.count else {
        unlink(path)
        throw GitError("cannot write a temporary file: \(FileSystem.lastErrno())")
    }
    return path
}
