#!/usr/bin/env bash
# Step 1 of the Action: the cache key of the aitrail binary. It changes with the action's sources
# (Package.swift and Sources/, hashed here: hashFiles() cannot read an action's own files), the
# runner's system (a build links that system's libgit2) and architecture.
# Writes key=… and path=… to $GITHUB_OUTPUT (and prints them).
set -euo pipefail
root="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this as a step of the aitrail action}"
version="$(sed -nE 's/.*static let number = "([^"]+)".*/\1/p' "$root/Sources/AITrailKit/Version.swift" | head -n1)"
sources="$(cd "$root" && find Package.swift Sources -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
system="$( . /etc/os-release 2>/dev/null && echo "${ID:-linux}${VERSION_ID:-}" || echo linux)"
key="aitrail-$version-$system-$(uname -m)-$sources"
path="${AITRAIL_HOME:-${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/aitrail/$version}"
{ echo "key=$key"; echo "path=$path"; } | tee -a "${GITHUB_OUTPUT:-/dev/null}"
