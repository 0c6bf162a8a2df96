#!/usr/bin/env bash
# Step 3 of the Action (mode: check): fetches the evidence notes, runs `aitrail check` on the
# event's range, writes the SARIF report when asked, posts or updates the pull request comment
# when asked (ci/action/comment.sh), and exits with the gate's status (1 findings, 2 cannot decide).
#
# Environment (from action.yml's inputs): AITRAIL_RANGE, AITRAIL_FORMAT (default github),
# AITRAIL_SARIF, AITRAIL_COMMENT (true/false), AITRAIL_FETCH (default true), AITRAIL_BINARY.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
aitrail="${AITRAIL_BINARY:-aitrail}"
format="${AITRAIL_FORMAT:-github}"
range=()
[ -n "${AITRAIL_RANGE:-}" ] && range=("$AITRAIL_RANGE")

if [ "${AITRAIL_FETCH:-true}" = true ]; then
  git fetch --quiet --no-tags origin '+refs/notes/aitrail:refs/notes/aitrail' 2>/dev/null ||
    echo "::notice title=aitrail::no refs/notes/aitrail on origin yet; AI-assisted commits will have no evidence"
fi

started=$SECONDS
if [ -n "${AITRAIL_SARIF:-}" ]; then
  "$aitrail" check "${range[@]}" --no-fetch --format sarif --output "$AITRAIL_SARIF" || true
fi
# --format github prints annotations and appends a Markdown summary to $GITHUB_STEP_SUMMARY.
"$aitrail" check "${range[@]}" --no-fetch --format "$format"
status=$?

if [ "${AITRAIL_COMMENT:-false}" = true ]; then
  report="$(mktemp)"
  "$aitrail" check "${range[@]}" --no-fetch --format markdown > "$report" 2>/dev/null
  if [ -s "$report" ]; then
    "$here/comment.sh" "$report" || echo "::warning title=aitrail::the pull request comment was not posted (see the log above); the gate's result stands"
  else
    echo "::warning title=aitrail::no Markdown report to comment (aitrail check could not decide: exit $status)"
  fi
  rm -f "$report"
fi
echo "aitrail: check step: exit $status in $((SECONDS - started)) s"
exit $status
