#!/usr/bin/env bash
# The Action with mode: carry (on pushes to the default branch): copies the records of squash- or
# rebase-merged pull requests onto the commits that replaced them and pushes the notes
# (`aitrail carry --from-ci`, docs/hooks.md).
set -euo pipefail
if [ "${AITRAIL_MODE:-carry}" != carry ]; then
  echo "::error title=aitrail::unknown mode '$AITRAIL_MODE' (use check, carry or publish)"; exit 64
fi
exec "${AITRAIL_BINARY:-aitrail}" carry --from-ci
