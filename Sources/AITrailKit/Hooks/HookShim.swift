/// The hook shims `aitrail install` writes (SPEC §10): POSIX sh that decides the common case (no
/// agent) without starting aitrail, so a human commit pays a few shell builtins and one grep.
/// The template is `hooks/aitrail-shim.sh` in the source tree (a test keeps the two identical); the
/// agent markers are written in from the registry and the policy, so the registry stays the one
/// source of truth and `aitrail status` can tell when a shim is stale.
public struct HookShim: Sendable {
    /// The hooks aitrail installs.
    public static let hookNames = ["prepare-commit-msg", "commit-msg", "post-commit", "pre-push"]
    /// The first line after the shebang of every shim carries this, so install and status recognise them.
    public static let signature = "aitrail-shim"
    public static let version = "1"
    /// Suffix of a pre-existing hook kept and chained by the shim.
    public static let chainedSuffix = ".pre-aitrail"

    public var markers: [EnvironmentMarker]
    /// Trailer keys (lower case) that, written in a message, mean the hook has work.
    public var trailerKeys: [String]
    /// Absolute path of the aitrail binary; the shim falls back to `aitrail` on PATH.
    public var binary: String
    /// True when the shim lives in `<git-common-dir>/hooks` and can find the common dir from `$0`.
    public var inCommonDirectory: Bool
    /// The names `AI_AGENT` and `AGENT` count for (the registry's ids and aliases, in lower case):
    /// any other value is no agent (`AGENT=jenkins`), and the shim does not start aitrail for it.
    public var knownAgentNames: [String]

    public init(markers: [EnvironmentMarker], trailerKeys: [String], binary: String, inCommonDirectory: Bool = true,
                knownAgentNames: [String] = []) {
        self.markers = markers
        self.trailerKeys = trailerKeys
        self.binary = binary
        self.inCommonDirectory = inCommonDirectory
        self.knownAgentNames = knownAgentNames
    }

    /// The shim for the given policy: its custom agents' markers and its `tag.trailer` key included.
    public init(policy: Policy, binary: String, inCommonDirectory: Bool = true) {
        let detector = CommitTimeDetector(registry: policy.registry)
        self.init(markers: detector.markers, trailerKeys: Classifier.assistedByKeys(tagTrailer: policy.tag.trailer), binary: binary, inCommonDirectory: inCommonDirectory,
                  knownAgentNames: detector.genericAgentNames)
    }

    /// A short digest of what the shim tests, shown in its header.
    public var digest: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (environmentTests + "\n" + genericAgentTests + "\n" + trailerKeys.joined(separator: "|")).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public func render(hook: String) -> String {
        HookShim.template
            .replacing("@HOOK@", with: hook)
            .replacing("@VERSION@", with: HookShim.version)
            .replacing("@DIGEST@", with: digest)
            .replacing("@ENVIRONMENT_TESTS@", with: environmentTests)
            .replacing("@GENERIC_AGENT_TESTS@", with: genericAgentTests)
            .replacing("@COMMON_DIR@", with: inCommonDirectory ? "\"${0%/*}/..\"" : "$(git rev-parse --git-common-dir)")
            .replacing("@TRAILER_KEY_PATTERNS@", with: trailerKeyPatterns)
            .replacing("@TRAILER_KEYS@", with: trailerKeys.joined(separator: "|"))
            .replacing("@BINARY@", with: HookShim.quoted(binary))
            .replacing("@SKIPPED@", with: hook == "pre-push" ? "notes not synced" : "commit not tagged")
    }

    /// The variables that name an agent by any of its names (`AI_AGENT`, `AGENT`), when the shim knows
    /// the names: tested apart, by `genericAgentTests`.
    private var genericVariables: Set<String> { knownAgentNames.isEmpty ? [] : Set(CommitTimeDetector.genericVariables) }

    /// One `-n` test for the markers that only need a value, one `case` per marker that tests it.
    var environmentTests: String {
        var lines: [String] = []
        let generic = genericVariables
        let presentVariables = markers.filter { $0.test == .present && !generic.contains($0.variable) }.map(\.variable)
        if !presentVariables.isEmpty {
            lines.append("\t[ -n \"\(presentVariables.map { "${\($0)-}" }.joined())\" ] && return 0")
        }
        // A variable already tested for any value needs no test of its value.
        for marker in markers where !presentVariables.contains(marker.variable) {
            let pattern: String
            switch marker.test {
            case .present: continue
            case .equals(let value): pattern = HookShim.quoted(value)
            case .hasPrefix(let value): pattern = HookShim.quoted(value) + "*"
            case .hasSuffix(let value): pattern = "*" + HookShim.quoted(value)
            }
            lines.append("\tcase ${\(marker.variable)-} in \(pattern)) return 0 ;; esac")
        }
        return lines.joined(separator: "\n")
    }

    /// One `case` per generic variable: what EnvironmentDetector reads, a known name in any letter
    /// case, alone or followed by '/', ' ' or '@' (`claude-code/2.1`).
    var genericAgentTests: String {
        let names = knownAgentNames.map(HookShim.caseInsensitive)
        let pattern = (names + names.map { $0 + "[/@]*" } + names.map { $0 + "\\ *" }).joined(separator: "|")
        return CommitTimeDetector.genericVariables.filter(genericVariables.contains)
            .map { "\tcase ${\($0)-} in \(pattern)) return 0 ;; esac" }.joined(separator: "\n")
    }

    /// `case` patterns for a line that starts with a trailer key, then blanks and a colon, in any letter
    /// case: what the shim's grep matches, and lines with text between the key and a colon.
    var trailerKeyPatterns: String {
        trailerKeys.map(HookShim.caseInsensitive).map { "\($0):*|\($0)[[:space:]]*:*" }.joined(separator: "|")
    }

    /// A case pattern matching `name` in any letter case: `[cC][oO][dD][eE][xX]`.
    static func caseInsensitive(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isASCII && character.isLetter {
                out += "[\(character.lowercased())\(character.uppercased())]"
            } else if character.isASCII && character.isNumber || "-_.".contains(character) {
                out.append(character)
            } else {
                out += "\\" + String(character)
            }
        }
        return out
    }

    /// `text` as one single-quoted sh word.
    static func quoted(_ text: String) -> String { "'" + text.replacing("'", with: "'\\''") + "'" }

    /// The shim template, `hooks/aitrail-shim.sh`.
    public static let template = #"""
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

"""#
}
