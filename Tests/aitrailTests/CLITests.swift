import Foundation
import Testing
import TestSupport

@Suite struct CLITests {
    @Test func versionNamesAitrailAndLibgit2() throws {
        let result = try runProcess(aitrailBinary, ["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("0."))
        #expect(result.stdout.contains("(libgit2 1."))
    }

    @Test func unknownSubcommandIsUsageError() throws {
        let result = try runProcess(aitrailBinary, ["no-such-command"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("no-such-command"))
    }
}
