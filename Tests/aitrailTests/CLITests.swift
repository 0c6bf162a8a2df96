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

    #if os(Linux)
    /// libgit2's set-ups for transports aitrail never uses (the CA bundle, libssh2's OpenSSL, mbedTLS's
    /// HAVEGE warm-up) run the executable's stand-ins: the dynamic linker binds the calls to it.
    @Test func libgit2TransportSetUpsRunTheStandIns() throws {
        let repo = try TestRepository()
        try repo.commit("initial", file: "README")
        let result = try runProcess(aitrailBinary, ["log"], in: repo.path, environment: ["LD_DEBUG": "bindings"])
        #expect(result.status == 0)
        let bindings = result.stderr.split(separator: "\n")
        for symbol in ["mbedtls_x509_crt_parse_file", "libssh2_init", "mbedtls_havege_init"] {
            let bound = bindings.filter { $0.contains("binding file") && $0.hasSuffix("symbol `\(symbol)'") }
            #expect(!bound.isEmpty, "\(symbol) is never bound")
            #expect(bound.allSatisfy { $0.contains(" to \(aitrailBinary) [") }, "\(symbol): \(bound)")
        }
    }
    #endif

    @Test func unknownSubcommandIsUsageError() throws {
        let result = try runProcess(aitrailBinary, ["no-such-command"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("no-such-command"))
    }
}
