import Git

/// `aitrail sync [<remote>]` (SPEC §5): fetches the remote's notes into
/// `refs/notes/remotes/<remote>/aitrail` (a remote may also be a URL or path, as `git push` takes
/// it: see `trackingRef`), merges them line-wise into `refs/notes/aitrail` (never a
/// forced overwrite), and pushes fast-forward. A push that loses a race starts over from the fetch.
/// The network goes through the git CLI; the push skips hooks so pre-push does not run itself again.
public struct NotesSync {
    public struct Outcome: Sendable, Hashable {
        /// The local notes took in the remote's.
        public var merged: Bool
        /// The remote's notes moved forward.
        public var pushed: Bool
    }

    public let repository: Repository
    public let remote: String
    public var maxAttempts = 5

    public init(repository: Repository, remote: String) {
        self.repository = repository
        self.remote = remote
    }

    /// Where the remote's notes are fetched to: `refs/notes/remotes/<remote>/aitrail` for a remote's
    /// name; for a URL or path (`git push <url>`), a name made from a hash of it, so no part of the
    /// address (a token in a URL) is written into a ref name.
    public static func trackingRef(_ remote: String) -> String {
        guard !isRemoteName(remote) else { return "refs/notes/remotes/\(remote)/aitrail" }
        return "refs/notes/remotes/url-\(SHA256.hex(Array(remote.utf8)).prefix(16))/aitrail"
    }

    /// A remote's name, not a URL or path.
    public static func isRemoteName(_ text: String) -> Bool {
        !text.isEmpty && !text.contains("/") && !text.contains(":") && !text.hasPrefix(".") && !text.hasPrefix("-")
    }

    /// The remote to sync with when none is named: `origin`, else the only remote.
    public static func defaultRemote(in repository: Repository) throws(AITrailError) -> String {
        let names: [String]
        do {
            names = try repository.config().entries(matching: "^remote\\..*\\.url$").compactMap { entry in
                let parts = entry.name.split(separator: ".")
                return parts.count >= 3 ? parts[1..<(parts.count - 1)].joined(separator: ".") : nil
            }
        } catch {
            throw AITrailError.sync("cannot read the remotes: \(error.message)")
        }
        if names.contains("origin") { return "origin" }
        if names.count == 1 { return names[0] }
        if names.isEmpty { throw AITrailError.sync("this repository has no remote (add one with `git remote add origin <url>`)") }
        throw AITrailError.sync("several remotes and none is origin: name one (`aitrail sync <remote>`; remotes: \(names.joined(separator: ", ")))")
    }

    public func run() throws(AITrailError) -> Outcome {
        guard !remote.isEmpty, !remote.hasPrefix("-") else { throw AITrailError.sync("'\(remote)' is not a remote (see `git remote`)") }
        let tracking = NotesSync.trackingRef(remote)
        var outcome = Outcome(merged: false, pushed: false)
        for _ in 0..<maxAttempts {
            try fetch(into: tracking)
            let tips: (ours: ObjectID?, theirs: ObjectID?)
            do { tips = try mergeFetched(tracking, into: &outcome) } catch where error.isConflict {
                continue
            } catch {
                throw AITrailError.sync(error.message)
            }
            guard let ours = tips.ours, ours != tips.theirs else { return outcome }
            if try push(ours) {
                do {
                    // git moves the tracking ref itself when the remote's fetch refspec names it (`aitrail install` adds one).
                    let tracked = try repository.referenceTarget(tracking)
                    if tracked != ours {
                        try repository.updateReference(tracking, to: ours, expected: tracked, message: "aitrail: pushed to \(remote)")
                    }
                } catch { throw AITrailError.sync(error.message) }
                outcome.pushed = true
                return outcome
            }
        }
        throw AITrailError.sync("the notes on \(remote) kept moving during \(maxAttempts) attempts (run `aitrail sync \(remote)` again)")
    }

    /// Merges the fetched notes into the local ref (compare-and-swap); returns both tips after.
    private func mergeFetched(_ tracking: String, into outcome: inout Outcome) throws(GitError) -> (ours: ObjectID?, theirs: ObjectID?) {
        let theirs = try repository.referenceTarget(tracking)
        let ours = try repository.referenceTarget(Ledger.ref)
        guard let theirs else { return (ours, nil) }
        guard let ours else {
            try repository.updateReference(Ledger.ref, to: theirs, expected: nil, message: "aitrail: sync with \(remote)")
            outcome.merged = true
            return (theirs, theirs)
        }
        let merged = try repository.mergeNotes(
            ours: ours, theirs: theirs, signature: Ledger.signature(for: repository), message: "aitrail: merge notes from \(remote)")
        if merged != ours {
            try repository.updateReference(Ledger.ref, to: merged, expected: ours, message: "aitrail: sync with \(remote)")
            outcome.merged = true
        }
        return (merged, theirs)
    }

    private static var environment: [String: String] {
        var environment = Subprocess.currentEnvironment
        environment["LC_ALL"] = "C"
        environment["AITRAIL_SYNCING"] = "1"
        environment["GIT_TERMINAL_PROMPT"] = "0"
        return environment
    }

    private func git(_ arguments: [String]) throws(AITrailError) -> Subprocess.Output {
        do {
            return try Subprocess.capture(["git", "--git-dir=\(repository.gitDirectory)"] + arguments, environment: NotesSync.environment)
        } catch {
            throw AITrailError.sync("\(error.description) (is git installed and on PATH?)")
        }
    }

    private func fetch(into tracking: String) throws(AITrailError) {
        let result = try git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, "+\(Ledger.ref):\(tracking)"])
        if result.status == 0 { return }
        if result.stderrText.contains("couldn't find remote ref") { return }
        throw AITrailError.sync("git fetch \(remote) failed: \(Self.firstLine(result.stderrText))")
    }

    /// Pushes `tip` to the remote's notes ref without force; false when the remote moved meanwhile.
    private func push(_ tip: ObjectID) throws(AITrailError) -> Bool {
        let result = try git(["push", "--quiet", "--no-verify", remote, "\(tip.hex):\(Ledger.ref)"])
        if result.status == 0 { return true }
        let stderr = result.stderrText
        // Rejected, or lost a race for the server's ref lock ("cannot lock ref … is at X but expected
        // Y"): fetch, merge and push again.
        if stderr.contains("non-fast-forward") || stderr.contains("fetch first") || stderr.contains("[rejected]")
            || stderr.contains("cannot lock ref") || stderr.contains("failed to update ref") {
            return false
        }
        throw AITrailError.sync("git push \(remote) failed: \(Self.firstLine(stderr))")
    }

    static func firstLine(_ text: String) -> String {
        text.split(separator: "\n").first { !$0.allSatisfy { $0 == " " } }.map { String($0).trimmingSpaces } ?? "no message"
    }
}

extension NotesSync.Outcome {
    /// What a sync did with `remote`'s notes, in one line.
    public func describe(remote: String) -> String {
        switch (merged, pushed) {
        case (false, false): return "notes already in sync with \(remote)"
        case (true, false): return "took in the notes from \(remote)"
        case (false, true): return "pushed the notes to \(remote)"
        case (true, true): return "merged the notes from \(remote) and pushed the union"
        }
    }
}
