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
    /// libgit2 is linked statically (Sources/CGit2Static): starting aitrail maps none of libgit2's
    /// shared libraries or those of its network transports (OpenSSL, libssh2, mbedTLS, Kerberos).
    @Test func libgit2IsLinkedStatically() throws {
        let result = try runProcess("ldd", [aitrailBinary])
        #expect(result.status == 0)
        #expect(result.stdout.contains("libc.so"), "\(result.stdout)")
        for library in ["libgit2", "libssh2", "libcrypto", "libssl", "libmbed", "libgssapi", "libkrb5", "libhttp_parser", "libpcre2", "libz."] {
            #expect(!result.stdout.contains(library), "\(library) is loaded: \(result.stdout)")
        }
        let repo = try TestRepository()
        try repo.commit("initial", file: "README")
        #expect(try runProcess(aitrailBinary, ["log"], in: repo.path).status == 0)
    }

    /// libgit2's set-ups for the transports aitrail never uses (the CA bundle, libssh2's OpenSSL,
    /// mbedTLS's HAVEGE warm-up) call the stand-ins in Sources/CGit2Static/stand_ins.c: the
    /// linker's `--wrap` bound each call site, as the binary's machine code shows.
    @Test func libgit2TransportSetUpsCallTheStandIns() throws {
        for (caller, callee) in [("git_mbedtls__set_cert_location", "mbedtls_x509_crt_parse_file"),
                                 ("git_transport_ssh_global_init", "libssh2_init"),
                                 ("mbedtls_entropy_init", "mbedtls_havege_init")] {
            let result = try runProcess("objdump", ["-d", "--no-show-raw-insn", "--disassemble=\(caller)", aitrailBinary])
            #expect(result.status == 0, "\(result.stderr)")
            let calls = result.stdout.split(separator: "\n").filter { $0.contains("call") && $0.contains(callee) }
            #expect(!calls.isEmpty, "\(caller) does not call \(callee)")
            #expect(calls.allSatisfy { $0.contains("<__wrap_\(callee)>") }, "\(caller): \(calls)")
        }
    }
    #endif

    @Test func unknownSubcommandIsUsageError() throws {
        let result = try runProcess(aitrailBinary, ["no-such-command"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("no-such-command"))
    }
}
