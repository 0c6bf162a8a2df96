import Git

/// A commit as `git blame` names it, with the author git shows (after `.mailmap`, as git blame applies it).
public struct BlamedCommit: Sendable, Hashable {
    public var id: ObjectID
    public var author: String
    public var authorMail: String
    public var authorTime: Int64
    public var summary: String
    /// A boundary commit (`git blame` marks the commits where it stopped: roots of a shallow clone).
    public var boundary: Bool
}

/// One line of a file at a revision: the commit it came from and where it was in that commit.
public struct BlameLine: Sendable, Hashable {
    /// Index into `FileBlame.commits`.
    public var commit: Int
    /// The line number in the commit's version of the file (1-based), as git's porcelain gives it.
    public var originalLine: Int
    /// The file's path in that commit (differs from the blamed path when git followed a rename).
    public var originalPath: String
    /// The line's bytes without the newline (`--porcelain` only; empty from `--incremental`).
    public var content: [UInt8]
}

/// `git blame` of one file: every line, in order.
public struct FileBlame: Sendable {
    public var commits: [BlamedCommit]
    public var lines: [BlameLine]
}

/// Line attribution by git's own blame, run as a subprocess (`git blame --porcelain` or
/// `--incremental`): the exact mapping git gives with default options, renames followed as git does.
/// docs/audit.md says why this is not reimplemented on libgit2.
public enum GitBlame {
    /// The git command line for blaming `path` at `revision`. `blame.ignoreRevsFile` is cleared so a
    /// repository's config cannot make the result differ from git blame's default options
    /// (`-c blame.ignoreRevsFile=` empties the list, per git-blame(1)).
    static func arguments(revision: String, path: String, directory: String?, incremental: Bool) -> [String] {
        var arguments = ["git"]
        if let directory { arguments += ["-C", directory] }
        arguments += ["-c", "blame.ignoreRevsFile=", "blame", incremental ? "--incremental" : "--porcelain", revision, "--", path]
        return arguments
    }

    /// Blames `path` at `revision`. `directory` is where git runs (nil: here, so a path relative to
    /// the current directory means what it means to git). With `incremental`, lines carry no content.
    public static func blame(revision: String, path: String, directory: String? = nil, incremental: Bool = false) throws(AITrailError) -> FileBlame {
        let output: Subprocess.Output
        do {
            output = try Subprocess.capture(arguments(revision: revision, path: path, directory: directory, incremental: incremental))
        } catch {
            throw AITrailError.blame("\(error.description): aitrail needs git on PATH for line attribution")
        }
        guard output.status == 0 else {
            let reason = output.stderrText.split(separator: "\n").first.map(String.init) ?? "exit \(output.status)"
            throw AITrailError.blame("git blame \(revision) -- \(path) failed: \(reason)")
        }
        guard let blame = parse(output.stdout, incremental: incremental) else {
            throw AITrailError.blame("cannot read the output of git blame \(revision) -- \(path): is git older than 1.6? update git")
        }
        return blame
    }

    /// Reads `--porcelain` (a header line per line, a tab-prefixed content line) or `--incremental`
    /// output (a header per group of lines, ended by its `filename` line). Nil when malformed.
    public static func parse(_ bytes: [UInt8], incremental: Bool) -> FileBlame? {
        var commits: [BlamedCommit] = []
        var commitIndex: [ObjectID: Int] = [:]
        var byFinalLine: [Int: BlameLine] = [:]
        var groups: [(final: Int, original: Int, count: Int, commit: Int, path: String)] = []
        // The group being read: its header's fields.
        var current: (final: Int, original: Int, count: Int, commit: Int)?
        var currentPath = ""
        var position = 0
        let end = bytes.count
        while position < end {
            var lineEnd = position
            while lineEnd < end && bytes[lineEnd] != 10 { lineEnd += 1 }
            defer { position = lineEnd + 1 }
            let line = bytes[position..<lineEnd]
            if let group = current {
                if line.first == 9 {
                    guard !incremental else { return nil }
                    byFinalLine[group.final] = BlameLine(
                        commit: group.commit, originalLine: group.original, originalPath: currentPath, content: Array(line.dropFirst()))
                    current = nil
                    continue
                }
                let text = String(decoding: line, as: UTF8.self)
                guard let space = text.firstIndex(of: " ") ?? (text == "boundary" ? text.endIndex : nil) else { return nil }
                let key = text[..<space], value = space < text.endIndex ? String(text[text.index(after: space)...]) : ""
                switch key {
                case "author": commits[group.commit].author = value
                case "author-mail": commits[group.commit].authorMail = value
                case "author-time": commits[group.commit].authorTime = Int64(value) ?? 0
                case "summary": commits[group.commit].summary = value
                case "boundary": commits[group.commit].boundary = true
                case "filename":
                    currentPath = unquote(value)
                    if incremental {
                        groups.append((group.final, group.original, group.count, group.commit, currentPath))
                        current = nil
                    }
                default: break
                }
                continue
            }
            // A header: <40 hex> <original line> <final line> [<lines in group>]
            let fields = line.split(separator: 32)
            guard fields.count == 3 || fields.count == 4, fields[0].count == 40,
                  let id = ObjectID(hex: String(decoding: fields[0], as: UTF8.self)),
                  let original = Int(String(decoding: fields[1], as: UTF8.self)),
                  let final = Int(String(decoding: fields[2], as: UTF8.self)) else { return nil }
            let count = fields.count == 4 ? Int(String(decoding: fields[3], as: UTF8.self)) ?? 1 : 1
            let index: Int
            if let known = commitIndex[id] {
                index = known
            } else {
                index = commits.count
                commitIndex[id] = index
                commits.append(BlamedCommit(id: id, author: "", authorMail: "", authorTime: 0, summary: "", boundary: false))
            }
            // In porcelain output a line that continues a group has a three-field header and keeps its path.
            current = (final, original, count, index)
        }
        guard current == nil else { return nil }
        if incremental {
            for group in groups {
                for offset in 0..<group.count {
                    byFinalLine[group.final + offset] = BlameLine(
                        commit: group.commit, originalLine: group.original + offset, originalPath: group.path, content: [])
                }
            }
        }
        var lines: [BlameLine] = []
        lines.reserveCapacity(byFinalLine.count)
        for number in 1..<(byFinalLine.count + 1) {
            guard let line = byFinalLine[number] else { return nil }
            lines.append(line)
        }
        return FileBlame(commits: commits, lines: lines)
    }

    /// A path as git writes it in `filename` lines: C-quoted when it holds special bytes.
    static func unquote(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.first == 34, bytes.last == 34 else { return text }
        var out: [UInt8] = []
        var index = 1
        while index < bytes.count - 1 {
            let byte = bytes[index]
            guard byte == 92, index + 1 < bytes.count - 1 else { out.append(byte); index += 1; continue }
            let next = bytes[index + 1]
            switch next {
            case UInt8(ascii: "n"): out.append(10); index += 2
            case UInt8(ascii: "t"): out.append(9); index += 2
            case UInt8(ascii: "r"): out.append(13); index += 2
            case UInt8(ascii: "a"): out.append(7); index += 2
            case UInt8(ascii: "b"): out.append(8); index += 2
            case UInt8(ascii: "f"): out.append(12); index += 2
            case UInt8(ascii: "v"): out.append(11); index += 2
            case UInt8(ascii: "0")...UInt8(ascii: "3") where index + 3 < bytes.count - 1:
                let digits = bytes[(index + 1)...(index + 3)].map { $0 &- 48 }
                out.append(digits[0] << 6 | digits[1] << 3 | digits[2])
                index += 4
            default: out.append(next); index += 2
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Consecutive lines of a file from one commit, numbered consecutively in that commit's version of
/// one path: what the code share keeps per file (and caches), enough to refine by git-ai notes.
public struct BlameRange: Sendable, Hashable {
    public var commit: ObjectID
    public var originalPath: String
    /// First line in the commit's version (1-based).
    public var originalStart: Int
    public var count: Int
}

extension FileBlame {
    /// The lines as ranges, in the file's order.
    public var ranges: [BlameRange] {
        var out: [BlameRange] = []
        for line in lines {
            let id = commits[line.commit].id
            if var last = out.last, last.commit == id, last.originalPath == line.originalPath,
               last.originalStart + last.count == line.originalLine {
                last.count += 1
                out[out.count - 1] = last
            } else {
                out.append(BlameRange(commit: id, originalPath: line.originalPath, originalStart: line.originalLine, count: 1))
            }
        }
        return out
    }
}
