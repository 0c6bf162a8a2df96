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

    public init(markers: [EnvironmentMarker], trailerKeys: [String], binary: String, inCommonDirectory: Bool = true) {
        self.markers = markers
        self.trailerKeys = trailerKeys
        self.binary = binary
        self.inCommonDirectory = inCommonDirectory
    }

    /// The shim for the given policy: its custom agents' markers and its `tag.trailer` key included.
    public init(policy: Policy, binary: String, inCommonDirectory: Bool = true) {
        let keys = ["assisted-by", "generated-by", "ai-used-for", policy.tag.trailer.lowercased()]
        var unique: [String] = []
        for key in keys where !unique.contains(key) { unique.append(key) }
        self.init(markers: CommitTimeDetector(registry: policy.registry).markers, trailerKeys: unique,
                  binary: binary, inCommonDirectory: inCommonDirectory)
    }

    /// A short digest of what the shim tests, shown in its header.
    public var digest: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (environmentTests + "\n" + trailerKeys.joined(separator: "|")).utf8 {
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
            .replacing("@COMMON_DIR@", with: inCommonDirectory ? "\"${0%/*}/..\"" : "$(git rev-parse --git-common-dir)")
            .replacing("@TRAILER_KEYS@", with: trailerKeys.joined(separator: "|"))
            .replacing("@BINARY_SHOWN@", with: binary.replacing("'", with: "").replacing("`", with: ""))
            .replacing("@BINARY@", with: HookShim.quoted(binary))
            .replacing("@SKIPPED@", with: hook == "pre-push" ? "notes not synced" : "commit not tagged")
    }

    /// One `-n` test for the markers that only need a value, one `case` per marker that tests it.
    var environmentTests: String {
        var lines: [String] = []
        let presentVariables = markers.filter { $0.test == .present }.map(\.variable)
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

    /// `text` as one single-quoted sh word.
    static func quoted(_ text: String) -> String { "'" + text.replacing("'", with: "'\\''") + "'" }

    /// The shim template, `hooks/aitrail-shim.sh`.
    public static let template = #"""
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

"""#
}
