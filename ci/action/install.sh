#!/usr/bin/env bash
# Step 2 of the Action: puts aitrail on the job's PATH — from the cache (restored by actions/cache
# at AITRAIL_HOME), else from the GitHub release of this version (checksum verified), else built
# once from the action's own sources (ci/install.sh). Never a build when the cache has the binary.
set -euo pipefail
root="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this as a step of the aitrail action}"
export AITRAIL_SOURCE="$root"
export AITRAIL_HOME="${AITRAIL_HOME:?AITRAIL_HOME is not set (the path of the cache step)}"
version="$(sed -nE 's/.*static let number = "([^"]+)".*/\1/p' "$root/Sources/AITrailKit/Version.swift" | head -n1)"
export AITRAIL_VERSION="$version"
if [ -z "${AITRAIL_RELEASE_URL+set}" ]; then
  # The action's repository from where the runner checked it out (…/_actions/<owner>/<repo>/<ref>).
  repository="aitrail/aitrail"
  case "$root" in */_actions/*/*/*) rest="${root#*/_actions/}"; repository="$(echo "$rest" | cut -d/ -f1-2)" ;; esac
  export AITRAIL_RELEASE_URL="${GITHUB_SERVER_URL:-https://github.com}/$repository/releases/download/v$version"
fi
started=$SECONDS
binary="$("$root/ci/install.sh")"
echo "aitrail: $("$binary" --version) at $binary (install step: $((SECONDS - started)) s)"
[ -n "${GITHUB_PATH:-}" ] && dirname "$binary" >> "$GITHUB_PATH"
[ -n "${GITHUB_ENV:-}" ] && echo "AITRAIL_BINARY=$binary" >> "$GITHUB_ENV"
exit 0
