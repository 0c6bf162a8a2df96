/*
 * libgit2 is linked statically, from Debian's libgit2-dev and the archives of its dependencies
 * (Package.swift, target CGit2Static). A hook starts aitrail on every agent commit, and loading
 * libgit2 as a shared library cost most of each start: 22 libraries mapped and about 12,000 symbol
 * relocations bound (OpenSSL, Kerberos and libstdc++ for libgit2's network transports), 7.8 ms of a
 * `aitrail --version` against 3.6 ms linked statically (hyperfine, this machine).
 *
 * aitrail never uses libgit2's network transports: fetch and push go through the git CLI. So the
 * transports' system dependencies that cost time or have no static archive get stand-ins here:
 *
 * - GSSAPI (Kerberos "Negotiate" authentication for HTTPS) has no static archive in Debian.
 *   Every call fails with GSS_S_FAILURE, as a system without Kerberos credentials would answer:
 *   libgit2 then reports that Negotiate authentication is unavailable.
 * - `git_libgit2_init` sets up the HTTPS transport's mbedTLS (its TLS configuration, a random
 *   generator seeded through SHA-512 rounds and mbedTLS 2's HAVEGE warm-up of 1.1 million
 *   instructions, and the whole system CA bundle parsed, ~3 ms) and OpenSSL through `libssh2_init`
 *   for the SSH transport; OpenSSL's libcrypto also probes the processor at every start. The
 *   linker's `--wrap` sends libgit2's and OpenSSL's calls to the `__wrap_` functions below instead.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <git2/errors.h>

typedef uint32_t OM_uint32;
typedef struct { OM_uint32 length; void *elements; } gss_OID_desc, *gss_OID;
typedef struct { size_t count; gss_OID elements; } gss_OID_set_desc, *gss_OID_set;
typedef struct { size_t length; void *value; } gss_buffer_desc, *gss_buffer_t;
typedef void *gss_name_t, *gss_ctx_id_t, *gss_cred_id_t, *gss_channel_bindings_t;

#define GSS_S_COMPLETE 0u
#define GSS_S_FAILURE (13u << 16)

/* GSS_C_NT_HOSTBASED_SERVICE: the OID 1.2.840.113554.1.2.1.4 (RFC 2744). */
static gss_OID_desc hostbased_service = {10, "\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04"};
gss_OID GSS_C_NT_HOSTBASED_SERVICE = &hostbased_service;

static OM_uint32 unavailable(OM_uint32 *minor) {
    if (minor) *minor = 0;
    return GSS_S_FAILURE;
}

OM_uint32 gss_indicate_mechs(OM_uint32 *minor, gss_OID_set *mechs) {
    if (mechs) *mechs = NULL;
    return unavailable(minor);
}

OM_uint32 gss_import_name(OM_uint32 *minor, const gss_buffer_t input, const gss_OID type, gss_name_t *name) {
    (void)input; (void)type;
    if (name) *name = NULL;
    return unavailable(minor);
}

OM_uint32 gss_init_sec_context(OM_uint32 *minor, gss_cred_id_t credential, gss_ctx_id_t *context, gss_name_t target,
                               gss_OID mechanism, OM_uint32 flags, OM_uint32 time, gss_channel_bindings_t bindings,
                               gss_buffer_t input, gss_OID *actual, gss_buffer_t output, OM_uint32 *returned,
                               OM_uint32 *remaining) {
    (void)credential; (void)context; (void)target; (void)mechanism; (void)flags; (void)time; (void)bindings;
    (void)input; (void)returned; (void)remaining;
    if (actual) *actual = NULL;
    if (output) { output->length = 0; output->value = NULL; }
    return unavailable(minor);
}

OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int type, const gss_OID mechanism,
                             OM_uint32 *context, gss_buffer_t text) {
    (void)status; (void)type; (void)mechanism;
    if (context) *context = 0;
    if (text) { text->length = 0; text->value = NULL; }
    return unavailable(minor);
}

OM_uint32 gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *context, gss_buffer_t output) {
    if (context) *context = NULL;
    if (output) { output->length = 0; output->value = NULL; }
    if (minor) *minor = 0;
    return GSS_S_COMPLETE;
}

OM_uint32 gss_release_buffer(OM_uint32 *minor, gss_buffer_t buffer) {
    if (buffer) { buffer->length = 0; buffer->value = NULL; }
    if (minor) *minor = 0;
    return GSS_S_COMPLETE;
}

OM_uint32 gss_release_name(OM_uint32 *minor, gss_name_t *name) {
    if (name) *name = NULL;
    if (minor) *minor = 0;
    return GSS_S_COMPLETE;
}

OM_uint32 gss_release_oid_set(OM_uint32 *minor, gss_OID_set *set) {
    if (set) *set = NULL;
    if (minor) *minor = 0;
    return GSS_S_COMPLETE;
}

/* libgit2's HTTPS transport is not set up: a TLS connection, which aitrail never opens (fetch and
 * push go through git), fails with an error that says so, as does setting certificate locations. */
static int no_tls(void) {
    git_error_set_str(GIT_ERROR_SSL, "TLS is not set up in aitrail's libgit2 (aitrail fetches and pushes through git)");
    return -1;
}

int __wrap_git_mbedtls_stream_global_init(void) { return 0; }

int __wrap_git_mbedtls_stream_new(void **out, const char *host, const char *port) {
    (void)host; (void)port;
    if (out) *out = NULL;
    return no_tls();
}

int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path) {
    (void)file; (void)path;
    return no_tls();
}

/* libssh2's set-up (OpenSSL and its engines) for the SSH transport is skipped; `libssh2_exit`
 * does nothing when init never ran. */
int __wrap_libssh2_init(int flags) {
    (void)flags;
    return 0;
}

/* OpenSSL's libcrypto (linked for libssh2, whose set-up is skipped above) probes the processor at
 * every start, from its `.init` section: a run of CPUID instructions, each a trap to the hypervisor
 * on a virtual machine (~85 µs of every hook run here). Nothing in aitrail calls libcrypto; its
 * capability vector stays zero, which selects OpenSSL's portable code were anything to call it. */
void __wrap_OPENSSL_cpuid_setup(void) {}
