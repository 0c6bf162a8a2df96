#!/bin/sh
# aitrail @HOOK@ hook (aitrail-shim @VERSION@, markers @DIGEST@), written by `aitrail install`;
# `aitrail uninstall` restores what was here. A human commit is decided here without starting
# aitrail: it runs only for an agent's marker, a declared session, an AI trailer or pending work.
hook=@HOOK@
if [ -x "$0.pre-aitrail" ]; then
	"$0.pre-aitrail" "$@" || exit $?
fi
[ "${AITRAIL-}" = 0 ] && exit 0
[ -n "${AITRAIL_SYNCING-}" ] && exit 0
gitdir=${GIT_DIR:-.git}
[ -d "$gitdir" ] || gitdir=${GIT_INDEX_FILE%/*}
# prepare-commit-msg checked this very message already: nothing to do unless it was edited since.
if [ "$hook" = commit-msg ] && [ -f "$gitdir/aitrail/validated-message" ] &&
	cmp -s "$1" "$gitdir/aitrail/validated-message"; then
	exit 0
fi

aitrail_agent_env() {
@ENVIRONMENT_TESTS@
	return 1
}

common=@COMMON_DIR@
work=
if aitrail_agent_env || [ -f "$common/aitrail/session.json" ]; then
	work=1
else
	case $hook in
	prepare-commit-msg|commit-msg)
		grep -qiE '^(@TRAILER_KEYS@)[[:space:]]*:' "$1" 2>/dev/null && work=1 ;;
	post-commit)
		[ -e "$gitdir/aitrail/ai-commit" ] && work=1
		for pending in "$gitdir"/aitrail/pending/*; do [ -e "$pending" ] && work=1; break; done ;;
	*)
		work=1 ;;
	esac
fi
[ -n "$work" ] || exit 0

bin=@BINARY@
if [ ! -x "$bin" ]; then
	bin=$(command -v aitrail) || {
		echo "aitrail: @BINARY_SHOWN@ not found and no aitrail on PATH (@SKIPPED@; reinstall aitrail, then run \`aitrail install\`)" >&2
		exit 0
	}
fi
export AITRAIL_COMMON_DIR="$common" AITRAIL_GIT_DIR="$gitdir"
"$bin" hook "$hook" "$@"
status=$?
case $status in
0) exit 0 ;;
1) [ "$hook" = commit-msg ] && exit 1 ;;
esac
echo "aitrail: $bin failed (exit $status) in the $hook hook (@SKIPPED@; \`aitrail detect\` shows what it sees)" >&2
exit 0
