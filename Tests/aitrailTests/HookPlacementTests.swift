import Foundation
import Testing
import TestSupport

/// The tag lands where `git interpret-trailers --if-exists addIfDifferent --trailer` puts it, byte for
/// byte: each case runs the same `git commit` in a repository with aitrail's hooks and in one whose
/// prepare-commit-msg hook is git interpret-trailers itself, and compares the stored messages.
@Suite struct HookPlacementTests {
    struct Pair {
        let hooked: HookedRepository
        let reference: HookedRepository

        init(config: [String: String] = [:]) throws {
            hooked = try HookedRepository()
            reference = try HookedRepository(install: false)
            try reference.writeScript(".git/hooks/prepare-commit-msg", """
                #!/bin/sh
                exec git interpret-trailers --in-place --if-exists addIfDifferent --trailer 'Assisted-by: claude-code' "$1"

                """)
            for (key, value) in config {
                try hooked.repo.git(["config", key, value])
                try reference.repo.git(["config", key, value])
            }
        }

        /// Commits the same change with `arguments` in both; returns both stored messages.
        func commit(_ arguments: [String], environment: [String: String] = [:]) throws -> (ours: [UInt8], git: [UInt8]) {
            var env = environment
            env["CLAUDECODE"] = "1"
            let ours = try hooked.commit(arguments, environment: env, file: "same.txt")
            let theirs = try reference.commit(arguments, environment: env, file: "same.txt")
            #expect(ours.status == 0, "\(ours.stderr)")
            #expect(theirs.status == 0, "\(theirs.stderr)")
            return (try hooked.rawMessage(), try reference.rawMessage())
        }
    }

    @Test(arguments: [
        "subject only",
        "subject\n\nbody paragraph\nsecond line",
        "subject\n\nbody\n\nSigned-off-by: Jane Doe <jane@example.com>",
        "subject\n\nReviewed-by: Jane Doe <jane@example.com>\nAssisted-by: claude-code",
        "subject\n\nCloses #12",
        "fixup: subject\n\nbody\n---\nnot a patch part here",
    ])
    func dashM(_ message: String) throws {
        let pair = try Pair()
        let result = try pair.commit(["-m", message])
        #expect(result.ours == result.git, "\(String(decoding: result.ours, as: UTF8.self))")
    }

    @Test func dashF() throws {
        let pair = try Pair()
        let file = try makeTemporaryDirectory() + "/message"
        try Data("from a file\n\nwith a body\n\nBug: 123\n".utf8).write(to: URL(fileURLWithPath: file))
        let result = try pair.commit(["-F", file])
        #expect(result.ours == result.git)
    }

    @Test func editorWithCommentLines() throws {
        let pair = try Pair()
        let editor = "sed -i '1i written in the editor\\n\\nbody from the editor'"
        let result = try pair.commit(["-e", "-m", ""], environment: ["GIT_EDITOR": editor])
        #expect(result.ours == result.git, "\(String(decoding: result.ours, as: UTF8.self)) vs \(String(decoding: result.git, as: UTF8.self))")
    }

    @Test func editorWithVerboseScissors() throws {
        let pair = try Pair(config: ["commit.verbose": "true"])
        let editor = "sed -i '1i subject typed in the editor'"
        let result = try pair.commit([], environment: ["GIT_EDITOR": editor])
        #expect(result.ours == result.git, "\(String(decoding: result.ours, as: UTF8.self)) vs \(String(decoding: result.git, as: UTF8.self))")
    }

    @Test func customCommentCharacter() throws {
        let pair = try Pair(config: ["core.commentChar": ";"])
        let editor = "sed -i '1i subject\\n\\n# a line that is not a comment here'"
        let result = try pair.commit([], environment: ["GIT_EDITOR": editor])
        #expect(result.ours == result.git)
    }

    @Test func crlfMessageUnchangedButForTheTrailer() throws {
        let pair = try Pair()
        let file = try makeTemporaryDirectory() + "/message"
        let original = Array("subject\r\n\r\nbody line\r\n".utf8)
        try Data(original).write(to: URL(fileURLWithPath: file))
        let result = try pair.commit(["--cleanup=verbatim", "-F", file])
        #expect(result.ours == result.git)
        #expect(result.ours.starts(with: Array("subject\r\n\r\nbody line\r\n".utf8)))
    }

    @Test func nonUTF8MessageUnchangedButForTheTrailer() throws {
        // Latin-1 declared, so git keeps the bytes as they are.
        let pair = try Pair(config: ["i18n.commitEncoding": "ISO-8859-1"])
        let file = try makeTemporaryDirectory() + "/message"
        let original: [UInt8] = Array("caf".utf8) + [0xE9] + Array(" cr\u{0}".utf8.dropLast()) + Array("\n\nna".utf8) + [0xEF, 0xF6] + Array("ve body\n".utf8)
        try Data(original).write(to: URL(fileURLWithPath: file))
        let result = try pair.commit(["--cleanup=verbatim", "-F", file])
        #expect(result.ours == result.git)
        #expect(result.ours.starts(with: original))
    }
}
