import CGit2
#if canImport(Glibc)
import Glibc
#endif

/// A repository's mailmap (`.mailmap` in the work tree, `mailmap.blob`, `mailmap.file`), read and
/// applied as git 2.39's `mailmap.c` does, helper by helper. libgit2 1.5's mailmap disagrees with
/// git: it drops a `Proper Name <proper@email> Old Name` line (git maps the email to the name and
/// ignores the rest: git.git's own `.mailmap` has such lines), compares emails and names with case,
/// and lets a later `<proper@email> <commit@email>` line erase an earlier line's name for the
/// same email (git keeps both).
public final class Mailmap: Sendable {
    /// git's `struct mailmap_info`: what a match maps to; nil keeps the commit's value.
    struct Replacement: Sendable {
        var name: String?
        var email: String?
    }

    /// git's `struct mailmap_entry`: one commit email's simple mapping and its name-specific ones.
    struct Entry: Sendable {
        var simple = Replacement()
        /// By the commit name folded as `strcasecmp` folds (ASCII letters only).
        var byName: [String: Replacement] = [:]
    }

    /// By the commit email, folded as `strcasecmp` folds.
    let entries: [String: Entry]

    /// The mailmap git would use in `repository`; empty when there is none. As git's
    /// `read_mailmap`: the work tree's `.mailmap` (not followed when it is a symbolic link), then
    /// the blob `mailmap.blob` names (`HEAD:.mailmap` by default in a bare repository), then the
    /// file `mailmap.file` names; a later line wins over an earlier one.
    public convenience init(repository: Repository) throws(GitError) {
        var texts: [[UInt8]] = []
        let config = try repository.config()
        if let work = repository.workDirectory, !FileSystem.isSymbolicLink(work + "/.mailmap"),
           let bytes = try? FileSystem.readRegularFile(work + "/.mailmap", limit: Mailmap.sizeLimit) {
            texts.append(bytes)
        }
        if let blob = try config.string("mailmap.blob") ?? (repository.isBare ? "HEAD:.mailmap" : nil),
           let bytes = repository.blobContents(named: blob) {
            texts.append(bytes)
        }
        if let file = try config.string("mailmap.file"), !file.isEmpty {
            let base = repository.workDirectory ?? repository.gitDirectory
            let path = file.hasPrefix("~/") ? (FileSystem.environment("HOME") ?? "") + file.dropFirst()
                : file.hasPrefix("/") ? file : base + "/" + file
            if let bytes = try? FileSystem.readRegularFile(path, limit: Mailmap.sizeLimit) { texts.append(bytes) }
        }
        self.init(texts: texts)
    }

    /// A mailmap from the text of a `.mailmap` file.
    public convenience init(text: String) {
        self.init(texts: [Array(text.utf8)])
    }

    /// Far beyond any real mailmap (the Linux kernel's is under 100 KiB); a bigger file is not one.
    static let sizeLimit = 16 << 20

    init(texts: [[UInt8]]) {
        var entries: [String: Entry] = [:]
        for text in texts {
            // git's `read_mailmap_string`: lines end at LF only; a CR stays in the line.
            for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
                Mailmap.readLine(Array(line), into: &entries)
            }
        }
        self.entries = entries
    }

    /// git's `read_mailmap_line`: `#` comments only at the start of a line; the first `<email>`
    /// must not be empty, the second may be; anything after a second `<email>`, or after a first
    /// one that no second follows (`Proper Name <proper@email> Old Name`), is ignored.
    static func readLine(_ line: [UInt8], into entries: inout [String: Entry]) {
        guard line.first != UInt8(ascii: "#") else { return }
        guard let first = parseNameAndEmail(line[...], allowEmptyEmail: false) else { return }
        var oldName: String?
        var oldEmail: String?
        if let rest = first.rest, let second = parseNameAndEmail(rest, allowEmptyEmail: true) {
            oldName = second.name
            oldEmail = second.email
        }
        addMapping(newName: first.name, newEmail: first.email, oldName: oldName, oldEmail: oldEmail, to: &entries)
    }

    /// git's `parse_name_and_email`: the name before `<` (trimmed; nil when empty), the email up
    /// to the next `>`, and what follows it (nil when nothing does).
    static func parseNameAndEmail(_ buffer: ArraySlice<UInt8>, allowEmptyEmail: Bool)
        -> (name: String?, email: String, rest: ArraySlice<UInt8>?)? {
        guard let left = buffer.firstIndex(of: UInt8(ascii: "<")),
              let right = buffer[(left + 1)...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
        if !allowEmptyEmail && left + 1 == right { return nil }
        var start = buffer.startIndex
        while start < left, isSpace(buffer[start]) { start += 1 }
        var end = left
        while end > start, isSpace(buffer[end - 1]) { end -= 1 }
        let name = start < end ? String(decoding: buffer[start..<end], as: UTF8.self) : nil
        let email = String(decoding: buffer[(left + 1)..<right], as: UTF8.self)
        return (name, email, right + 1 < buffer.endIndex ? buffer[(right + 1)...] : nil)
    }

    /// git's `isspace` (`sane_ctype`): space, tab, LF, CR; not VT or FF.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// git's `add_mapping`: a line without a commit email maps the proper email itself. A simple
    /// line (no commit name) sets what it gives and keeps what an earlier line gave; a line with a
    /// commit name replaces that name's mapping.
    static func addMapping(newName: String?, newEmail: String, oldName: String?, oldEmail: String?, to entries: inout [String: Entry]) {
        let key = fold(oldEmail ?? newEmail)
        let replacementEmail = oldEmail == nil ? nil : newEmail
        var entry = entries[key] ?? Entry()
        if let oldName {
            entry.byName[fold(oldName)] = Replacement(name: newName, email: replacementEmail)
        } else {
            if let newName { entry.simple.name = newName }
            if let replacementEmail { entry.simple.email = replacementEmail }
        }
        entries[key] = entry
    }

    /// `strcasecmp`'s folding: ASCII letters only, bytewise (so `René` and `RENÉ` differ, as in git).
    static func fold(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return text }
        return String(decoding: text.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    public func resolve(_ signature: Signature) -> Signature {
        let (name, email) = resolve(name: signature.name, email: signature.email)
        var out = signature
        out.name = name
        out.email = email
        return out
    }

    /// git's `map_user`: the entry for the email (any case); within it, the mapping for the name
    /// (any case) when there is one, else the simple mapping.
    public func resolve(name: String, email: String) -> (name: String, email: String) {
        guard !entries.isEmpty, let entry = entries[Mailmap.fold(email)] else { return (name, email) }
        let replacement = entry.byName.isEmpty ? entry.simple : entry.byName[Mailmap.fold(name)] ?? entry.simple
        return (replacement.name ?? name, replacement.email ?? email)
    }
}

extension Repository {
    /// The blob a revision such as `HEAD:.mailmap` names, or nil when it names none.
    func blobContents(named revision: String) -> [UInt8]? {
        var object: OpaquePointer?
        guard git_revparse_single(&object, pointer, revision) == 0, let object else { return nil }
        defer { git_object_free(object) }
        guard git_object_type(object) == GIT_OBJECT_BLOB else { return nil }
        return try? blob(ObjectID(git_object_id(object)!.pointee))
    }
}
