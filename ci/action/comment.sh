#!/usr/bin/env bash
# Posts REPORT (Markdown) as the pull request's aitrail comment, or updates the comment posted
# before — found by its hidden marker <!-- aitrail --> — so a pull request has one, current.
#
# Environment: GITHUB_TOKEN (needs pull-requests: write), GITHUB_REPOSITORY, GITHUB_EVENT_PATH,
# GITHUB_API_URL (default https://api.github.com).
# A token that may not write (a pull request from a fork on the `pull_request` event) is a
# warning, not a failure: see docs/check.md, "Pull requests from forks".
set -euo pipefail
report="${1:?usage: comment.sh REPORT.md}"
marker='<!-- aitrail -->'
api="${GITHUB_API_URL:-https://api.github.com}"
api="${api%/}"
repository="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set (owner/name)}"
[ -n "${GITHUB_TOKEN:-}" ] || { echo "::warning title=aitrail::no GITHUB_TOKEN: cannot comment (pass github-token, or set permissions: pull-requests: write)"; exit 1; }
number="$(python3 -c 'import json,sys
e=json.load(open(sys.argv[1]))
n=(e.get("pull_request") or e.get("issue") or {}).get("number") or e.get("number") or ""
print(n)' "${GITHUB_EVENT_PATH:?GITHUB_EVENT_PATH is not set}")"
if [ -z "$number" ]; then
  echo "aitrail: ${GITHUB_EVENT_NAME:-this} event has no pull request: no comment"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

request() { # request METHOD URL [BODY_FILE] -> response body in $work/response, prints the HTTP status
  local args=(-sS -o "$work/response" -w '%{http_code}' -X "$1" "$2"
    -H "Authorization: Bearer $GITHUB_TOKEN" -H "Accept: application/vnd.github+json"
    -H "X-GitHub-Api-Version: 2022-11-28")
  [ $# -ge 3 ] && args+=(-H "Content-Type: application/json" --data-binary "@$3")
  curl "${args[@]}"
}

# The previous comment: the first with the marker, over every page of the pull request's comments.
existing=""
page=1
while [ -z "$existing" ]; do
  status="$(request GET "$api/repos/$repository/issues/$number/comments?per_page=100&page=$page")"
  [ "$status" = 200 ] || { echo "::warning title=aitrail::cannot list the comments of pull request #$number (HTTP $status): $(head -c 300 "$work/response")"; exit 1; }
  read -r existing count < <(python3 -c 'import json,sys
c=json.load(open(sys.argv[1]))
print(next((str(x["id"]) for x in c if sys.argv[2] in (x.get("body") or "")), "-"), len(c))' "$work/response" "$marker")
  [ "$existing" = - ] && existing=""
  [ "$count" -lt 100 ] && break
  page=$((page + 1))
done

# GitHub refuses a comment over 65,536 characters: a longer report is cut, the step summary has it all.
python3 -c 'import json,sys
text = open(sys.argv[1], encoding="utf-8").read()
if len(text) > 60000:
    text = text[:60000].rsplit("\n", 1)[0] + "\n\n… (cut: the whole report is in the job summary)\n"
print(json.dumps({"body": sys.argv[2] + "\n" + text}))' "$report" "$marker" > "$work/body.json"
if [ -n "$existing" ]; then
  status="$(request PATCH "$api/repos/$repository/issues/comments/$existing" "$work/body.json")"
  verb=updated
else
  status="$(request POST "$api/repos/$repository/issues/$number/comments" "$work/body.json")"
  verb=posted
fi
case "$status" in
  200|201) echo "aitrail: $verb the comment on pull request #$number ($(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("html_url") or json.load(open(sys.argv[1]))["id"])' "$work/response"))" ;;
  403|404) echo "::warning title=aitrail::cannot comment on pull request #$number (HTTP $status): the token may not write here — a pull request from a fork gets a read-only token on 'pull_request' (docs/check.md, Pull requests from forks); otherwise grant permissions: pull-requests: write"; exit 1 ;;
  *) echo "::warning title=aitrail::commenting on pull request #$number failed (HTTP $status): $(head -c 300 "$work/response")"; exit 1 ;;
esac
