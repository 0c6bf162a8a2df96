import CGit2

/// An author or committer: name, email and the moment with its UTC offset, as written in the commit.
public struct Signature: Sendable, Hashable {
    public var name: String
    public var email: String
    /// Seconds since the Unix epoch.
    public var time: Int64
    /// The author's UTC offset in minutes (`+0530` → 330).
    public var offsetMinutes: Int32

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32 = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ raw: git_signature) {
        self.name = String(cString: raw.name)
        self.email = String(cString: raw.email)
        self.time = raw.when.time
        self.offsetMinutes = raw.when.offset
    }

    /// `Name <email>`, as git prints an identity.
    public var identity: String { "\(name) <\(email)>" }

    func makeGitSignature() throws(GitError) -> UnsafeMutablePointer<git_signature> {
        var sig: UnsafeMutablePointer<git_signature>?
        try check(git_signature_new(&sig, name, email, time, Int32(offsetMinutes)))
        return sig!
    }
}
