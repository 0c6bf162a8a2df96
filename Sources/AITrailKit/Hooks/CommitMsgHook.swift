import Git

/// `commit-msg <file>`: validates the final message (SPEC §3). A malformed tag, an agent the policy
/// does not allow, or (with `tag.require`) a detected agent whose tag was removed is a rejection
/// (exit 1) that says exactly how to fix it. Skipped by `git commit --no-verify`.
struct CommitMsgHook {
    let context: HookContext

    func run(_ arguments: [String]) throws -> Int32 {
        guard let file = arguments.first else { throw AITrailError.hook("commit-msg needs the message file as its first argument") }
        let policy = context.policy()
        let decision = try context.decision()
        if decision.attribution == nil && !MessageFile.mayHaveAITrailer(file, keys: context.classifier().assistedByKeys) { return 0 }

        let commentCharacter = try context.repository().commentCharacter()
        let trailers = Trailers.parse(try FileSystem.read(file), commentCharacter: commentCharacter)
        let found = context.classifier().trailerFindings(trailers)
        if context.needsAICommitMarker(decision, found: found) { try context.leaveAICommitMarker() }
        let written = (try? context.writtenTagPath()).flatMap(context.handedOff).map { String(decoding: $0, as: UTF8.self).trimmingSpaces }
        guard let rejection = MessageRules(policy: policy).check(trailers: trailers, found: found, detected: decision.attribution, written: written) else { return 0 }
        context.report("aitrail: commit rejected: \(rejection.problem)\n  fix: \(rejection.fix)\n  (your message is kept in \(file))")
        return 1
    }
}

/// What commit-msg checks, as a pure function of the message's trailers, the policy and the agent detected.
struct MessageRules {
    struct Rejection {
        let problem: String
        let fix: String
    }

    let policy: Policy

    /// `written` is the value prepare-commit-msg wrote: what aitrail wrote is never the person's
    /// mistake, so only the values people and agents typed are checked for their form.
    func check(trailers: [Trailer], found: [Attribution], detected: Attribution?, written: String? = nil) -> Rejection? {
        let key = policy.tag.trailer
        let suggestion = detected.map { AssistedBy(agent: $0.agent, model: $0.model, tools: $0.tools).value }
        let example = "\(key): \(suggestion ?? "claude-code:claude-opus-4.6")"
        for trailer in trailers where trailer.key.lowercased() == key.lowercased() && trailer.value.trimmingSpaces != written {
            if case .failure(let malformed) = AssistedBy.parse(trailer.value) {
                return Rejection(
                    problem: "malformed trailer '\(trailer.key): \(trailer.value)': \(malformed.problem)",
                    fix: "write it as <agent>[:<model>] [<tool> …], for example '\(example)'")
            }
        }
        let agents = ([detected].compactMap { $0 } + found).map(\.agent)
        if let refused = agents.first(where: { !policy.allows(agent: $0) }) {
            return Rejection(
                problem: "agent '\(refused)' is not allowed by \(policy.origin ?? PolicyLoader.fileName) (allowed: \(policy.allowedAgents.joined(separator: ", ")))",
                fix: "use an allowed agent, or add 'allow = \(refused)' under [agents] in .aitrail")
        }
        if policy.tag.require, let detected,
           !found.contains(where: { $0.agent == detected.agent && $0.marker.lowercased().hasPrefix(key.lowercased() + ":") }) {
            return Rejection(
                problem: "\(detected.agent) was detected (\(detected.marker)) but the message has no '\(key)' trailer for it (tag.require = true)",
                fix: "add the line '\(example)' to the message's trailer block")
        }
        return nil
    }
}
