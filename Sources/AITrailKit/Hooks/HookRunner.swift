import Git

/// `aitrail hook <name> [<argument>…]`: the one entry point of the installed shims. Hooks fail open:
/// an internal error prints one line and lets git go on; only commit-msg rejects (exit 1).
public enum HookRunner {
    public static func run(
        _ name: String, arguments: [String], environment: [String: String], report: @escaping (String) -> Void
    ) -> Int32 {
        if environment["AITRAIL"] == "0" { return 0 }
        let context = HookContext(environment: environment, report: report)
        let status: Int32
        do {
            switch name {
            case "prepare-commit-msg": status = try PrepareCommitMsgHook(context: context).run(arguments)
            case "commit-msg": status = try CommitMsgHook(context: context).run(arguments)
            case "post-commit": status = PostCommitHook(context: context).run(arguments)
            case "pre-push": status = PrePushHook(context: context).run(arguments)
            default:
                report("aitrail: unknown hook '\(name)' (known: \(HookShim.hookNames.joined(separator: ", ")))")
                return 64
            }
        } catch {
            report("aitrail: \(describe(error)) (commit not tagged)")
            status = 0
        }
        // The shim passes what it tests: a policy that asks it for nothing new lets it decide alone again.
        if let digest = environment["AITRAIL_SHIM"] { context.notePolicySeen(shimDigest: digest) }
        return status
    }

    /// The user-facing message of any error the hooks may meet.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as GitError: return error.message
        case let error as AITrailError: return error.message
        default: return "\(error)"
        }
    }
}
