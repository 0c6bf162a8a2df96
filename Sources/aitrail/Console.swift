#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AITrailKit
import ArgumentParser
import Git

/// The CLI's one way out: reports and messages written straight to the file descriptor (no C stream
/// state shared with libgit2, nothing left buffered at exit), errors turned into exit codes (SPEC §11).
enum Console {
    /// Writes `text` to standard output.
    static func write(_ text: String) {
        write(Array(text.utf8), to: 1)
    }

    /// Writes `message` and a newline (unless it ends with one) to standard error, as it is.
    static func printError(_ message: String) {
        write(Array((message.hasSuffix("\n") ? message : message + "\n").utf8), to: 2)
    }

    /// Writes all of `bytes` to a file descriptor (a closed pipe ends the output quietly).
    static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { write($0, to: descriptor) }
    }

    static func write(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) {
        var offset = 0
        while offset < buffer.count {
            let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Ends the process with `status` (the hook fast path, which skips ArgumentParser).
    static func terminate(_ status: Int32) -> Never { exit(status) }

    /// Prints `<prefix>: <message>` on standard error and returns the exit code to throw (2: cannot decide).
    static func fail(_ message: String, code: Int32 = 2, prefix: String = "aitrail") -> ExitCode {
        printError("\(prefix): \(message)")
        return ExitCode(code)
    }

    /// Prints the error (its fix on a line of its own where it has one) and returns its exit code:
    /// an evaluated command's own failure keeps its shell's status, everything else cannot decide (2).
    static func fail(_ error: AITrailError, prefix: String = "aitrail") -> ExitCode {
        let code: Int32
        switch error {
        case .interrupted(_, let status): code = status
        case .commandNotStarted: code = 127
        default: code = 2
        }
        if case .cannotDecide = error { printError("\(prefix): cannot decide: \(error.message)") } else { printError("\(prefix): \(error.message)") }
        if let fix = error.fix { printError("\(prefix): fix: \(fix)") }
        return ExitCode(code)
    }

    /// The repository around the current directory (GIT_DIR, the current directory, as git finds it),
    /// or exit 2 with the fix. Commands that read history check the pack indexes first.
    static func repository(verifyingPacks: Bool = false, prefix: String = "aitrail") throws -> Repository {
        do {
            let repository = try Repository(discovering: nil)
            if verifyingPacks { try repository.verifyPackIndexes() }
            return repository
        } catch {
            throw fail(error.message, prefix: prefix)
        }
    }

    static func resolve(_ revision: String, in repository: Repository) throws -> ObjectID {
        do { return try repository.resolveCommit(revision) } catch {
            throw fail("\(error.message) (pass a commit, e.g. HEAD or a commit id)")
        }
    }

    /// The work tree's policy as the hooks read it (`PolicyLoader.loadForHooks`): what cannot be
    /// read is printed as a warning, and its section takes the defaults.
    static func hookPolicy(_ repository: Repository) -> Policy {
        let policy = PolicyLoader.loadForHooks(workTreeOf: repository)
        for warning in policy.warnings { printError("aitrail: warning: \(warning)") }
        return policy
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
