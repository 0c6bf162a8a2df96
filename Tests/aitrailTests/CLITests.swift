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

    /// libgit2's set-ups for the transports aitrail never uses (mbedTLS for HTTPS, libssh2's OpenSSL,
    /// OpenSSL's processor probe) go to the stand-ins in Sources/CGit2Static/stand_ins.c: the linker's
    /// `--wrap` bound each call site and each function pointer, as the binary's machine code and data show.
    @Test func libgit2TransportSetUpsCallTheStandIns() throws {
        for (caller, callee) in [("git_libgit2_opts", "git_mbedtls__set_cert_location"),
                                 ("git_tls_stream_new", "git_mbedtls_stream_new"),
                                 ("git_transport_ssh_global_init", "libssh2_init"),
                                 ("_init", "OPENSSL_cpuid_setup")] {
            let result = try runProcess("objdump", ["-d", "--no-show-raw-insn", "--disassemble=\(caller)", aitrailBinary])
            #expect(result.status == 0, "\(result.stderr)")
            let uses = result.stdout.split(separator: "\n").filter { $0.contains("<\(callee)>") || $0.contains("<__wrap_\(callee)>") }
            #expect(!uses.isEmpty, "\(caller) does not use \(callee)")
            #expect(uses.allSatisfy { $0.contains("<__wrap_\(callee)>") }, "\(caller): \(uses)")
        }
        // git_libgit2_init calls its set-ups through a table of function pointers: the stand-in's
        // address is in the binary's data, the real set-up's nowhere.
        var addresses: [String: UInt64] = [:]
        for line in try runProcess("nm", [aitrailBinary]).stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 3, let address = UInt64(fields[0], radix: 16) { addresses[String(fields[2])] = address }
        }
        let dump = try runProcess("objdump", ["-s", "-j", ".data.rel.ro", "-j", ".data", aitrailBinary]).stdout
        var bytes: [UInt8] = []
        for line in dump.split(separator: "\n") where line.hasPrefix(" ") {
            // ` <address> <up to four words of 8 hex digits> <ASCII>`
            for word in line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().prefix(4) where word.count == 8 {
                var index = word.startIndex
                while index < word.endIndex {
                    let next = word.index(index, offsetBy: 2)
                    if let byte = UInt8(word[index..<next], radix: 16) { bytes.append(byte) }
                    index = next
                }
            }
        }
        func pointers(to name: String) throws -> Int {
            let address = try #require(addresses[name], "\(name) is not in the binary")
            let pattern = withUnsafeBytes(of: address.littleEndian, Array.init)
            return bytes.indices.dropLast(7).filter { bytes[$0..<($0 + 8)].elementsEqual(pattern) }.count
        }
        #expect(try pointers(to: "__wrap_git_mbedtls_stream_global_init") >= 1)
        #expect(try pointers(to: "git_mbedtls_stream_global_init") == 0)
    }
    #endif

    @Test func unknownSubcommandIsUsageError() throws {
        let result = try runProcess(aitrailBinary, ["no-such-command"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("no-such-command"))
    }
}
