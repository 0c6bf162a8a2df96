import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `aitrail check`: resolves the range, reads the target's policy and every commit's facts (with
/// when each evidence record reached the notes, and whether its signature verifies), applies the
/// rules and returns the report. Reading only, except fetching absent notes and `--eval`'s record.
public struct Gate {
    public let repository: Repository
    public let environment: [String: String]
    public var now: Int64
    /// Fetch `refs/notes/aitrail` from `remote` when the ref is absent.
    public var fetchNotes: Bool
    public var remote: String
    /// Accept a range without commits (otherwise it is exit 2: a gate that checked nothing).
    public var allowEmpty: Bool
    /// `--eval -- CMD`: run CMD on the head tree when it lacks acceptable evidence, and count it.
    public var evalCommand: [String]?
    public var evalName: String?

    public init(repository: Repository, environment: [String: String], now: Int64 = Timestamp.now(),
                fetchNotes: Bool = true, remote: String = "origin", allowEmpty: Bool = false,
                evalCommand: [String]? = nil, evalName: String? = nil) {
        self.repository = repository
        self.environment = environment
        self.now = now
        self.fetchNotes = fetchNotes
        self.remote = remote
        self.allowEmpty = allowEmpty
        self.evalCommand = evalCommand
        self.evalName = evalName
    }

    public func run(range argument: String?) throws(AITrailError) -> CheckReport {
        let range = try RangeResolver.resolve(argument: argument, environment: environment, in: repository, remote: remote)
        var notices: [String] = []
        if fetchNotes, let notice = fetchNotesIfAbsent() { notices.append(notice) }

        // The target branch's tip decides, which the change cannot edit, and which an old branch
        // cannot escape by having forked before the policy tightened.
        let policyCommit = range.base
        let policy: Policy
        do { policy = try PolicyLoader.load(commit: policyCommit, in: repository) } catch {
            throw AITrailError.cannotDecide("the policy at the target's tip \(policyCommit.short) cannot be used: \(error.message)",
                             fix: "fix .aitrail on the target branch; the gate reads the target's policy, never the change's")
        }
        notices += policy.warnings.map { "policy: \($0)" }
        let basePolicy = try? repository.fileContents(PolicyLoader.fileName, in: policyCommit)
        let headPolicy = try? repository.fileContents(PolicyLoader.fileName, in: range.head)
        if basePolicy != headPolicy {
            notices.append("this range changes .aitrail; it was judged by the target's policy (\(policy.origin ?? "defaults")), and the change applies once merged")
        }
        if range.mergeBase != policyCommit, (try? repository.fileContents(PolicyLoader.fileName, in: range.mergeBase)) != basePolicy {
            notices.append("the merge base \(range.mergeBase.short) has another .aitrail than the target's tip \(policyCommit.short); the tip's policy (\(policy.origin ?? "defaults")) applies")
        }
        let signers = try allowedSigners(policy: policy, at: policyCommit)
        defer { if let signers { EvidenceSigning.removeFolder(String(signers.dropLast("/allowed_signers".count))) } }

        var facts: [CommitFacts]
        do { facts = try gather(range: range, policy: policy, notices: &notices) } catch {
            throw AITrailError.cannotDecide("cannot read the commits of \(range.spelled): \(error.message)", fix: RangeResolver.historyFix)
        }
        if facts.isEmpty && !allowEmpty {
            throw AITrailError.cannotDecide("\(range.spelled) (\(range.source)) has no commits: \(range.head.short) is already in \(range.base.short), so there is nothing to check and no pass to give",
                             fix: "check the change against its target branch, e.g. `aitrail check origin/main..HEAD` (in CI: fetch-depth 0 and the pull request's base); pass --allow-empty to accept an empty range")
        }
        try stamp(&facts, range: range, policy: policy, signers: signers)
        var outcome = CheckRules(policy: policy, now: now).evaluate(facts)
        if let evalCommand, let head = facts.last, let standing = outcome.standings[head.id], Self.evalRuns(on: standing) {
            let record = try evaluateHead(head, command: evalCommand, notices: &notices)
            facts[facts.count - 1].evidence.append(record)
            outcome = CheckRules(policy: policy, now: now).evaluate(facts)
        }
        outcome.findings = locate(outcome.findings)
        let commits = facts.map { fact in
            CheckReport.CommitResult(
                commit: fact.id, subject: fact.subject, author: "\(fact.author.name) <\(fact.author.email)>",
                ai: fact.classification.isAI, agents: fact.classification.agents,
                evidence: outcome.standings[fact.id], skipped: outcome.skipped[fact.id])
        }
        return CheckReport(
            aitrail: AITrailVersion.number,
            range: .init(spelled: range.spelled, source: range.source, base: range.base.hex, head: range.head.hex,
                         mergeBase: range.mergeBase.hex),
            policy: policy.origin ?? "defaults", scope: policy.evidence.scope.rawValue, commits: commits,
            findings: outcome.findings, notices: notices)
    }

    /// Gives every finding a file to be shown on: its path, else the first file its commit changed
    /// (a diff only for commits with findings), else the policy file.
    private func locate(_ findings: [Finding]) -> [Finding] {
        var firstChanged: [String: String] = [:]
        return findings.map { finding in
            var finding = finding
            if let path = finding.path {
                finding.file = path
                return finding
            }
            if firstChanged[finding.commit] == nil {
                let commit = ObjectID(hex: finding.commit).flatMap { try? repository.commit($0) }
                let parentTree = commit?.parentIDs.first.flatMap { try? repository.commit($0).treeID }
                firstChanged[finding.commit] = commit.flatMap { try? repository.changedPaths(from: parentTree, to: $0.treeID).first }
                    ?? PolicyLoader.fileName
            }
            finding.file = firstChanged[finding.commit]
            return finding
        }
    }

    /// `--eval` runs when the head lacks acceptable evidence; a failure on record stands (fix the code).
    static func evalRuns(on standing: EvidenceStanding) -> Bool {
        switch standing {
        case .missing, .stale, .kindNotAccepted, .tooOld, .unsigned, .badSignature: return true
        case .passed, .failed, .notRequired: return false
        }
    }

    /// Runs `--eval`'s command on the head's tree (in place when the work tree is that tree, else in
    /// a temporary export of it), records the result on the head (signed when a key is configured)
    /// and returns it marked as made by the gate.
    private func evaluateHead(_ head: CommitFacts, command: [String], notices: inout [String]) throws(AITrailError) -> EvidenceRecord {
        guard let headID = ObjectID(hex: head.id), let tree = ObjectID(hex: head.tree) else {
            throw AITrailError.cannotDecide("--eval: \(head.id) is not a commit id", fix: "report this as a bug")
        }
        var exported: String?
        defer { if let exported { Self.removeTree(exported) } }
        let inPlace = (try? repository.workingTreeID().hex) == head.tree
        if !inPlace {
            do {
                let folder = try EvidenceSigning.temporaryFolder()
                exported = folder
                try repository.export(headID, to: folder)
            } catch {
                throw AITrailError.cannotDecide("cannot check out \(head.short)'s tree to run --eval: \(error)", fix: "check out \(head.short) and run the check there")
            }
        }
        let run = EvalRun(command: command, name: evalName, environment: environment)
        let made: (record: EvidenceRecord, status: Int32, problem: String?)
        do { made = try run.evaluate(in: repository, tree: tree, workingDirectory: exported ?? repository.workDirectory) } catch {
            throw AITrailError.cannotDecide("--eval: \(error.message)", fix: "pass a command that runs your tests, e.g. `aitrail check --eval -- swift test`")
        }
        var record = made.record
        do {
            record = try EvidenceSigning.signIfConfigured(record, in: repository, environment: environment)
            try EvidenceStore.attach(record, to: headID, in: repository)
            notices.append("--eval ran `\(command.joined(separator: " "))` on \(head.short)'s tree: \(record.passed ? "passed" : "failed (exit \(made.status))"); recorded on \(head.short)\(record.sig == nil ? " unsigned" : " signed as \(record.signer ?? "")") (share it with `aitrail sync`)")
        } catch {
            notices.append("--eval ran `\(command.joined(separator: " "))` on \(head.short)'s tree: \(record.passed ? "passed" : "failed"), but the result could not be recorded: \(error.message)")
        }
        record.signature = .gate
        record.reachedNotesAt = now
        return record
    }

    private static func removeTree(_ path: String) {
        for name in FileSystem.contents(ofDirectory: path) {
            let child = path + "/" + name
            if FileSystem.isDirectory(child) && !FileSystem.isSymbolicLink(child) { removeTree(child) } else { _ = FileSystem.remove(child) }
        }
        rmdir(path)
    }

    /// The policy's allowed-signers file, as committed at the target's tip, written to a temporary
    /// file for ssh-keygen; nil when the policy names none.
    private func allowedSigners(policy: Policy, at commit: ObjectID) throws(AITrailError) -> String? {
        guard let path = policy.evidence.signers else {
            if policy.evidence.requireSigned {
                throw AITrailError.cannotDecide("\(policy.origin ?? ".aitrail") sets evidence.require-signed but no evidence.signers file",
                                 fix: "add the allowed signers (git's gpg.ssh.allowedSignersFile format) to the target branch and name it: git config -f .aitrail evidence.signers .aitrail-signers")
            }
            return nil
        }
        let bytes: [UInt8]?
        do { bytes = try repository.fileContents(path, in: commit) } catch {
            throw AITrailError.cannotDecide("cannot read evidence.signers \(path) at \(commit.short): \(error.message)", fix: "commit the allowed-signers file to the target branch")
        }
        guard let bytes else {
            throw AITrailError.cannotDecide("evidence.signers names \(path), which is not in \(commit.short)",
                             fix: "commit the allowed-signers file (one `<email> <key type> <public key>` per line) to the target branch at \(path)")
        }
        let folder: String
        do { folder = try EvidenceSigning.temporaryFolder() } catch {
            throw AITrailError.cannotDecide("cannot write the allowed signers for ssh-keygen: \(error.message)", fix: "set TMPDIR to a writable folder")
        }
        let file = folder + "/allowed_signers"
        do { try FileSystem.write(bytes, to: file) } catch {
            throw AITrailError.cannotDecide("cannot write the allowed signers for ssh-keygen: \(error.message)", fix: "set TMPDIR to a writable folder")
        }
        return file
    }

    /// Adds to each evidence record when it reached the notes and, when the policy has signers,
    /// whether its signature verifies (for the trees the rules judge).
    private func stamp(_ facts: inout [CommitFacts], range: CheckRange, policy: Policy, signers: String?) throws(AITrailError) {
        // Only the trees the rules judge need it: with scope head and no review paths, the head's
        // alone, so the notes history is read back only as far as the head's records go.
        let judgedTrees: Set<String> = policy.evidence.scope == .each || !policy.reviewPaths.isEmpty
            ? Set(facts.map(\.tree)) : Set(facts.last.map { [$0.tree] } ?? [])
        var byCommit: [ObjectID: [EvidenceRecord]] = [:]
        var positions: [ObjectID: (fact: Int, records: [Int])] = [:]
        for (index, fact) in facts.enumerated() {
            let judged = fact.evidence.indices.filter { judgedTrees.contains(fact.evidence[$0].tree) }
            guard !judged.isEmpty, let id = ObjectID(hex: fact.id) else { continue }
            byCommit[id] = judged.map { fact.evidence[$0] }
            positions[id] = (index, judged)
        }
        guard !byCommit.isEmpty else { return }
        do { try NotesArrival.stamp(&byCommit, ref: Ledger.ref, in: repository) } catch {
            throw AITrailError.cannotDecide("cannot read the history of \(Ledger.ref): \(error.message)", fix: "fetch it again: git fetch \(remote) +\(Ledger.ref):\(Ledger.ref)")
        }
        for (id, records) in byCommit {
            let (fact, indices) = positions[id]!
            for (record, index) in zip(records, indices) {
                var record = record
                if record.sig == nil {
                    record.signature = .unsigned
                } else if let signers {
                    record.signature = EvidenceSigning.verify(record, allowedSigners: signers, environment: environment)
                }
                facts[fact].evidence[index] = record
            }
        }
    }

    private func gather(range: CheckRange, policy: Policy, notices: inout [String]) throws(GitError) -> [CommitFacts] {
        let revisions = range.symmetric ? ["\(range.base.hex)...\(range.head.hex)"] : [range.head.hex, "^" + range.base.hex]
        let walk = try RevisionWalk(repository, options: WalkOptions(revisions: revisions, order: .topological, reverse: true))
        let classifier = policy.classifier
        let patterns = policy.reviewPaths.map(GlobPattern.init)
        // One pass over the notes tree: git_note_read per commit would re-read a large notes tree
        // (bigger than libgit2's object cache keeps) for every commit.
        var noteBlobs: [ObjectID: ObjectID] = [:]
        for entry in try repository.notes(ref: Ledger.ref) { noteBlobs[entry.target] = entry.blob }
        var facts: [CommitFacts] = []
        for id in try walk.ids() {
            let commit = try repository.commit(id)
            let message = commit.message
            let trailers = Trailers.parse(message)
            let author = Identity(name: commit.author.name, email: commit.author.email)
            let committer = Identity(name: commit.committer.name, email: commit.committer.email)
            var classification = classifier.classify(message: message, author: author, committer: committer)
            let (records, malformed) = try noteBlobs[id].map { (blob) throws(GitError) in
                CanonicalJSON.parseNote(try repository.noteText(blob: blob))
            } ?? ([], [])
            for line in malformed {
                notices.append("the note on \(id.short) has a line that is not an aitrail record (line \(line.line): \(line.problem)); it was ignored; fix: git notes --ref=aitrail edit \(id.short)")
            }
            for usage in records.compactMap(\.usage) {
                classification.attributions.append(Attribution(
                    agent: usage.agent, model: usage.model, tools: usage.tools, source: usage.carried == nil ? .note : .carried,
                    marker: "usage note (\(usage.source))" + (usage.carried.map { ", carried from \($0.from.prefix(7))" } ?? "")))
            }
            var paths: [String] = []
            var evilMerge = false
            if !patterns.isEmpty && commit.isMerge {
                paths = try mergeOwnChanges(commit).filter { path in patterns.contains { $0.matches(path) } }
                evilMerge = !paths.isEmpty
            } else if !patterns.isEmpty && classification.isAI {
                let parentTree = try commit.parentIDs.first.map { (parent) throws(GitError) -> ObjectID in try repository.commit(parent).treeID }
                paths = try repository.changedPaths(from: parentTree, to: commit.treeID)
            }
            facts.append(CommitFacts(
                id: id.hex, subject: commit.summary, tree: commit.treeID.hex, isMerge: commit.isMerge, author: author,
                committer: committer, classification: classification, trailers: trailers, evidence: records.compactMap(\.evidence),
                changedPaths: paths, isEvilMerge: evilMerge))
        }
        // Both sides of `A...B` are walked; the head the rules judge is B.
        if range.symmetric, let index = facts.lastIndex(where: { $0.id == range.head.hex }), index != facts.count - 1 {
            facts.append(facts.remove(at: index))
        }
        return facts
    }

    /// The paths where a merge's tree differs from what merging its parents gives: changes made in
    /// the merge itself. With conflicts (or more than two parents), the paths that differ from every parent.
    private func mergeOwnChanges(_ merge: Commit) throws(GitError) -> [String] {
        let parents = merge.parentIDs
        if parents.count == 2, let merged = try repository.mergeResultTree(parents[0], parents[1]) {
            return try repository.changedPaths(from: merged, to: merge.treeID)
        }
        var common: Set<String>?
        for parent in parents {
            let changed = Set(try repository.changedPaths(from: try repository.commit(parent).treeID, to: merge.treeID))
            common = common.map { $0.intersection(changed) } ?? changed
        }
        return (common ?? []).sorted()
    }

    /// CI checkouts rarely fetch notes: fetch them once when the ref is absent. A failure is a notice.
    private func fetchNotesIfAbsent() -> String? {
        guard (try? repository.referenceTarget(Ledger.ref)) == nil else { return nil }
        // A repository without that remote (a local check) has nowhere to fetch from.
        let config = try? ConfigFile(path: repository.commonDirectory + "/config")
        guard let url = try? config?.string("remote.\(remote).url"), !url.isEmpty else { return nil }
        let arguments = ["git", "--git-dir=\(repository.commonDirectory)", "fetch", "--quiet", "--no-tags", remote,
                         "+\(Ledger.ref):\(Ledger.ref)"]
        guard let output = try? Subprocess.capture(arguments, environment: environment) else {
            return "\(Ledger.ref) is absent and git could not be run to fetch it; evidence recorded elsewhere is not seen"
        }
        if output.status == 0 { return nil }
        let reason = output.stderrText.split(separator: "\n").first.map { String($0).trimmingSpaces } ?? "exit \(output.status)"
        return "\(Ledger.ref) is absent here and could not be fetched from \(remote) (\(reason)); evidence recorded elsewhere is not seen; fix: git fetch \(remote) \(Ledger.ref):\(Ledger.ref)"
    }
}
