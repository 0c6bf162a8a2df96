import Git

/// `prepare-commit-msg <file> [<source> [<commit>]]`: adds `Assisted-by: <agent>[:<model>]` (or the
/// policy's `tag.trailer` key) where `git interpret-trailers --if-exists addIfDifferent` would.
/// Runs even under `git commit --no-verify`.
struct PrepareCommitMsgHook {
    let context: HookContext

    func run(_ arguments: [String]) throws -> Int32 {
        guard let file = arguments.first else { throw AITrailError.hook("prepare-commit-msg needs the message file as its first argument") }
        // The pre-commit framework passes the source in its environment instead.
        let source = arguments.count > 1 ? arguments[1] : context.environment["PRE_COMMIT_COMMIT_MSG_SOURCE"] ?? ""
        let policy = context.policy()
        let decision = try context.decision()
        context.reportIgnored(decision)
        if decision.attribution == nil && !MessageFile.mayHaveAITrailer(file, keys: context.classifier().assistedByKeys) { return 0 }
        if source == "merge" && !policy.tag.merges { return 0 }
        if try context.isRebasing() { return 0 }

        let repository = try context.repository()
        let commentCharacter = repository.commentCharacter()
        let message = try FileSystem.read(file)
        var trailers = Trailers.parse(message, commentCharacter: commentCharacter)
        let classifier = context.classifier()
        let found = classifier.trailerFindings(trailers)
        if context.needsAICommitMarker(decision, found: found) { try context.leaveAICommitMarker() }

        var final = message
        var written: String?
        if let detected = decision.attribution, !isTagged(trailers, agent: detected.agent, classifier: classifier) {
            // An agent that names its model in its own Co-authored-by gets that model in the tag.
            let model = detected.model ?? found.first { $0.agent == detected.agent && $0.model != nil }?.model.flatMap(SafeID.model)
            let value = AssistedBy(agent: detected.agent, model: model, tools: detected.tools).value
            final = Trailers.insert(Trailer(key: policy.tag.trailer, value: value), into: message, commentCharacter: commentCharacter)
            if final != message {
                try FileSystem.replace(file, holding: message, with: final)
                trailers = Trailers.parse(final, commentCharacter: commentCharacter)
                written = value
            }
        }
        try context.handOff(written.map { Array(($0 + "\n").utf8) }, at: context.writtenTagPath())
        try rememberValidation(of: final, trailers: trailers, detected: decision.attribution, written: written, policy: policy)
        return 0
    }

    private func isTagged(_ trailers: [Trailer], agent: String, classifier: Classifier) -> Bool {
        trailers.contains { trailer in
            classifier.assistedByKeys.contains(trailer.key.lowercased())
                && classifier.assistedBy(trailer.value, marker: "")?.agent == agent
        }
    }

    /// Checks the message as commit-msg would and, when it passes, keeps a copy: the commit-msg shim
    /// compares the final message with it and skips starting aitrail again when nobody edited it.
    private func rememberValidation(of message: [UInt8], trailers: [Trailer], detected: Attribution?, written: String?, policy: Policy) throws {
        let found = context.classifier().trailerFindings(trailers)
        let passes = MessageRules(policy: policy).check(trailers: trailers, found: found, detected: detected, written: written) == nil
        try context.handOff(passes ? message : nil, at: context.validatedMessagePath())
    }
}

/// Cheap looks at a commit message file before anything is parsed.
enum MessageFile {
    /// True when a line starts with an AI trailer key (the shim's grep, for runs without the shim).
    static func mayHaveAITrailer(_ file: String, keys: Set<String>) -> Bool {
        guard let bytes = try? FileSystem.read(file) else { return false }
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
