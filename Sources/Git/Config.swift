import CGit2
#if canImport(Glibc)
import Glibc
#endif

/// One `key = value` of a git-config file, with where it was written.
public struct ConfigEntry: Sendable, Hashable {
    /// Lower-cased section and variable, the subsection as written: `agent.Acme-Bot.env`.
    public let name: String
    public let value: String
    /// 1-based line in the file, when it could be located.
    public let line: Int?
}

/// A git-config file read with libgit2's parser: from disk, or from bytes (a blob in a commit).
public final class ConfigFile {
    let pointer: OpaquePointer
    /// The name used in messages: a path, or `<commit>:.aitrail`.
    public let displayName: String
    private let lineIndex: [String: [Int]]

    /// Reads `path`. Syntax errors name the file and line.
    ///
    /// With `followingIncludes` false (a policy: its `include` keys are refused anyway), `[include]`
    /// and `[includeIf]` sections are read as plain keys and the files they name are never opened
    /// (one could be a FIFO, /dev/zero, or tell whether a private file exists); the file itself must
    /// be a regular file of at most 1 MiB.
    public convenience init(path: String, displayName: String? = nil, followingIncludes: Bool = true) throws(GitError) {
        guard !followingIncludes else {
            try self.init(parsing: path, displayName: displayName ?? path, keysFrom: nil)
            return
        }
        let bytes = try FileSystem.readRegularFile(path, limit: 1 << 20)
        let neutral = ConfigFile.neutralisingIncludes(bytes)
        if neutral == bytes {
            try self.init(parsing: path, displayName: displayName ?? path, keysFrom: bytes)
            return
        }
        let copy = try writeTemporaryFile(neutral)
        defer { unlink(copy) }
        try self.init(parsing: copy, displayName: displayName ?? path, keysFrom: bytes)
    }

    /// The include sections' name, same length, as libgit2 does not follow it: `entries()` gives
    /// their keys back under `include`/`includeIf`.
    private static let inertInclude = Array("aitrinc".utf8)

    /// `bytes` with each section header `[include…` renamed to `inertInclude` (same length, so
    /// lines and columns stay where they were).
    static func neutralisingIncludes(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        var index = 0
        let word = Array("include".utf8)
        while index < out.count {
            // At a line start, after blanks: `[`, blanks, then `include` (any case).
            var at = index
            while at < out.count, out[at] == 0x20 || out[at] == 0x09 { at += 1 }
            if at < out.count, out[at] == 0x5B {
                at += 1
                while at < out.count, out[at] == 0x20 || out[at] == 0x09 { at += 1 }
                if at + word.count <= out.count, zip(out[at..<(at + word.count)], word).allSatisfy({ $0 | 0x20 == $1 }) {
                    out.replaceSubrange(at..<(at + word.count), with: inertInclude)
                }
            }
            while index < out.count, out[index] != 0x0A { index += 1 }
            index += 1
        }
        return out
    }

    private init(parsing path: String, displayName: String, keysFrom original: [UInt8]?) throws(GitError) {
        Libgit2.initialise()
        self.displayName = displayName
        var config: OpaquePointer?
        try check(git_config_new(&config))
        let result = git_config_add_file_ondisk(config, path, GIT_CONFIG_LEVEL_LOCAL, nil, 1)
        if result < 0 {
            let message = git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "unreadable"
            git_config_free(config)
            throw GitError(code: result, errorClass: Int32(GIT_ERROR_CONFIG.rawValue),
                           message: "\(displayName): \(ConfigFile.cleanParseMessage(message, path: path, shownAs: displayName))")
        }
        self.pointer = config!
        let bytes = original ?? (try? readFile(path)) ?? []
        self.lineIndex = ConfigFile.locateKeys(String(decoding: bytes, as: UTF8.self))
    }

    /// Parses config text (for example a `.aitrail` blob read from a commit).
    public convenience init(bytes: [UInt8], displayName: String, followingIncludes: Bool = true) throws(GitError) {
        let path = try writeTemporaryFile(followingIncludes ? bytes : ConfigFile.neutralisingIncludes(bytes))
        defer { unlink(path) }
        try self.init(parsing: path, displayName: displayName, keysFrom: bytes)
    }

    deinit { git_config_free(pointer) }

    /// Every entry in file order.
    public func entries() throws(GitError) -> [ConfigEntry] {
        var iterator: OpaquePointer?
        try check(git_config_iterator_new(&iterator, pointer))
        var out: [ConfigEntry] = []
        var seen: [String: Int] = [:]
        for (raw, value) in try drainConfigIterator(iterator) {
            let name = raw.hasPrefix("aitrinc") ? "include" + raw.dropFirst(7) : raw
            let occurrence = seen[name, default: 0]
            seen[name] = occurrence + 1
            let lines = lineIndex[ConfigFile.normalised(name)] ?? []
            out.append(ConfigEntry(name: name, value: value, line: occurrence < lines.count ? lines[occurrence] : nil))
        }
        return out
    }

    /// The last value of `key`, or nil when unset.
    public func string(_ key: String) throws(GitError) -> String? { try configString(pointer, key) }

    /// All values of a multi-valued key, in order.
    public func strings(_ key: String) throws(GitError) -> [String] {
        try entries().filter { ConfigFile.normalised($0.name) == ConfigFile.normalised(key) }.map(\.value)
    }

    /// A boolean as git reads one (`true/yes/on/1`, `false/no/off/0`, a bare key is true).
    public func bool(_ key: String) throws(GitError) -> Bool? {
        var value: Int32 = 0
        let result = git_config_get_bool(&value, pointer, key)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        if result < 0 { throw badValue(key, expected: "a boolean (true or false)") }
        return value != 0
    }

    /// An integer as git reads one (`k`, `m`, `g` suffixes allowed).
    public func int(_ key: String) throws(GitError) -> Int64? {
        var value: Int64 = 0
        let result = git_config_get_int64(&value, pointer, key)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        if result < 0 { throw badValue(key, expected: "an integer") }
        return value
    }

    /// `file:line: key` for messages about a key.
    public func location(of key: String) -> String {
        if let line = lineIndex[ConfigFile.normalised(key)]?.last { return "\(displayName):\(line)" }
        return displayName
    }

    /// The error to raise for a value of the wrong kind, naming file, line and key.
    public func badValue(_ key: String, expected: String) -> GitError {
        let value = (try? string(key)) ?? nil
        return GitError(
            "\(location(of: key)): bad value '\(value ?? "")' for '\(key)': expected \(expected)",
            code: GIT_EINVALID.rawValue)
    }

    /// Section and variable names are case-insensitive in git; subsections are not.
    static func normalised(_ key: String) -> String {
        guard let first = key.firstIndex(of: "."), let last = key.lastIndex(of: ".") else { return key.lowercased() }
        let section = key[..<first].lowercased()
        let variable = key[key.index(after: last)...].lowercased()
        if first == last { return "\(section).\(variable)" }
        return "\(section).\(key[key.index(after: first)..<last]).\(variable)"
    }

    /// Finds the line of each `key = value` so messages can point at it; libgit2 1.5 does not keep lines.
    static func locateKeys(_ text: String) -> [String: [Int]] {
        var index: [String: [Int]] = [:]
        var section = ""
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine).drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("#") || line.hasPrefix(";") || line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { continue }
                let header = line[line.index(after: line.startIndex)..<close]
                if let quote = header.firstIndex(of: "\"") {
                    let name = header[..<quote].trimmingCharacters(in: " \t").lowercased()
                    let sub = header[header.index(after: quote)...].split(separator: "\"", omittingEmptySubsequences: false).first ?? ""
                    section = "\(name).\(sub)"
                } else {
                    section = header.trimmingCharacters(in: " \t").lowercased()
                }
                line = line[line.index(after: close)...].drop { $0 == " " || $0 == "\t" }
                if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            }
            let variable = line.prefix { $0.isLetter || $0.isNumber || $0 == "-" }.lowercased()
            guard !variable.isEmpty, !section.isEmpty else { continue }
            index["\(section).\(variable)", default: []].append(number + 1)
        }
        return index
    }

    private static func cleanParseMessage(_ message: String, path: String, shownAs: String) -> String {
        message.replacingAll(path, shownAs)
    }
}

extension String {
    /// Every occurrence of `target` replaced (the standard library has no such call without Foundation).
    public func replacingAll(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

/// The last value of `key` in a libgit2 config, or nil when unset.
func configString(_ config: OpaquePointer, _ key: String) throws(GitError) -> String? {
    var buffer = git_buf()
    guard try checkFound(git_config_get_string_buf(&buffer, config, key)) else { return nil }
    defer { git_buf_dispose(&buffer) }
    return String(cString: buffer.ptr)
}

/// Every (name, value) of a config iterator, which it frees.
func drainConfigIterator(_ iterator: OpaquePointer?) throws(GitError) -> [(name: String, value: String)] {
    defer { git_config_iterator_free(iterator) }
    var out: [(name: String, value: String)] = []
    var entry: UnsafeMutablePointer<git_config_entry>?
    while true {
        let result = git_config_next(&entry, iterator)
        if result == GIT_ITEROVER.rawValue { break }
        try check(result)
        out.append((String(cString: entry!.pointee.name), entry!.pointee.value.map { String(cString: $0) } ?? ""))
    }
    return out
}
