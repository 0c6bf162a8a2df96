import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs other programs (the user's test command, git for network operations) with posix_spawn,
/// so the kit does not need Foundation's Process.
public enum Subprocess {
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: [UInt8]
        public let stderr: [UInt8]
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    public struct LaunchError: Error, Sendable, CustomStringConvertible {
        public let command: String
        public let reason: String
        /// The errno of the failed launch.
        public var code: Int32 = 0
        public var description: String { "cannot run \(command): \(reason)" }
    }

    /// How a command ended.
    public struct Termination: Sendable, Hashable {
        /// The exit status, 128 + signal when killed by a signal (as shells report it).
        public let status: Int32
        /// The signal that killed it, if one did.
        public let signal: Int32?
    }

    /// Runs `arguments` as a shell would: output passes through, a script without a `#!` line runs
    /// with /bin/sh, and while it runs this process ignores SIGINT and SIGQUIT (as `system()` does),
    /// so Ctrl-C stops the command and the caller learns it was interrupted.
    public static func runInteractively(
        _ arguments: [String], environment: [String: String]? = nil, workingDirectory: String? = nil
    ) throws(LaunchError) -> Termination {
        // posix_spawn_file_actions_addchdir_np is not imported: the child inherits our directory,
        // changed for the spawn only (the CLI runs this on its one thread).
        let previousDirectory = workingDirectory.map { _ in FileSystem.currentDirectory() }
        if let workingDirectory, chdir(workingDirectory) != 0 {
            throw LaunchError(command: arguments.first ?? "", reason: "cannot enter \(workingDirectory): \(String(cString: strerror(errno)))")
        }
        defer { if let previousDirectory { _ = chdir(previousDirectory) } }
        let previousInt = signal(SIGINT, SIG_IGN), previousQuit = signal(SIGQUIT, SIG_IGN)
        defer {
            _ = signal(SIGINT, previousInt)
            _ = signal(SIGQUIT, previousQuit)
        }
        let pid: pid_t
        do { pid = try spawn(arguments, environment: environment, actions: nil) } catch where error.code == ENOEXEC {
            // glibc's posix_spawnp no longer falls back to the shell as execvp does.
            guard let path = resolve(arguments[0], environment: environment) else { throw error }
            pid = try spawn(["/bin/sh", path] + arguments.dropFirst(), environment: environment, actions: nil)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let killer = status & 0x7f
        return killer == 0 ? Termination(status: (status >> 8) & 0xff, signal: nil) : Termination(status: 128 + killer, signal: killer)
    }

    /// The file `command` names: itself when it has a `/`, else the first executable on PATH.
    private static func resolve(_ command: String, environment: [String: String]?) -> String? {
        if command.contains("/") { return command }
        let path = environment?["PATH"] ?? FileSystem.environment("PATH") ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (folder.isEmpty ? "." : String(folder)) + "/" + command
            if FileSystem.isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// Runs `arguments` and captures stdout and stderr; stdin is the file `input`, else /dev/null.
    public static func capture(_ arguments: [String], environment: [String: String]? = nil, input: String? = nil) throws(LaunchError) -> Output {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw LaunchError(command: arguments.first ?? "", reason: String(cString: strerror(errno)))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        let pid: pid_t
        do { pid = try spawn(arguments, environment: environment, actions: &actions) } catch {
            for fd in outPipe + errPipe { close(fd) }
            throw error
        }
        close(outPipe[1])
        close(errPipe[1])
        let (stdout, stderr) = readBoth(outPipe[0], errPipe[0])
        close(outPipe[0])
        close(errPipe[0])
        return Output(status: wait(pid), stdout: stdout, stderr: stderr)
    }

    private static func spawn(_ arguments: [String], environment: [String: String]?, actions: UnsafePointer<posix_spawn_file_actions_t>?) throws(LaunchError) -> pid_t {
        guard let program = arguments.first else { throw LaunchError(command: "", reason: "no command given") }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { env?.forEach { free($0) } }
        // The child starts with default signal handling and nothing blocked, whatever this process set.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = env.map { env in posix_spawnp(&pid, program, actions, &attributes, argv, env) }
            ?? posix_spawnp(&pid, program, actions, &attributes, argv, environ)
        guard result == 0 else { throw LaunchError(command: program, reason: String(cString: strerror(result)), code: result) }
        return pid
    }

    private static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Drains two pipes without letting either fill up and block the child.
    private static func readBoth(_ first: Int32, _ second: Int32) -> ([UInt8], [UInt8]) {
        var outputs: [[UInt8]] = [[], []]
        var fds = [pollfd(fd: first, events: Int16(POLLIN), revents: 0), pollfd(fd: second, events: Int16(POLLIN), revents: 0)]
        var open = 2
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while open > 0 {
            if poll(&fds, 2, -1) < 0 { if errno == EINTR { continue } else { break } }
            for index in 0..<2 where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = read(fds[index].fd, &buffer, buffer.count)
                if count > 0 {
                    outputs[index].append(contentsOf: buffer[0..<count])
                } else if count == 0 || errno != EINTR {
                    fds[index].fd = -1
                    open -= 1
                }
            }
        }
        return (outputs[0], outputs[1])
    }

    /// The process's environment as a dictionary. Every hook run starts here: the entries are split as
    /// bytes into a table sized once (a tenth of the instructions of splitting strings into a growing one).
    public static var currentEnvironment: [String: String] {
        var count = 0
        while environ[count] != nil { count += 1 }
        var result = [String: String](minimumCapacity: count)
        for index in 0..<count {
            guard let entry = environ[index] else { continue }
            let bytes = UnsafeRawBufferPointer(start: entry, count: strlen(entry))
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { continue }
            result[String(decoding: bytes[..<equals], as: UTF8.self)] = String(decoding: bytes[(equals + 1)...], as: UTF8.self)
        }
        return result
    }
}
