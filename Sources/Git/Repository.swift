import CGit2
#if canImport(Glibc)
import Glibc
#endif

/// An open git repository. One per thread: libgit2 objects read through it must not cross threads.
public final class Repository {
    let pointer: OpaquePointer
    private var mappedPacks: PackReader??
    /// Opened as git's environment says (`GIT_DIR`, `GIT_OBJECT_DIRECTORY`, …): so are the
    /// workers' repositories and the object folder read directly.
    private var fromEnvironment = false

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    /// How to open this repository again on another thread (one `Repository` per thread).
    public struct Location: Sendable {
        let gitDirectory: String
        let fromEnvironment: Bool
    }

    public var location: Location { Location(gitDirectory: gitDirectory, fromEnvironment: fromEnvironment) }

    /// The same repository, opened the same way (the environment's object folders included).
    public convenience init(_ location: Location) throws(GitError) {
        if location.fromEnvironment {
            try self.init(discovering: nil)
        } else {
            try self.init(at: location.gitDirectory)
        }
    }

    /// The object folder: `GIT_OBJECT_DIRECTORY` when the repository was opened from the
    /// environment and it is set, else `<common-dir>/objects`.
    public var objectsDirectory: String {
        if fromEnvironment, let folder = FileSystem.environment("GIT_OBJECT_DIRECTORY"), !folder.isEmpty { return trimSlash(folder) }
        return commonDirectory + "/objects"
    }

    /// The pack files mapped for direct, lock-free reads (see PackReader); nil when there are none.
    var packReader: PackReader? {
        if let mappedPacks { return mappedPacks }
        let packs = PackReader(objectsDirectory: objectsDirectory)
        mappedPacks = .some(packs)
        return packs
    }
    /// The packs and the loose object files, read directly (see `ObjectFiles`).
    var objectFiles: ObjectFiles { ObjectFiles(packs: packReader, directory: objectsDirectory) }

    deinit { git_repository_free(pointer) }

    /// Opens the repository containing `path`, searching upwards like git does.
    /// With `path == nil`, follows git's environment (`GIT_DIR`, `GIT_WORK_TREE`, `GIT_INDEX_FILE`,
    /// `GIT_CEILING_DIRECTORIES`) and the current directory, as a hook or a git alias sees it.
    public convenience init(discovering path: String? = nil) throws(GitError) {
        Libgit2.initialise()
        var repo: OpaquePointer?
        let flags: UInt32 = path == nil ? GIT_REPOSITORY_OPEN_FROM_ENV.rawValue : 0
        let result = git_repository_open_ext(&repo, path, flags, nil)
        if result == GIT_ENOTFOUND.rawValue {
            throw GitError(
                "not a git repository: \(path ?? "the current directory") (run inside a repository, or `git init` first)",
                code: result)
        }
        try check(result)
        self.init(repo!)
        fromEnvironment = path == nil
    }

    /// Opens exactly the repository at `path` (a `.git` folder, a bare repository or a work tree), no search.
    public convenience init(at path: String) throws(GitError) {
        Libgit2.initialise()
        var repo: OpaquePointer?
        let result = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        if result == GIT_ENOTFOUND.rawValue {
            throw GitError("not a git repository: \(path)", code: result)
        }
        try check(result)
        self.init(repo!)
    }

    /// The repository's own git directory (a worktree's private one for a linked worktree).
    public var gitDirectory: String { trimSlash(String(cString: git_repository_path(pointer))) }

    /// The directory shared by all worktrees: objects, refs, hooks, config.
    public var commonDirectory: String { trimSlash(String(cString: git_repository_commondir(pointer))) }

    /// The work tree, or nil for a bare repository.
    public var workDirectory: String? {
        git_repository_workdir(pointer).map { trimSlash(String(cString: $0)) }
    }

    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }
    /// A shallow clone: `<common-dir>/shallow` lists commits. Read from the common directory, as git
    /// does: libgit2 1.5 looks in a linked worktree's own folder and so misses it there.
    public var isShallow: Bool {
        var info = stat()
        return git_repository_is_shallow(pointer) == 1 || (stat(commonDirectory + "/shallow", &info) == 0 && info.st_size > 0)
    }

    /// What `--all` walks from, as `git rev-list --all` (2.39) does: every reference that leads to
    /// a commit except notes (a tag of a blob is skipped), this worktree's own refs
    /// (`refs/bisect/*`, `refs/worktree/*`, `refs/rewritten/*`; another worktree's are not seen),
    /// HEAD and every other worktree's HEAD. A reference to an object that is missing is an error,
    /// as in git (`fatal: bad object`).
    public func allTips() throws(GitError) -> [ObjectID] {
        var tips: [ObjectID] = []
        func add(_ name: String, _ target: ObjectID) throws(GitError) {
            guard objectExists(target) else {
                throw GitError("the reference \(name) points at \(target.hex), which is not in this repository (git fails on it too); "
                    + "fix: fetch the object again, or delete the reference with `git update-ref -d \(name)`")
            }
            if let id = try? resolveCommit(target.hex) { tips.append(id) }
        }
        let perWorktree = ["refs/bisect/", "refs/worktree/", "refs/rewritten/"]
        let linked = gitDirectory != commonDirectory
        // Notes and the stash are not history (issue 9: a stash is not work anyone committed).
        for name in try referenceNames() where !name.hasPrefix("refs/notes/") && name != "refs/stash" {
            // In a linked worktree, those listed from the common folder are the main worktree's.
            if linked && perWorktree.contains(where: { name.hasPrefix($0) }) { continue }
            // A symbolic reference to a branch that does not exist (origin/HEAD after a prune) is
            // skipped, as git does.
            guard let target = try? referenceTarget(name) else { continue }
            try add(name, target)
        }
        if linked {
            for prefix in perWorktree {
                for (name, target) in looseReferences(gitDirectory, String(prefix.dropLast())) { try add(name, target) }
            }
        }
        if let head = try head() { tips.append(head) }
        var folders = [commonDirectory]
        for name in FileSystem.contents(ofDirectory: commonDirectory + "/worktrees").sorted() {
            folders.append(commonDirectory + "/worktrees/" + name)
        }
        for folder in folders where folder != gitDirectory {
            if let head = worktreeHead(folder) { try add(folder + "/HEAD", head) }
        }
        return tips
    }

    /// What makes `git log` show history other than as stored: replace refs (`refs/replace/*`,
    /// unless `GIT_NO_REPLACE_OBJECTS` is set) and grafts (`info/grafts`). Our readers walk
    /// commits as stored; the audit says so when this is not empty.
    public func historyRewrites() -> [String] {
        var found: [String] = []
        if FileSystem.environment("GIT_NO_REPLACE_OBJECTS") == nil, let names = try? referenceNames(under: "refs/replace/"), !names.isEmpty {
            found.append("\(names.count) replace ref\(names.count == 1 ? "" : "s") (refs/replace/)")
        }
        if FileSystem.exists(commonDirectory + "/info/grafts") { found.append("grafts (info/grafts)") }
        return found
    }

    /// A worktree's HEAD: the commit it names directly, or through the branch it points at.
    private func worktreeHead(_ folder: String) -> ObjectID? {
        guard let bytes = try? FileSystem.read(folder + "/HEAD") else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingSpaces
        if text.hasPrefix("ref: ") { return try? referenceTarget(String(text.dropFirst(5))) }
        return ObjectID(hex: text)
    }

    /// The loose references under `folder/prefix`, recursively: name and target.
    private func looseReferences(_ folder: String, _ prefix: String) -> [(String, ObjectID)] {
        var found: [(String, ObjectID)] = []
        for entry in FileSystem.contents(ofDirectory: folder + "/" + prefix).sorted() {
            let name = prefix + "/" + entry, path = folder + "/" + name
            if FileSystem.isDirectory(path) {
                found += looseReferences(folder, name)
            } else if let bytes = try? FileSystem.read(path), bytes.count >= 40,
                      let id = bytes.withUnsafeBufferPointer({ ObjectID(hexBytes: UnsafeBufferPointer(rebasing: $0[0..<40])) }) {
                found.append((name, id))
            }
        }
        return found
    }

    /// The newest entry of HEAD's reflog (this work tree's): what the last commit, amend, reset or
    /// checkout did. Nil without a reflog. Reads only the end of the file.
    public func lastHeadReflogEntry() -> (old: ObjectID, new: ObjectID, message: String)? {
        let descriptor = open(gitDirectory + "/logs/HEAD", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size > 0 else { return nil }
        let length = Int(min(info.st_size, 16_384))
        var tail = [UInt8](repeating: 0, count: length)
        guard pread(descriptor, &tail, length, off_t(Int(info.st_size) - length)) == length else { return nil }
        var lines = tail.split(separator: 0x0A)
        if length < Int(info.st_size) && lines.count > 1 { lines.removeFirst() }  // cut in the middle
        // `<old> <new> <name> <<email>> <time> <zone>\t<message>`
        guard let line = lines.last, line.count > 82, let tab = line.firstIndex(of: 0x09),
              let old = line.withUnsafeBufferPointer({ ObjectID(hexBytes: UnsafeBufferPointer(rebasing: $0[0..<40])) }),
              let new = line.withUnsafeBufferPointer({ ObjectID(hexBytes: UnsafeBufferPointer(rebasing: $0[41..<81])) }) else {
            return nil
        }
        return (old, new, String(decoding: line[(tab + 1)...], as: UTF8.self))
    }

    /// The commits a shallow clone's history is cut at (`<common-dir>/shallow`): git treats them as
    /// having no parents. Empty for a full clone.
    public func shallowCommits() -> Set<ObjectID> {
        guard let bytes = try? FileSystem.read(commonDirectory + "/shallow") else { return [] }
        return Set(bytes.split(separator: 0x0A).compactMap { line in
            line.withUnsafeBufferPointer { line.count == 40 ? ObjectID(hexBytes: $0) : nil }
        })
    }

    /// True when HEAD points at a branch with no commit yet.
    public var isHeadUnborn: Bool { git_repository_head_unborn(pointer) == 1 }

    /// HEAD's commit, or nil when HEAD is unborn.
    public func head() throws(GitError) -> ObjectID? {
        // The usual case first, as every post-commit hook meets it: HEAD names a commit our own
        // readers read (the check `resolveCommit` makes before libgit2 reads anything).
        var oid = git_oid()
        if git_reference_name_to_id(&oid, pointer, "HEAD") == 0 {
            let id = ObjectID(oid)
            if let object = try? objectFiles.read(id), object.type == 1 { return id }
        }
        if isHeadUnborn { return nil }
        return try resolveCommit("HEAD")
    }

    /// The full name HEAD points at (`refs/heads/main`), or nil when detached.
    public func headReferenceName() -> String? {
        var ref: OpaquePointer?
        guard git_reference_lookup(&ref, pointer, "HEAD") == 0, let ref else { return nil }
        defer { git_reference_free(ref) }
        guard git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC else { return nil }
        return String(cString: git_reference_symbolic_target(ref))
    }

    /// Checks every pack index's offsets before libgit2 reads through them (see
    /// `PackReader.verifyIndexes`): an error names the pack, the object and the fix.
    public func verifyPackIndexes() throws(GitError) {
        try packReader?.verifyIndexes()
    }

    /// Resolves a revision (`HEAD~2`, a branch, an id, `@{upstream}`) to the commit it names.
    public func resolveCommit(_ revision: String) throws(GitError) -> ObjectID {
        // libgit2 1.5 inflates a truncated loose object for ever: the object a reference or id
        // names, and every commit `~n`/`^n` steps from it could reach, are read first by our
        // readers, which name the damaged file instead (a few small files).
        let navigation = Repository.navigation(revision)
        if let named = namedObject(navigation.base) {
            do { try readNavigation(from: named, depth: navigation.depth) } catch {
                throw GitError("cannot read '\(revision)': \(error.message)")
            }
        }
        var object: OpaquePointer?
        let result = git_revparse_single(&object, pointer, revision)
        if result == GIT_ENOTFOUND.rawValue || result == GIT_EAMBIGUOUS.rawValue || result == GIT_EINVALIDSPEC.rawValue {
            try diagnoseUnreadable(revision)
            throw GitError("unknown revision '\(revision)'", code: result)
        }
        if result < 0 { try diagnoseUnreadable(revision) }
        try check(result)
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        let peel = git_object_peel(&peeled, object, GIT_OBJECT_COMMIT)
        if peel < 0 {
            try diagnoseUnreadable(revision)
            throw GitError("'\(revision)' does not name a commit", code: peel)
        }
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled)!.pointee)
    }

    /// When libgit2 cannot read what `revision` names though a reference or id names it, the error
    /// from our own readers, which names the pack or file at fault (libgit2 says `unknown revision`
    /// or `incorrect data check`). Returns when they read it, or nothing names it.
    private func diagnoseUnreadable(_ revision: String) throws(GitError) {
        guard let id = namedObject(revision) else { return }
        let found: (type: Int, bytes: [UInt8])?
        do { found = try objectFiles.read(id) } catch { throw GitError("cannot read '\(revision)': \(error.message)") }
        if found == nil, !objectExists(id) {
            throw GitError("'\(revision)' points at \(id.hex), which is not in this repository; fix: run `git fsck`, "
                + "then fetch it again (`git fetch`) or reset the reference to a commit that exists")
        }
    }

    /// A revision split into its base, without its trailing `~n`, `^n` and `^{…}` steps (`HEAD` of
    /// `HEAD~2^{tree}`), and how many parent steps those take at most (`HEAD~3^2`: 4; peels take
    /// none; saturating at `Int.max`).
    static func navigation(_ revision: String) -> (base: String, depth: Int) {
        var depth = 0
        var rest = Substring(revision)
        while true {
            if rest.hasSuffix("}"), let brace = rest.lastIndex(of: "{"), brace > rest.startIndex,
               rest[rest.index(before: brace)] == "^" {
                rest = rest[..<rest.index(before: brace)]
                continue
            }
            let digits = rest.reversed().prefix { $0.isASCII && $0.isNumber }.count
            let step = rest.dropLast(digits)
            guard let last = step.last, last == "~" || last == "^" else { return (String(rest), depth) }
            let count = last == "^" ? 1 : digits == 0 ? 1 : (Int(rest.suffix(digits)) ?? Int.max)
            let (sum, overflow) = depth.addingReportingOverflow(count)
            depth = overflow ? Int.max : sum
            rest = step.dropLast()
        }
    }

    /// Reads `start` and the commits up to `depth` parent steps from it with our own readers (at
    /// most 10,000), so that a damaged loose object libgit2 would loop on is named instead.
    private func readNavigation(from start: ObjectID, depth: Int) throws(GitError) {
        let files = objectFiles
        var level = [start]
        var seen: Set<ObjectID> = [start]
        var remaining = depth
        while !level.isEmpty {
            var next: [ObjectID] = []
            for id in level {
                guard let object = try files.read(id) else { continue }
                guard remaining > 0, object.type == 1 else { continue }
                object.bytes.withUnsafeBufferPointer { buffer in
                    guard let layout = CommitLayout(buffer) else { return }
                    for index in 0..<layout.parentCount {
                        let parent = layout.parentID(index, in: buffer)
                        if seen.count < 10_000, seen.insert(parent).inserted { next.append(parent) }
                    }
                }
            }
            if remaining == 0 { return }
            remaining -= 1
            level = next
        }
    }

    /// The object `revision` names when it is a reference (full or short name) or a full id,
    /// found without reading any object; nil for other revisions (`HEAD~2`, `v1^{tree}`).
    private func namedObject(_ revision: String) -> ObjectID? {
        var oid = git_oid()
        if git_reference_name_to_id(&oid, pointer, revision) == 0 { return ObjectID(oid) }
        var reference: OpaquePointer?
        guard git_reference_dwim(&reference, pointer, revision) == 0, let reference else { return ObjectID(hex: revision) }
        defer { git_reference_free(reference) }
        var resolved: OpaquePointer?
        guard git_reference_resolve(&resolved, reference) == 0, let resolved else { return nil }
        defer { git_reference_free(resolved) }
        return git_reference_target(resolved).map { ObjectID($0.pointee) }
    }

    /// Resolves a reference by full name to the object it points at, or nil when absent.
    public func referenceTarget(_ name: String) throws(GitError) -> ObjectID? {
        var oid = git_oid()
        let result = git_reference_name_to_id(&oid, pointer, name)
        guard try checkFound(result) else { return nil }
        return ObjectID(oid)
    }

    /// Full names of all references, optionally only those under `prefix` (ending in `/`), sorted.
    public func referenceNames(under prefix: String? = nil) throws(GitError) -> [String] {
        guard let prefix else { return try allReferenceNames() }
        // The loose files below `<common-dir>/<prefix>` and the lines of packed-refs that name a ref
        // under it, read directly: libgit2's glob iterator reads and sorts all of packed-refs first
        // (49 ms with 100,000 refs, in every post-commit hook).
        var names = Set<String>()
        collectLooseReferences(in: commonDirectory + "/" + prefix, named: prefix, into: &names)
        names.formUnion(Repository.packedReferenceNames(in: commonDirectory + "/packed-refs", under: prefix))
        return names.filter { name in
            var valid: Int32 = 0
            return git_reference_name_is_valid(&valid, name) == 0 && valid == 1
        }.sorted()
    }

    private func collectLooseReferences(in folder: String, named prefix: String, into names: inout Set<String>) {
        for entry in FileSystem.contents(ofDirectory: folder) where !entry.hasSuffix(".lock") {
            let path = folder + "/" + entry
            if FileSystem.isDirectory(path) {
                collectLooseReferences(in: path, named: prefix + entry + "/", into: &names)
            } else {
                names.insert(prefix + entry)
            }
        }
    }

    /// The names under `prefix` in the packed-refs file at `path` (none without one), mapped rather
    /// than read: 100,000 refs are 5 MB.
    static func packedReferenceNames(in path: String, under prefix: String) -> [String] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size > 0 else { return [] }
        let size = Int(info.st_size)
        // strstr needs a NUL after the text: the zeros that fill a mapping's last page, unless the
        // file ends exactly at a page's end.
        guard size % Int(sysconf(Int32(_SC_PAGESIZE))) != 0 else {
            return (try? FileSystem.read(path)).map { packedReferenceNames($0 + [0], under: prefix) } ?? []
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else { return [] }
        defer { munmap(mapped, size) }
        return packedReferenceNames(UnsafeBufferPointer(start: mapped.assumingMemoryBound(to: UInt8.self), count: size + 1), under: prefix)
    }

    static func packedReferenceNames(_ bytes: [UInt8], under prefix: String) -> [String] {
        bytes.withUnsafeBufferPointer { packedReferenceNames($0, under: prefix) }
    }

    /// The names under `prefix` in packed-refs' `<id> <name>` lines (comments and peeled `^<id>`
    /// lines are neither): found with strstr, then checked line by line, in about a millisecond for
    /// 100,000 refs. `file` ends with a NUL (not part of the text).
    static func packedReferenceNames(_ file: UnsafeBufferPointer<UInt8>, under prefix: String) -> [String] {
        let needle = " " + prefix
        var names: [String] = []
        let base = UnsafeRawPointer(file.baseAddress!).assumingMemoryBound(to: CChar.self)
        let count = file.count - 1
        var offset = 0
        while offset < count, let found = strstr(base + offset, needle) {
            let at = base.distance(to: found)
            var lineStart = at
            while lineStart > 0 && file[lineStart - 1] != 0x0A { lineStart -= 1 }
            var lineEnd = at + 1
            while lineEnd < count && file[lineEnd] != 0x0A { lineEnd += 1 }
            let idLength = at - lineStart
            if (idLength == 40 || idLength == 64) && file[lineStart] != UInt8(ascii: "^") && file[lineStart] != UInt8(ascii: "#") {
                let nameEnd = file[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd
                names.append(String(decoding: UnsafeBufferPointer(rebasing: file[(at + 1)..<nameEnd]), as: UTF8.self))
            }
            offset = lineEnd + 1
        }
        return names
    }

    private func allReferenceNames() throws(GitError) -> [String] {
        var iterator: OpaquePointer?
        try check(git_reference_iterator_new(&iterator, pointer))
        defer { git_reference_iterator_free(iterator) }
        var names: [String] = []
        var name: UnsafePointer<CChar>?
        while true {
            let result = git_reference_next_name(&name, iterator)
            if result == GIT_ITEROVER.rawValue { break }
            try check(result)
            names.append(String(cString: name!))
        }
        return names
    }

    /// Moves `name` to `target` only if it still points at `expected` (nil: only if it does not exist).
    /// Throws a conflict error (`isConflict`) when another writer got there first.
    public func updateReference(_ name: String, to target: ObjectID, expected: ObjectID?, message: String) throws(GitError) {
        // Through a transaction: the ref's lock is taken, the value it holds then is compared with
        // `expected` (nil: it must not exist), and only then is it written, with its reflog. (libgit2's
        // git_reference_create_matching first checks the name against every packed ref, reading and
        // sorting all of packed-refs: 58 ms per note write with 100,000 refs.)
        // Not stopped by SIGTERM while libgit2 holds `<name>.lock`: a lock left behind fails every later update.
        try TemporaryFiles.deferringSignals { () throws(GitError) in
            var transaction: OpaquePointer?
            try check(git_transaction_new(&transaction, pointer))
            defer { git_transaction_free(transaction) }
            try check(git_transaction_lock_ref(transaction, name))
            let current = try referenceTarget(name)
            guard current == expected else {
                throw GitError("\(name) moved: it is at \(current?.hex ?? "nothing"), not \(expected?.hex ?? "nothing") as expected",
                               code: GIT_EMODIFIED.rawValue)
            }
            var id = target.raw
            try check(git_transaction_set_target(transaction, name, &id, nil, message))
            try check(git_transaction_commit(transaction))
        }
    }

    /// The best common ancestor of two commits, or nil when they share no history.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws(GitError) -> ObjectID? {
        var out = git_oid()
        var one = a.raw, two = b.raw
        guard try checkFound(git_merge_base(&out, pointer, &one, &two)) else { return nil }
        return ObjectID(out)
    }

    /// True when `ancestor` is reachable from `descendant` (or equal to it).
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws(GitError) -> Bool {
        if ancestor == descendant { return true }
        var a = descendant.raw, b = ancestor.raw
        return try check(git_graph_descendant_of(pointer, &a, &b)) == 1
    }

    public func commit(_ id: ObjectID) throws(GitError) -> Commit {
        var commit: OpaquePointer?
        var oid = id.raw
        let result = git_commit_lookup(&commit, pointer, &oid)
        if result == GIT_ENOTFOUND.rawValue { throw GitError("no commit \(id.hex) in this repository", code: result) }
        try check(result)
        return Commit(commit!, id: id)
    }

    public func objectExists(_ id: ObjectID) -> Bool {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, pointer) == 0 else { return false }
        defer { git_odb_free(odb) }
        var oid = id.raw
        return git_odb_exists(odb, &oid) == 1
    }

    /// The contents of a blob.
    public func blob(_ id: ObjectID) throws(GitError) -> [UInt8] {
        var blob: OpaquePointer?
        var oid = id.raw
        try check(git_blob_lookup(&blob, pointer, &oid))
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    /// Writes a blob and returns its id.
    public func writeBlob(_ bytes: [UInt8]) throws(GitError) -> ObjectID {
        var oid = git_oid()
        try check(bytes.withUnsafeBytes { git_blob_create_from_buffer(&oid, pointer, $0.baseAddress, $0.count) })
        return ObjectID(oid)
    }

    /// The contents of the file at `path` in `commit`'s tree, or nil when it has none there.
    public func fileContents(_ path: String, in commit: ObjectID) throws(GitError) -> [UInt8]? {
        let tree = try self.commit(commit).treeID
        var treeObject: OpaquePointer?
        var treeOID = tree.raw
        try check(git_tree_lookup(&treeObject, pointer, &treeOID))
        defer { git_tree_free(treeObject) }
        var entry: OpaquePointer?
        guard try checkFound(git_tree_entry_bypath(&entry, treeObject, path)) else { return nil }
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        return try blob(ObjectID(git_tree_entry_id(entry)!.pointee))
    }

    /// The tree of the tracked files as they are in the work tree now (staged or not), computed in
    /// memory: the index file on disk is never written. Equal to HEAD's tree when nothing tracked changed.
    public func workingTreeID() throws(GitError) -> ObjectID {
        guard !isBare else { throw GitError("a bare repository has no work tree") }
        var index: OpaquePointer?
        try check(git_repository_index(&index, pointer))
        defer { git_index_free(index) }
        try check(git_index_read(index, 1))
        try check(git_index_update_all(index, nil, nil, nil))
        var oid = git_oid()
        try check(git_index_write_tree_to(&oid, index, pointer))
        // Leave the shared in-memory index as it is on disk for anything else in this process.
        git_index_read(index, 1)
        return ObjectID(oid)
    }

    /// Creates a commit object (no reference is moved) and returns its id.
    public func createCommit(
        tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String
    ) throws(GitError) -> ObjectID {
        var treeObject: OpaquePointer?
        var treeOID = tree.raw
        try check(git_tree_lookup(&treeObject, pointer, &treeOID))
        defer { git_tree_free(treeObject) }
        let parentCommits = try parents.map { (id) throws(GitError) -> Commit in try commit(id) }
        let authorSig = try author.makeGitSignature()
        defer { git_signature_free(authorSig) }
        let committerSig = try committer.makeGitSignature()
        defer { git_signature_free(committerSig) }
        var out = git_oid()
        var parentPointers: [OpaquePointer?] = parentCommits.map { $0.pointer }
        try check(parentPointers.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&out, pointer, nil, authorSig, committerSig, "UTF-8", message, treeObject,
                              parents.count, buffer.baseAddress)
        })
        withExtendedLifetime(parentCommits) {}
        return ObjectID(out)
    }

    /// The identity git would use for a new commit (user.name / user.email), or nil when unset.
    public func defaultSignature() -> Signature? {
        var sig: UnsafeMutablePointer<git_signature>?
        guard git_signature_default(&sig, pointer) == 0, let sig else { return nil }
        defer { git_signature_free(sig) }
        return Signature(sig.pointee)
    }
}

func trimSlash(_ path: String) -> String {
    path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
}
