import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `aitrail eval run`: runs the user's command on the work tree as it is and records the outcome,
/// bound to the tree the command ran on.
public struct EvalRun {
    public struct Outcome: Sendable {
        /// The command's exit status (128 + signal when killed).
        public let status: Int32
        public let record: EvidenceRecord
        public let placement: EvidencePlacement
        /// A problem with the JUnit report; the run was then recorded as command evidence.
        public let reportProblem: String?

        /// What was recorded and where it went, in one line.
        public var summary: String {
            let what = "\(record.kind.rawValue) evidence (\(record.passed ? "passed" : "failed")) for tree \(record.tree.prefix(7))"
            switch placement {
            case .attached(let commit): return "recorded \(what) on \(commit.short); share it with `aitrail sync`"
            case .pending: return "recorded \(what); the work tree differs from HEAD, so it waits for the commit of this tree"
            }
        }
    }

    public var command: [String]
    public var name: String?
    public var junitPath: String?
    public var environment: [String: String]

    public init(command: [String], name: String? = nil, junitPath: String? = nil, environment: [String: String]) {
        self.command = command
        self.name = name
        self.junitPath = junitPath
        self.environment = environment
    }

    public func run(in repository: Repository) throws(AITrailError) -> Outcome {
        let (record, status, problem) = try evaluate(in: repository)
        let signed = try EvidenceSigning.signIfConfigured(record, in: repository, environment: environment)
        return Outcome(status: status, record: signed, placement: try EvidenceStore.store(signed, in: repository), reportProblem: problem)
    }

    /// Runs the command and makes the record, without storing it: on the work tree, or on `tree`
    /// checked out in `workingDirectory`. An interrupted command throws `.interrupted` with its status.
    func evaluate(
        in repository: Repository, tree given: ObjectID? = nil, workingDirectory: String? = nil
    ) throws(AITrailError) -> (record: EvidenceRecord, status: Int32, problem: String?) {
        guard !command.isEmpty else { throw AITrailError.evidence("no command to run (usage: aitrail eval run -- <your test command>)") }
        // The tree is taken before the command runs: that is the code it evaluated, whatever it writes.
        let tree: ObjectID
        if let given { tree = given } else {
            do { tree = try repository.workingTreeID() } catch {
            throw AITrailError.evidence("cannot compute the work tree's state: \(error.message)")
        }
        }
        let started = monotonicMilliseconds()
        let startedAt = Timestamp.now()
        let termination: Subprocess.Termination
        do { termination = try Subprocess.runInteractively(command, environment: environment, workingDirectory: workingDirectory) } catch {
            throw AITrailError.commandNotStarted("\(error.description) (check the command after `--`)")
        }
        let status = termination.status
        if let signal = termination.signal, [SIGINT, SIGTERM, SIGHUP, SIGQUIT].contains(signal) {
            throw AITrailError.interrupted("the command was interrupted (signal \(signal)); nothing was recorded", status: status)
        }
        let duration = Int(monotonicMilliseconds() - started)

        var record = EvidenceRecord(
            kind: .command, tree: tree.hex, passed: status == 0, at: Timestamp.format(Timestamp.now()), name: name,
            command: command, exit: Int(status), durationMs: duration, by: EvidenceStore.identity(of: repository),
            ci: EvidenceStore.ciReference(environment))
        var problem: String?
        if let junitPath {
            do throws(AITrailError) {
                let bytes: [UInt8]
                guard FileSystem.exists(junitPath) else { throw AITrailError.evidence("the JUnit report \(junitPath) was not written") }
                bytes = try ReportImporter.readFile(junitPath)
                // A report from an earlier run says nothing about this one (clock granularity allowed).
                if let written = FileSystem.modificationTime(junitPath), written < startedAt - 1 {
                    throw AITrailError.evidence("the JUnit report \(junitPath) was written at \(Timestamp.format(written)), before this run started (\(Timestamp.format(startedAt))): the command did not write it; point --junit at the file the command writes")
                }
                let result = try ReportImporter.junit(bytes, file: junitPath)
                record.kind = .junit
                record.summary = result.summary
                record.passed = status == 0 && result.passed
                record.digest = "sha256:" + SHA256.hex(bytes)
                if record.name == nil { record.name = result.name }
            } catch {
                problem = "\(error.message); recorded as command evidence"
            }
        }
        return (record, status, problem)
    }

    private func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
