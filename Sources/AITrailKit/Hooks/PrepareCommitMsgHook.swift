import Git

/// `prepare-commit-msg <file> [<source> [<commit>]]`: adds `Assisted-by: <agent>[:<model>]` (or the
/// policy's `tag.trailer` key) where `git interpret-trailers --if-exists addIfDifferent` would.
/// Runs even under `git commit --no-verify`.
struct PrepareCommitMsgHook {
    let context: HookContext

    func run(_ arguments: [String]) throws -> Int32 {
        guard let file = arguments.first else { throw HookError("prepare-commit-msg needs the message file as its first argument") }
        // The pre-commit framework passes the source in its environment instead.
        let source = arguments.count > 1 ? arguments[1] : context.environment["PRE_COMMIT_COMMIT_MSG_SOURCE"] ?? ""
        let policy = try context.policy()
        let decision = try context.decision()
        if decision.attribution == nil && !MessageFile.mayHaveAITrailer(file, policy: policy) { return 0 }
        if source == "merge" && !policy.tag.merges { return 0 }
        if try context.isRebasing() { return 0 }

        let repository = try context.repository()
        let commentCharacter = repository.commentCharacter()
        let message = try FileSystem.read(file)
        let trailers = Trailers.parse(message, commentCharacter: commentCharacter)
        let found = policy.classifier.trailerFindings(trailers)

        guard let detected = decision.attribution else {
            // No agent now, but the message names one (an agent wrote its own trailer): post-commit records it.
            if !found.isEmpty { try context.leaveAICommitMarker() }
            return 0
        }
        try context.leaveAICommitMarker()
        let tagKeys = policy.classifier.assistedByKeys
        let alreadyTagged = trailers.contains { trailer in
            tagKeys.contains(trailer.key.lowercased())
                && policy.classifier.assistedBy(trailer.value, marker: "")?.agent == detected.agent
        }
        if alreadyTagged { return 0 }
        // An agent that names its model in its own Co-authored-by gets that model in the tag.
        let model = detected.model ?? found.first { $0.agent == detected.agent && $0.model != nil }?.model
        let value = AssistedBy(agent: detected.agent, model: model, tools: detected.tools).value
        let tagged = Trailers.insert(Trailer(key: policy.tag.trailer, value: value), into: message, commentCharacter: commentCharacter)
        if tagged != message { try FileSystem.writeAtomically(tagged, to: file) }
        return 0
    }
}

/// Cheap looks at a commit message file before anything is parsed.
enum MessageFile {
    /// True when a line starts with an AI trailer key (the shim's grep, for runs without the shim).
    static func mayHaveAITrailer(_ file: String, policy: Policy) -> Bool {
        guard let bytes = try? FileSystem.read(file) else { return false }
        let keys = policy.classifier.assistedByKeys
        var lineStart = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x0A {
            let line = bytes[lineStart..<index]
            lineStart = index + 1
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon - line.startIndex <= 64 else { continue }
            let key = String(decoding: line[line.startIndex..<colon], as: UTF8.self).trimmingSpaces.lowercased()
            if keys.contains(key) { return true }
        }
        return false
    }
}
