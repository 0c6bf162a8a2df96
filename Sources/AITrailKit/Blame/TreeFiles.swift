import Git
#if canImport(Glibc)
import Glibc
#endif

/// The files of a commit's tree with the attributes the code share reads, by the git CLI (one
/// process each), so `.gitattributes` means exactly what it means to git.
enum TreeFiles {
    struct Attributes: Sendable {
        /// `linguist-generated` set or true.
        var generated: Set<String> = []
        /// `-diff` (and `binary`, which unsets diff): git shows no lines, nor do we.
        var noDiff: Set<String> = []
    }

    /// What the attributes of the tree's paths depend on besides the paths: every `.gitattributes`
    /// of the tree (path and blob), and the contents of `info/attributes`, `core.attributesFile` (or
    /// its XDG default) and the system's `gitattributes`. Equal keys, equal attributes for a path.
    static func attributeKey(_ files: [TreeFile], repository: Repository) -> UInt64 {
        var text: [UInt8] = []
        for file in files where file.path == ".gitattributes" || file.path.hasSuffix("/.gitattributes") {
            text += Array((file.path + " " + file.blob.hex + "\n").utf8)
        }
        var sources = [repository.commonDirectory + "/info/attributes", "/etc/gitattributes"]
        if let configured = try? repository.config().string("core.attributesFile") {
            sources.append(configured.hasPrefix("~/") ? (FileSystem.environment("HOME") ?? "") + configured.dropFirst(1) : configured)
        } else if let xdg = FileSystem.environment("XDG_CONFIG_HOME") ?? FileSystem.environment("HOME").map({ $0 + "/.config" }) {
            sources.append(xdg + "/git/attributes")
        }
        for source in sources {
            text += Array("\u{0}\(source)\u{0}".utf8)
            text += (try? FileSystem.readRegularFile(source, limit: 1 << 24)) ?? []
        }
        text += Array("nosystem=\(FileSystem.environment("GIT_ATTR_NOSYSTEM") ?? "")".utf8)
        return AuditCache.checksum(text)
    }

    /// Attributes of `paths` as they stand in `commit` (its `.gitattributes` files, plus
    /// `info/attributes` and `core.attributesFile` as git reads them): `git check-attr --cached`
    /// against a temporary index of the commit's tree, so the working tree's edits do not count.
    static func attributes(of paths: [String], commit: ObjectID, gitDirectory: String) throws(AITrailError) -> Attributes {
        guard !paths.isEmpty else { return Attributes() }
        let scratch = gitDirectory + "/aitrail-share-\(getpid())"
        let index = scratch + ".index", input = scratch + ".paths"
        defer { _ = FileSystem.remove(index); _ = FileSystem.remove(input) }
        var environment = Subprocess.currentEnvironment
        environment["GIT_INDEX_FILE"] = index
        let git = ["git", "--git-dir=" + gitDirectory]
        _ = try run(git + ["read-tree", commit.hex], environment: environment)
        var list: [UInt8] = []
        for path in paths { list += path.utf8; list.append(0) }
        do { try FileSystem.write(list, to: input) } catch { throw AITrailError.blame("cannot write \(input): \(error.message)") }
        let output = try run(git + ["check-attr", "--cached", "--stdin", "-z", "diff", "linguist-generated"], environment: environment, input: input)
        // -z: <path> NUL <attribute> NUL <value> NUL, repeated.
        var attributes = Attributes()
        let fields = output.split(separator: 0, omittingEmptySubsequences: false)
        var index3 = 0
        while index3 + 2 < fields.count {
            let path = String(decoding: fields[index3], as: UTF8.self)
            let name = fields[index3 + 1], value = fields[index3 + 2]
            if name.elementsEqual("linguist-generated".utf8), value.elementsEqual("set".utf8) || value.elementsEqual("true".utf8) {
                attributes.generated.insert(path)
            } else if name.elementsEqual("diff".utf8), value.elementsEqual("unset".utf8) {
                attributes.noDiff.insert(path)
            }
            index3 += 3
        }
        return attributes
    }

    /// git's binary test (`buffer_is_binary`): a NUL byte in the first 8,000 bytes.
    static func isBinary(_ bytes: [UInt8]) -> Bool { bytes.prefix(8000).contains(0) }

    private static func run(_ arguments: [String], environment: [String: String]? = nil, input: String? = nil) throws(AITrailError) -> [UInt8] {
        let output: Subprocess.Output
        do { output = try Subprocess.capture(arguments, environment: environment, input: input) } catch {
            throw AITrailError.blame("\(error.description): aitrail needs git on PATH for line attribution")
        }
        guard output.status == 0 else {
            let reason = output.stderrText.split(separator: "\n").first.map(String.init) ?? "exit \(output.status)"
            throw AITrailError.blame("\(arguments.dropFirst(2).joined(separator: " ")) failed: \(reason)")
        }
        return output.stdout
    }
}
