#if os(Linux)
/// Debian's libgit2 is built on mbedTLS and parses the whole system CA bundle inside
/// `git_libgit2_init` (~3 ms, a third of a hook run). aitrail never uses libgit2's HTTPS transport —
/// fetch and push go through the git CLI — so the executable provides this symbol, which the dynamic
/// linker binds libgit2's call to (see the linker setting in Package.swift), and loads no certificates.
@_cdecl("mbedtls_x509_crt_parse_file")
public func skipCertificateFile(_ chain: UnsafeMutableRawPointer?, _ path: UnsafePointer<CChar>?) -> Int32 { 0 }

/// For the same reason, libssh2's set-up is skipped: `git_libgit2_init` calls `libssh2_init(0)`, which
/// initialises OpenSSL and loads its engines (a measurable share of every hook run) for libgit2's
/// SSH transport, which aitrail never uses. `libssh2_exit` does nothing when init never ran.
@_cdecl("libssh2_init")
public func skipSSHInitialisation(_ flags: Int32) -> Int32 { 0 }

/// `git_libgit2_init` also seeds mbedTLS's random generator for that HTTPS transport, and mbedTLS 2's
/// entropy set-up warms up its HAVEGE source by timing a long loop: 1.1 million instructions, about 6%
/// of a hook run. The HAVEGE state starts zeroed instead (what the real call does before its warm-up);
/// the generator is still seeded from the system's source (getrandom), which mbedTLS polls as well.
/// The layout is mbedTLS 2's `mbedtls_havege_state`: `PT1`, `PT2`, `offset[2]`, `pool[1024]`,
/// `WALK[8192]`, all `uint32_t` (mbedTLS 3 has no HAVEGE and never calls this).
@_cdecl("mbedtls_havege_init")
public func skipHavegeWarmUp(_ state: UnsafeMutableRawPointer?) {
    state?.initializeMemory(as: UInt32.self, repeating: 0, count: 4 + 1024 + 8192)
}
#endif
