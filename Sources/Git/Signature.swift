import CGit2

/// An author or committer: name, email and the moment with its UTC offset, as written in the commit.
public struct Signature: Sendable, Hashable {
    public var name: String
    public var email: String
    /// Seconds since the Unix epoch.
    public var time: Int64
    /// The author's UTC offset in minutes (`+0530` → 330).
    public var offsetMinutes: Int32

    /// The last second a date can show (31 December of year 2,147,485,547, where C's `struct tm`
    /// year ends). A commit time past it, or one that does not fit 64 bits, reads as 0, the epoch,
    /// as git shows it (`date_overflows`): no report does arithmetic near the integer's limits.
    public static let latestTime: Int64 = 67_768_036_191_676_799

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32 = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ raw: git_signature) {
        self.name = String(cString: raw.name)
        self.email = String(cString: raw.email)
        // git reads the time unsigned: a negative one, like one past `latestTime`, is 0.
        self.time = (0...Signature.latestTime).contains(raw.when.time) ? raw.when.time : 0
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
