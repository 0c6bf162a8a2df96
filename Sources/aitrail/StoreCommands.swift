#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser

/// `aitrail publish` and `aitrail report` run the sibling executable `aitrail-store`, which links the
/// database clients (libsqlite3, libpq): `aitrail`, and so every hook, never loads them.
enum StoreExecutable {
    static let name = "aitrail-store"

    /// Next to the running binary (a release package or a build folder), then on PATH.
    static func locate() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 {
            let own = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let slash = own.lastIndex(of: "/") {
                let sibling = String(own[..<slash]) + "/" + name
                if access(sibling, X_OK) == 0 { return sibling }
            }
        }
        for folder in (getenv("PATH").map { String(cString: $0) } ?? "").split(separator: ":") where !folder.isEmpty {
            let candidate = folder + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Replaces this process with `aitrail-store <command> <arguments>`; returns only on failure.
    static func exec(_ command: String, _ arguments: [String]) -> ExitCode {
        guard let path = locate() else {
            Console.printError("aitrail \(command): the database client '\(name)' is neither next to this aitrail nor on PATH; "
                + "install the release package (it ships \(name) beside aitrail) or build it: swift build -c release --product \(name)")
            return ExitCode(2)
        }
        let argv = [path, command] + arguments
        var pointers: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        pointers.append(nil)
        execv(path, pointers)
        let reason = String(cString: strerror(errno))
        Console.printError("aitrail \(command): cannot run \(path): \(reason); reinstall aitrail")
        return ExitCode(2)
    }
}

struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Store this repository's audit records in an organisation database (runs aitrail-store; see docs/store.md).",
        helpNames: [])

    @Argument(parsing: .captureForPassthrough)
    var arguments: [String] = []

    func run() throws { throw StoreExecutable.exec("publish", arguments) }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report AI adoption over every repository in the database (runs aitrail-store; see docs/store.md).",
        helpNames: [])

    @Argument(parsing: .captureForPassthrough)
    var arguments: [String] = []

    func run() throws { throw StoreExecutable.exec("report", arguments) }
}
