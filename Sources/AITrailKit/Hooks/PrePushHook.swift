import Git

/// `pre-push <remote> <url>`: when local notes changed since the last sync with this remote, syncs
/// them (SPEC §5), so usage reaches the remote with a plain `git push`. Never blocks the push.
struct PrePushHook {
    let context: HookContext

    func run(_ arguments: [String]) -> Int32 {
        // The pre-commit framework passes the remote in its environment instead. When pushing to a
        // URL or path rather than a named remote, git passes that as the remote.
        guard let remote = arguments.first ?? context.environment["PRE_COMMIT_REMOTE_NAME"], !remote.isEmpty else { return 0 }
        do {
            let repository = try context.repository()
            guard let local = try repository.referenceTarget(Ledger.ref) else { return 0 }
            if try repository.referenceTarget(NotesSync.trackingRef(remote)) == local { return 0 }
            _ = try NotesSync(repository: repository, remote: remote).run()
        } catch {
            context.report("aitrail: notes not synced with \(remote): \(HookRunner.describe(error)) (the push goes on; run `aitrail sync \(remote)` later)")
        }
        return 0
    }
}
