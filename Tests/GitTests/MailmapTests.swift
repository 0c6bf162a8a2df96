import Foundation
import Git
import Testing
import TestSupport

/// `.mailmap` applied as git applies it: every form gitmailmap(5) documents, and the shapes real
/// histories have, each compared with `git check-mailmap` in a real repository.
@Suite struct MailmapTests {
    /// Every contact mapped by our `Mailmap` and by `git check-mailmap`, side by side.
    static func differences(mailmap text: String, contacts: [(name: String, email: String)]) throws -> [String] {
        let repo = try TestRepository()
        try repo.write(".mailmap", text)
        let opened = try Repository(discovering: repo.path)
        let mailmap = try Mailmap(repository: opened)
        let fromGit = try repo.git(["check-mailmap"] + contacts.map { "\($0.name) <\($0.email)>" })
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(fromGit.count == contacts.count)
        var differences: [String] = []
        for (contact, expected) in zip(contacts, fromGit) {
            let mapped = mailmap.resolve(name: contact.name, email: contact.email)
            let ours = "\(mapped.name) <\(mapped.email)>"
            if ours != expected { differences.append("\(contact.name) <\(contact.email)>: git \(expected), aitrail \(ours)") }
        }
        return differences
    }

    static let documentedForms = """
        # gitmailmap(5): a comment line
        Proper One <proper1@x> OldName
        Proper Two <proper2@x> Commit Two <commit2@x>
        <proper3@x> <Commit3@X>
        Proper Four <commit4@x>
        Proper Five <proper5@x> <commit5@x>
        Name Only <commit6@x>
        <email6@x> <commit6@x>
        Complex Seven <proper7@x> seven person <commit7@x>
        Simple Seven <commit7@x>
        Later Wins <commit8@x> Old <commit8@x>
        Later Won <commit8@x> old <COMMIT8@x>
        Empty Email <proper9@x> <>
        A <commit10@x>
          Spaced   Out   <commit11@x>   # trailing text is ignored
        Crlf Name <commit12@x>\r
        Tabbed\tName\t<commit13@x>
        Not A Comment <commit14@x> # Still <ignored@x>
        No Email <>
        Unclosed <commit15@x
        René Scharfe <l.s.r@web.de> Rene Scharfe
        René Scharfe <l.s.r@web.de> <rene.scharfe@lsrfire.ath.cx>

        """

    static let documentedContacts: [(name: String, email: String)] = [
        ("OldName", "proper1@x"), ("Other", "PROPER1@x"),
        ("Commit Two", "commit2@x"), ("commit two", "COMMIT2@X"), ("Someone", "commit2@x"),
        ("A", "commit3@x"), ("B", "COMMIT3@x"),
        ("X", "Commit4@X"), ("Y", "commit5@x"), ("Z", "commit6@x"),
        ("Seven Person", "commit7@x"), ("Other", "commit7@x"),
        ("old", "commit8@x"), ("Nobody", "commit8@x"),
        ("Who", ""), ("Q", "commit10@x"), ("Q", "commit11@x"), ("Q", "commit12@x"), ("Q", "commit13@x"), ("Q", "commit14@x"),
        ("Q", "commit15@x"), ("Q", "unknown@x"),
        ("Rene Scharfe", "l.s.r@web.de"), ("René Scharfe", "L.S.R@web.de"), ("Rene Scharfe", "rene.scharfe@lsrfire.ath.cx"),
        ("RENÉ SCHARFE", "nobody@x"),
    ]

    @Test func everyDocumentedFormAgreesWithGit() throws {
        #expect(try Self.differences(mailmap: Self.documentedForms, contacts: Self.documentedContacts) == [])
    }

    /// git.git's own `.mailmap` maps `l.s.r@web.de` with a line `René Scharfe <l.s.r@web.de> Rene
    /// Scharfe` (a name where a second email would be); libgit2 1.5 drops the line, so its commits
    /// read "Rene" where `git log --use-mailmap` shows "René" (git.git's 506a7b66908e). The shape,
    /// end to end through the audit, against `git log`.
    @Test func gitGitsReneLineAsTheAuditSeesIt() throws {
        let repo = try TestRepository()
        try repo.write(".mailmap", "René Scharfe <l.s.r@web.de> Rene Scharfe\nJunio C Hamano <gitster@pobox.com> <junkio@cox.net>\n")
        for (name, email) in [("Rene Scharfe", "l.s.r@web.de"), ("René Scharfe", "l.s.r@web.de"), ("Junio Hamano", "JUNKIO@cox.net")] {
            try repo.commit("work by \(name)", environment: ["GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email])
        }
        let expected = try repo.git(["log", "--use-mailmap", "--format=%H %aN <%aE>"]).split(separator: "\n").map(String.init)
        #expect(expected.count == 3)
        #expect(expected.contains { $0.hasSuffix(" René Scharfe <l.s.r@web.de>") })
        let result = try runProcess(aitrailBinary, ["audit", "--format", "jsonl", "--no-cache"], in: repo.path, removing: agentEnvironment)
        #expect(result.status == 0, "\(result.stderr)")
        let ours = try result.stdout.split(separator: "\n").map { line -> String in
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let author = try #require(object["author"] as? [String: String])
            return "\(object["commit"] as? String ?? "") \(author["name"] ?? "") <\(author["email"] ?? "")>"
        }
        #expect(ours.sorted() == expected.sorted())
    }

    /// Random mailmaps over a few names and emails in mixed case, in every form, against git: what
    /// a hand-made table misses (order, overrides, merges of simple lines) shows up here. Seeded.
    @Test func randomMailmapsAgreeWithGit() throws {
        var random = SeededGenerator(seed: 0x6d61_696c_6d61_70)
        let names = ["Ann", "ann", "ANN", "Bob Li", "bob li", "Zoë", "ZOË"]
        let emails = ["a@x", "A@X", "b@x", "B@x", "c@y", "z@x"]
        for _ in 0..<4 {
            var lines: [String] = []
            for _ in 0..<14 {
                let name = names.randomElement(using: &random)!, email = emails.randomElement(using: &random)!
                let oldName = names.randomElement(using: &random)!, oldEmail = emails.randomElement(using: &random)!
                switch Int.random(in: 0..<5, using: &random) {
                case 0: lines.append("\(name) <\(email)>")
                case 1: lines.append("<\(email)> <\(oldEmail)>")
                case 2: lines.append("\(name) <\(email)> <\(oldEmail)>")
                case 3: lines.append("\(name) <\(email)> \(oldName) <\(oldEmail)>")
                default: lines.append("\(name) <\(email)> \(oldName)")
                }
            }
            var contacts: [(name: String, email: String)] = []
            for name in names { for email in emails { contacts.append((name, email)) } }
            let text = lines.joined(separator: "\n") + "\n"
            #expect(try Self.differences(mailmap: text, contacts: contacts) == [], "\(text)")
        }
    }

    /// The sources git reads after the work tree's file, later lines winning: `mailmap.blob` (by
    /// default `HEAD:.mailmap` in a bare repository) and `mailmap.file`.
    @Test func blobAndFileSourcesAgreeWithGit() throws {
        let repo = try TestRepository()
        try repo.write(".mailmap", "Tree Name <a@x>\nTree Only <t@x>\n")
        try repo.write("maps/blob", "Blob Name <a@x>\nBlob Only <b@x>\n")
        try repo.commit("maps")
        let other = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: other) }
        try "File Name <b@x>\n".write(toFile: other + "/mailmap", atomically: true, encoding: .utf8)
        try repo.git(["config", "mailmap.blob", "HEAD:maps/blob"])
        try repo.git(["config", "mailmap.file", other + "/mailmap"])
        let contacts = ["Q <a@x>", "Q <b@x>", "Q <t@x>"]
        let mailmap = try Mailmap(repository: Repository(discovering: repo.path))
        let ours = contacts.map { contact -> String in
            let name = String(contact.prefix { $0 != " " }), email = String(contact.drop { $0 != "<" }.dropFirst().dropLast())
            let mapped = mailmap.resolve(name: name, email: email)
            return "\(mapped.name) <\(mapped.email)>"
        }
        let fromGit = try repo.git(["check-mailmap"] + contacts).split(separator: "\n").map(String.init)
        #expect(ours == fromGit)
        #expect(ours == ["Blob Name <a@x>", "File Name <b@x>", "Tree Only <t@x>"])

        let bare = try TestRepository(bare: true)
        try repo.git(["push", "-q", bare.path, "HEAD:refs/heads/main"])
        let bareMap = try Mailmap(repository: Repository(at: bare.path))
        #expect(bareMap.resolve(name: "Q", email: "T@X").name == "Tree Only")
        #expect(try bare.git(["check-mailmap", "Q <T@X>"]) == "Tree Only <T@X>\n")
    }

    /// A `.mailmap` that is a symbolic link is not followed in a repository (git 2.32 and later).
    @Test func symbolicLinkMailmapIsNotFollowed() throws {
        let repo = try TestRepository()
        let outside = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try "Linked Name <a@x>\n".write(toFile: outside + "/map", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/.mailmap", withDestinationPath: outside + "/map")
        let mapped = try Mailmap(repository: Repository(discovering: repo.path)).resolve(name: "Q", email: "a@x")
        let fromGit = try repo.gitResult(["check-mailmap", "Q <a@x>"]).stdout
        #expect("\(mapped.name) <\(mapped.email)>\n" == fromGit)
    }
}
