import AITrailKit
import ArgumentParser
import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shared plumbing of the eval, review and check commands: opening the repository, messages, exit codes.
enum EvidenceCLI {
    /// The repository the command runs in, as git finds it (GIT_DIR, the current directory).
    static func openRepository() throws -> Repository {
        do {
            let repository = try Repository(discovering: nil)
            try repository.verifyPackIndexes()
            return repository
        } catch {
            throw fail(error.message, code: 2)
        }
    }

    static func resolve(_ revision: String, in repository: Repository) throws -> ObjectID {
        do { return try repository.resolveCommit(revision) } catch {
            throw fail("\(error.message) (pass a commit, e.g. HEAD or a commit id)", code: 2)
        }
    }

    static func printError(_ text: String) {
        writeAll("aitrail: \(text)\n", to: 2)
    }

    /// Prints `message` and returns the exit code to throw.
    static func fail(_ message: String, code: Int32) -> ExitCode {
        printError(message)
        return ExitCode(code)
    }

    static func write(_ text: String) {
        writeAll(text, to: 1)
    }

    /// Writes to a file descriptor directly: no shared C stream state, nothing left buffered at exit.
    private static func writeAll(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            if written < 0 { if errno == EINTR { continue } else { return } }
            bytes = bytes.dropFirst(written)
        }
    }

    static func describe(_ record: EvidenceRecord) -> String {
        var parts = [record.passed ? "passed" : "failed", record.kind.rawValue]
        if let name = record.name { parts.append("'\(name)'") }
        if let command = record.command { parts.append("`\(command.joined(separator: " "))`") }
        if let summary = record.summary {
            parts.append("\(summary.tests) tests, \(summary.failures) failures, \(summary.errors) errors, \(summary.skipped) skipped")
        }
        if let exit = record.exit { parts.append("exit \(exit)") }
        if let ms = record.durationMs { parts.append("\(ms / 1000).\((ms % 1000) / 100)s") }
        if let by = record.by { parts.append("by \(by)") }
        if let note = record.note { parts.append("note: \(note)") }
        if let carried = record.carried { parts.append("carried from \(carried.from.prefix(7))") }
        parts.append(record.at)
        return parts.joined(separator: "  ")
    }
}

extension CheckFormat: ExpressibleByArgument {}
extension EvidenceKind: ExpressibleByArgument {}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
