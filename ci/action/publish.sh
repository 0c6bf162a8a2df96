#!/usr/bin/env bash
# The Action with mode: publish (on pushes to the default branch): stores this repository's
# per-commit audit records in the organisation's database (`aitrail publish`, docs/store.md). The
# database URL comes from a secret, through AITRAIL_DB: never on a command line.
set -euo pipefail
event="${GITHUB_EVENT_NAME:-}" ref="${GITHUB_REF:-}" default="${AITRAIL_DEFAULT_BRANCH:-}"
if [ "$event" != push ] || [ -z "$default" ] || [ "$ref" != "refs/heads/$default" ]; then
  echo "aitrail: mode publish runs on pushes to the default branch (${default:-unknown}); this run is '$event' on '$ref': nothing published"
  exit 0
fi
if [ -z "${AITRAIL_DB:-}" ]; then
  echo "::error title=aitrail publish::no database URL: pass one from a secret (with: { db: \${{ secrets.AITRAIL_DB }} }, docs/store.md)"
  exit 2
fi
export AITRAIL_DB
# The records read the notes (usage, evidence): fetch them when the checkout did not.
git fetch --quiet --no-tags origin '+refs/notes/aitrail:refs/notes/aitrail' 2>/dev/null || echo "aitrail: no refs/notes/aitrail on origin yet"
args=(publish)
[ -z "${AITRAIL_REPO_ID:-}" ] || args+=(--repo-id "$AITRAIL_REPO_ID")
exec "${AITRAIL_BINARY:-aitrail}" "${args[@]}"
