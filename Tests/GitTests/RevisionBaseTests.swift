@testable import Git
import Testing

/// The object a revision starts from, read first (a truncated loose object hangs libgit2 1.5).
@Suite struct RevisionBaseTests {
    @Test(arguments: [("HEAD~2^{tree}", "HEAD"), ("main^^", "main"), ("v1.0~1^2", "v1.0"), ("HEAD", "HEAD"), ("a^{}", "a"),
                      ("x~", "x"), ("HEAD@{1}~3", "HEAD@{1}"), ("refs/heads/a~b", "refs/heads/a~b")])
    func navigationStepsAreStripped(revision: String, base: String) {
        #expect(Repository.navigation(revision).base == base)
    }

    @Test(arguments: [("HEAD~2^{tree}", 2), ("main^^", 2), ("v1.0~1^2", 2), ("HEAD", 0), ("a^{}", 0), ("x~", 1),
                      ("HEAD~3^2", 4), ("HEAD~99999999999999999999", Int.max), ("refs/heads/a~b", 0)])
    func navigationDepthCountsEveryParentStep(revision: String, depth: Int) {
        #expect(Repository.navigation(revision).depth == depth)
    }
}
