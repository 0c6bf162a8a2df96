#!/bin/sh
# aitrail @HOOK@ hook (aitrail-shim @VERSION@, markers @DIGEST@), written by `aitrail install`;
# `aitrail uninstall` restores what was here. A human commit is decided here without starting
# aitrail: it runs only for an agent's marker, a declared session, an AI trailer, pending work,
# or a policy changed since aitrail last read it.
hook=@HOOK@

# The hook that was here before runs first, under this hook's own name ($0), with the same
# arguments, standard input and environment, so dispatchers that key on their name (husky's
# `n=$(basename "$0")`, overcommit) keep working: a shell script is read by its own shell with $0
# set to this hook (a text file without `#!` is a shell script, as git runs it); another program
# (a binary, Perl, Ruby) runs through a link that has this hook's name.
aitrail_shell() {
	aitrail_sh= line=
	IFS= read -r line <"$1" 2>/dev/null
	case $line in
	'#!'*) line=${line#??} ;;
	*[![:print:][:blank:]]*) return ;;
	*) line=/bin/sh ;;
	esac
	set -f
	set -- $line
	set +f
	[ "${1##*/}" = env ] && shift
	case ${1##*/} in sh|bash|dash|ksh|mksh|ash|zsh|posh|yash) aitrail_sh=$* ;; esac
}
if [ -x "$0.pre-aitrail" ]; then
	aitrail_shell "$0.pre-aitrail"
	if [ -n "$aitrail_sh" ]; then
		set -f
		$aitrail_sh -c '. "$0.pre-aitrail"' "$0" "$@" || exit $?
		set +f
	else
		case $0 in /*) target=$0.pre-aitrail ;; *) target=$PWD/$0.pre-aitrail ;; esac
		link=@COMMON_DIR@/aitrail/chained/$hook
		[ "$link" -ef "$target" ] || { mkdir -p "${link%/*}" && ln -sf "$target" "$link"; } 2>/dev/null || link=$target
		"$link" "$@" || exit $?
	fi
fi
[ "${AITRAIL-}" = 0 ] && exit 0
[ -n "${AITRAIL_SYNCING-}" ] && exit 0
gitdir=${GIT_DIR:-.git}
[ -d "$gitdir" ] || gitdir=${GIT_INDEX_FILE%/*}

# The message tests below read a message's usual length (up to 100 lines) with shell builtins, so
# they start no process (a cmp or grep costs about as much as the rest of the shim); beyond that,
# cmp and grep decide.

# Whether file $2 is this git process's id ($PPID) on a line, then a copy of message $1 (equal as
# `cmp -s` says): what prepare-commit-msg of this very commit wrote when the message passed its checks.
aitrail_validated() {
	aitrail_lines=0
	{
		IFS= read -r aitrail_b <&4 && [ "$aitrail_b" = "$PPID" ] || return 1
		while :; do
			aitrail_a= aitrail_b=
			IFS= read -r aitrail_a <&3
			aitrail_end=$?
			IFS= read -r aitrail_b <&4
			[ "$aitrail_end" = $? ] && [ "$aitrail_a" = "$aitrail_b" ] || return 1
			[ "$aitrail_end" = 0 ] || return 0
			aitrail_lines=$((aitrail_lines + 1))
			[ "$aitrail_lines" -lt 100 ] || break
		done
	} 2>/dev/null 3<"$1" 4<"$2" || return 1
	tail -n +2 "$2" | cmp -s "$1" -
}

# Whether a line of message $1 starts with an AI trailer key, as
# `grep -qiE '^(<keys>)[[:space:]]*:'` says (the builtin test may also start aitrail for
# `<key> text: …`, which aitrail then reads as no trailer).
aitrail_trailer_key() {
	aitrail_lines=0
	while IFS= read -r aitrail_a || [ -n "$aitrail_a" ]; do
		case $aitrail_a in @TRAILER_KEY_PATTERNS@) return 0 ;; esac
		aitrail_lines=$((aitrail_lines + 1))
		[ "$aitrail_lines" -lt 100 ] || break
	done 2>/dev/null <"$1" || return 1
	[ "$aitrail_lines" -ge 100 ] && grep -qiE '^(@TRAILER_KEYS@)[[:space:]]*:' "$1" 2>/dev/null
}

# prepare-commit-msg checked this very message already: nothing to do unless it was edited since.
if [ "$hook" = commit-msg ] && aitrail_validated "$1" "$gitdir/aitrail/validated-message"; then
	exit 0
fi

aitrail_agent_env() {
@ENVIRONMENT_TESTS@
	return 1
}

# Starts aitrail for this hook, and ends the shim.
aitrail_run() {
	want=@BINARY@
	bin=$want
	if [ ! -x "$bin" ]; then
		bin=$(command -v aitrail) || {
			echo "aitrail: $want not found and no aitrail on PATH (@SKIPPED@; reinstall aitrail, then run \`aitrail install\`)" >&2
			exit 0
		}
	fi
	export AITRAIL_COMMON_DIR="$common" AITRAIL_GIT_DIR="$gitdir" AITRAIL_SHIM=@DIGEST@ AITRAIL_GIT_PID=$PPID
	# git ignores what post-commit returns: there aitrail takes the shell's place (one process fewer
	# per agent commit) and says itself what it could not do.
	[ "$hook" = post-commit ] && exec "$bin" hook "$hook" "$@"
	"$bin" hook "$hook" "$@"
	status=$?
	case $status in
	0) exit 0 ;;
	1) [ "$hook" = commit-msg ] && exit 1 ;;
	esac
	echo "aitrail: $bin failed (exit $status) in the $hook hook (@SKIPPED@; \`aitrail detect\` shows what it sees)" >&2
	exit 0
}

common=@COMMON_DIR@
policy=${GIT_WORK_TREE:-.}/.aitrail
work=
if aitrail_agent_env || [ -f "$common/aitrail/session.json" ]; then
	work=1
elif [ -f "$policy" ] && ! [ "$common/aitrail/policy-seen" -nt "$policy" ]; then
	# The policy changed since aitrail last read it: it may declare an agent or a trailer key
	# this shim does not test yet, so aitrail decides (and notes when nothing changed for the shim).
	work=1
else
	case $hook in
	prepare-commit-msg|commit-msg)
		aitrail_trailer_key "$1" && work=1 ;;
	post-commit)
		[ -e "$gitdir/aitrail/ai-commit" ] && work=1
		for pending in "$gitdir"/aitrail/pending/*; do [ -e "$pending" ] && work=1; break; done ;;
	*)
		work=1 ;;
	esac
fi
[ -n "$work" ] && aitrail_run "$@"

# AI_AGENT and AGENT count only for the names of agents aitrail knows (`AGENT=jenkins` is no agent).
# Tested last: a shell reads these long patterns only when one of the two variables is set.
[ -n "${AI_AGENT-}${AGENT-}" ] || exit 0
aitrail_generic_agent() {
@GENERIC_AGENT_TESTS@
	return 1
}
aitrail_generic_agent && aitrail_run "$@"
exit 0
