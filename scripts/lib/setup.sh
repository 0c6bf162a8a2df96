# Shared set-up for scripts/: installs what aitrail needs on a fresh Debian machine.
# Sourced, not run. Installs only what is missing; `apt-get update` runs at most once.

AITRAIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
_aitrail_apt_updated=0

_aitrail_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "aitrail: need root (or sudo) to run: $*" >&2; return 1; fi
}

# apt_install PACKAGE... : installs the Debian packages that are not installed yet.
apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "aitrail: installing ${missing[*]} (apt-get)" >&2
  if [ "$_aitrail_apt_updated" -eq 0 ]; then
    _aitrail_sudo apt-get update -qq >&2
    _aitrail_apt_updated=1
  fi
  _aitrail_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# What building aitrail needs: libgit2 and pkg-config (SwiftPM finds libgit2 through it); the
# organisation store's executable (aitrail-store) links the system's libsqlite3 and libpq.
ensure_build_deps() {
  apt_install libgit2-dev pkg-config libsqlite3-dev libpq-dev
}

# Builds the release binaries, aitrail and aitrail-store beside it (Swift standard library linked
# statically), when any source is newer, or when aitrail was rebuilt since by a plain
# `swift build -c release` (linked dynamically: slower to start). Prints aitrail's path. AITRAIL_BUILD_PATH, when set, is the build folder instead of
# .build (a second one, e.g. for tests that run inside `swift test`, which holds .build's lock).
ensure_release_binary() {
  local build="${AITRAIL_BUILD_PATH:-$AITRAIL_ROOT/.build}"
  local binary="$build/release/aitrail" stamp="$build/aitrail-static.stamp"
  if [ ! -x "$binary" ] || [ ! -x "$build/release/aitrail-store" ] || [ ! -e "$stamp" ] || [ "$binary" -nt "$stamp" ] ||
     [ -n "$(find "$AITRAIL_ROOT/Sources" "$AITRAIL_ROOT/Package.swift" -newer "$binary" -print -quit)" ]; then
    ensure_build_deps
    echo "aitrail: building release binary" >&2
    for product in aitrail aitrail-store; do
      (cd "$AITRAIL_ROOT" && swift build -c release --static-swift-stdlib --product "$product" --scratch-path "$build" >&2)
    done
    touch "$binary"
    touch -r "$binary" "$stamp"
  fi
  printf '%s\n' "$binary"
}

# The version in the sources (AITrailVersion.number in Sources/AITrailKit/Version.swift), e.g. 0.1.0.
aitrail_source_version() {
  local root="${1:-$AITRAIL_ROOT}" version
  version="$(sed -nE 's/.*static let number = "([^"]+)".*/\1/p' "$root/Sources/AITrailKit/Version.swift" 2>/dev/null | head -n1)"
  [ -n "$version" ] || { echo "aitrail: no AITrailVersion.number in $root/Sources/AITrailKit/Version.swift" >&2; return 1; }
  printf '%s\n' "$version"
}
