import CGit2

/// An error from libgit2, or from the Git layer's own checks, with libgit2's class and message.
public struct GitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libgit2's return code (`GIT_ENOTFOUND`, `GIT_EMODIFIED`, …); `GIT_ERROR` for the layer's own errors.
    public let code: Int32
    /// libgit2's error class (`GIT_ERROR_CONFIG`, …).
    public let errorClass: Int32
    public let message: String

    public init(code: Int32, errorClass: Int32, message: String) {
        self.code = code
        self.errorClass = errorClass
        self.message = message
    }

    /// An error raised by the Git layer itself rather than by libgit2.
    public init(_ message: String, code: Int32 = GIT_ERROR.rawValue) {
        self.init(code: code, errorClass: 0, message: message)
    }

    public var description: String { message }

    /// A compare-and-swap lost the race: the ref moved, or a lock is held.
    public var isConflict: Bool {
        code == GIT_EMODIFIED.rawValue || code == GIT_ELOCKED.rawValue || code == GIT_EEXISTS.rawValue
    }
}

/// Turns a negative libgit2 return into a `GitError` read from `git_error_last()` on this thread.
@discardableResult
func check(_ result: Int32) throws(GitError) -> Int32 {
    guard result < 0 else { return result }
    if let last = git_error_last() {
        let message = last.pointee.message.map { String(cString: $0) } ?? "libgit2 error \(result)"
        throw GitError(code: result, errorClass: last.pointee.klass, message: message)
    }
    throw GitError(code: result, errorClass: 0, message: "libgit2 error \(result)")
}

/// Runs a call where `GIT_ENOTFOUND` means "absent": returns false instead of throwing.
func checkFound(_ result: Int32) throws(GitError) -> Bool {
    if result == GIT_ENOTFOUND.rawValue { return false }
    try check(result)
    return true
}

/// libgit2 global state: initialised once per process.
public enum Libgit2 {
    private static let initialised: Bool = {
        git_libgit2_init()
        // Repositories owned by another user are common in CI containers; git's own
        // safe.directory check is the user's to configure, and aitrail only reads them.
        _ = aitrail_git_set_owner_validation(0)
        return true
    }()

    public static func initialise() {
        _ = initialised
    }

    /// The most memory each repository's object cache may hold (`setObjectCacheLimit`).
    public static var objectCacheLimit: Int {
        initialise()
        var current = 0, allowed = 0
        _ = aitrail_git_get_cached_memory(&current, &allowed)
        return allowed
    }

    /// Turns off re-hashing every object read to check its id. git itself does not do this on
    /// reads (it trusts the pack's checksums); libgit2 does by default, at a third of a scan's time.
    public static func setReadVerification(_ enabled: Bool) {
        initialise()
        _ = aitrail_git_enable_strict_hash_verification(enabled ? 1 : 0)
    }

    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        git_libgit2_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
