#ifndef AITRAIL_CGIT2_SHIM_H
#define AITRAIL_CGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/repository.h>
/* zlib comes with libgit2-dev (zlib1g-dev): the pack reader inflates objects itself. */
#include <zlib.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one wrapper per option we set. */
static inline int aitrail_git_set_search_path(int level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}

static inline int aitrail_git_enable_strict_object_creation(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, enabled);
}

static inline int aitrail_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

static inline int aitrail_git_enable_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

static inline int aitrail_git_set_cache_max_size(ssize_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, bytes);
}

static inline int aitrail_git_get_cached_memory(ssize_t *current, ssize_t *allowed) {
    return git_libgit2_opts(GIT_OPT_GET_CACHED_MEMORY, current, allowed);
}

/* inflateInit is a macro: this is the call it stands for. */
static inline int aitrail_inflate_init(z_stream *stream) {
    return inflateInit(stream);
}

#endif
