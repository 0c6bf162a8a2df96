#!/usr/bin/env bash
# Installs aitrail for a CI job into $AITRAIL_HOME/bin (a directory the CI system caches), the
# fastest way available, and prints the binary's path:
#   1. the binary already in $AITRAIL_HOME (restored from the cache) when it is this version and runs;
#   2. the release asset $AITRAIL_RELEASE_URL/aitrail-<version>-linux-<arch>.tar.gz, verified against
#      its .sha256 (a mismatch is an error, never installed), when it runs here (built on Debian 12;
#      libgit2 is linked in, and older releases' libgit2-1.5 is installed with apt-get when missing);
#   3. otherwise a release build of $AITRAIL_SOURCE (or of $AITRAIL_REPOSITORY cloned at v<version>),
#      once: the CI cache keeps the result for the next runs.
# Used by the GitHub Action (ci/action/install.sh) and the GitLab template. Self-contained: GitLab
# jobs download this file alone.
#
# Environment: AITRAIL_HOME (required), AITRAIL_VERSION (or read from AITRAIL_SOURCE),
# AITRAIL_RELEASE_URL (empty: no release), AITRAIL_SOURCE, AITRAIL_REPOSITORY.
set -euo pipefail

say() { echo "aitrail: $*" >&2; }
die() { echo "::error title=aitrail install::$*" >&2; exit "${2:-1}"; }

[ -n "${AITRAIL_HOME:-}" ] || die "AITRAIL_HOME is not set (the directory to install into and cache)" 64
version="${AITRAIL_VERSION:-}"
if [ -z "$version" ] && [ -n "${AITRAIL_SOURCE:-}" ]; then
  version="$(sed -nE 's/.*static let number = "([^"]+)".*/\1/p' "$AITRAIL_SOURCE/Sources/AITrailKit/Version.swift" | head -n1)"
fi
[ -n "$version" ] || die "no version: set AITRAIL_VERSION (e.g. 0.1.0) or AITRAIL_SOURCE to a checkout of aitrail" 64
arch="$(uname -m)"
bin="$AITRAIL_HOME/bin/aitrail"
mkdir -p "$AITRAIL_HOME/bin"

runs() { # runs BINARY: it starts and is $version
  local out
  out="$("$1" --version 2>/dev/null)" || return 1
  case "$out" in "$version "*|"$version") return 0 ;; *) return 1 ;; esac
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }
apt_has() { command -v apt-cache >/dev/null && apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'; }
apt_get() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 && return 0
  as_root apt-get update -qq >&2 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

store="$AITRAIL_HOME/bin/aitrail-store"   # the organisation store's client (mode: publish), beside aitrail

# store_from DIR: installs DIR/aitrail-store beside aitrail, with the libraries it links (libpq5,
# libsqlite3-0) when the image lacks them. A missing client only fails `aitrail publish` / `report`.
store_from() {
  [ -x "$1/aitrail-store" ] || return 0
  if ! "$1/aitrail-store" --version >/dev/null 2>&1; then
    say "installing libpq5 and libsqlite3-0 (apt-get) for aitrail-store"
    apt_get libpq5 libsqlite3-0 || true
  fi
  install -m 0755 "$1/aitrail-store" "$store"
}

# 1. The cache.
if [ -x "$bin" ] && [ -x "$store" ] && runs "$bin"; then
  say "using $bin ($(cat "$AITRAIL_HOME/origin" 2>/dev/null || echo cached), restored from the cache)"
  printf '%s\n' "$bin"; exit 0
fi

# 2. The release.
if [ -n "${AITRAIL_RELEASE_URL:-}" ]; then
  asset="aitrail-$version-linux-$arch.tar.gz"
  url="${AITRAIL_RELEASE_URL%/}/$asset"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  if ! command -v curl >/dev/null; then apt_get curl ca-certificates || die "curl is missing and cannot be installed"; fi
  if curl -fsSL --retry 3 -o "$work/$asset" "$url" 2>"$work/curl.err"; then
    curl -fsSL --retry 3 -o "$work/$asset.sha256" "$url.sha256" ||
      die "the release has $asset but no $asset.sha256 ($url.sha256): refusing an unverified binary"
    expected="$(awk '{ print $1; exit }' "$work/$asset.sha256")"
    actual="$(sha256sum "$work/$asset" | awk '{ print $1 }')"
    [ "$expected" = "$actual" ] ||
      die "checksum mismatch for $url: expected $expected (from $asset.sha256), got $actual; nothing installed"
    tar -xzf "$work/$asset" -C "$work"
    candidate="$work/aitrail-$version-linux-$arch/bin/aitrail"
    [ -x "$candidate" ] || die "$asset holds no aitrail-$version-linux-$arch/bin/aitrail"
    if ! runs "$candidate" && ldd "$candidate" 2>/dev/null | grep -q 'libgit2.* not found' && apt_has libgit2-1.5; then
      say "installing libgit2-1.5 (apt-get) for the release binary"
      apt_get libgit2-1.5 || true
    fi
    if runs "$candidate"; then
      install -m 0755 "$candidate" "$bin"
      store_from "$(dirname "$candidate")"
      echo "release $url" > "$AITRAIL_HOME/origin"
      say "installed the release binary $asset (sha256 $actual) into $bin"
      printf '%s\n' "$bin"; exit 0
    fi
    say "the release binary does not run here ($(ldd "$candidate" 2>/dev/null | grep 'not found' | awk '{ print $1 }' | paste -sd' ' -) missing: it is built on Debian 12); building from source instead"
  else
    say "no release binary at $url ($(tr -d '\n' < "$work/curl.err")); building from source"
  fi
fi

# 3. A build, once: the CI cache keeps $AITRAIL_HOME.
source_dir="${AITRAIL_SOURCE:-}"
if [ -z "$source_dir" ]; then
  [ -n "${AITRAIL_REPOSITORY:-}" ] || die "no release binary and nothing to build from: set AITRAIL_SOURCE or AITRAIL_REPOSITORY"
  source_dir="$(mktemp -d)/aitrail"
  say "cloning $AITRAIL_REPOSITORY at v$version"
  git clone --quiet --depth 1 --branch "v$version" "$AITRAIL_REPOSITORY" "$source_dir" ||
    die "cannot clone $AITRAIL_REPOSITORY at tag v$version"
fi
[ -f "$source_dir/scripts/lib/setup.sh" ] || die "$source_dir is not a checkout of aitrail (no scripts/lib/setup.sh)"
command -v swift >/dev/null || die "no release binary runs here and there is no Swift toolchain to build one: use a Debian 12 image (release binary) or one with Swift (e.g. swift:6.1-bookworm)"
say "building aitrail $version from $source_dir (once; the cache keeps it)"
started=$SECONDS
# shellcheck source=../scripts/lib/setup.sh
built="$(source "$source_dir/scripts/lib/setup.sh" && ensure_release_binary)"
install -m 0755 "$built" "$bin"
store_from "$(dirname "$built")"
echo "build $source_dir" > "$AITRAIL_HOME/origin"
runs "$bin" || die "the binary built from $source_dir does not report version $version: $("$bin" --version 2>&1 || true)"
say "built in $((SECONDS - started)) s: $bin"
printf '%s\n' "$bin"
