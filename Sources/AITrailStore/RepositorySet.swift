import Dispatch
import Foundation
import Synchronization

/// The clones `aitrail publish --repos` publishes: a folder's subfolders that are git repositories
/// (working trees or bare), or a list file of paths (one per line, `#` comments, relative to the file).
public enum RepositorySet {
    public static func paths(_ argument: String) throws(StoreError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
            throw StoreError("--repos '\(argument)' does not exist: give a folder of clones or a file listing their paths", kind: .usage)
        }
        if isDirectory.boolValue {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
            let folder = argument.hasSuffix("/") ? String(argument.dropLast()) : argument
            let clones = entries.sorted().map { folder + "/" + $0 }.filter(isRepository)
            guard !clones.isEmpty else {
                throw StoreError("--repos '\(argument)' holds no git repositories (subfolders with .git, or bare repositories)", kind: .usage)
            }
            return clones
        }
        guard let data = FileManager.default.contents(atPath: argument) else {
            throw StoreError("cannot read --repos '\(argument)'", kind: .usage)
        }
        let base = (argument as NSString).deletingLastPathComponent
        var paths: [String] = []
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let path = line.trimmingCharacters(in: .whitespaces)
            if path.isEmpty || path.hasPrefix("#") { continue }
            paths.append(path.hasPrefix("/") || base.isEmpty ? path : base + "/" + path)
        }
        guard !paths.isEmpty else { throw StoreError("--repos '\(argument)' lists no repositories", kind: .usage) }
        return paths
    }

    private static func isRepository(_ path: String) -> Bool {
        let manager = FileManager.default
        return manager.fileExists(atPath: path + "/.git") || (manager.fileExists(atPath: path + "/HEAD") && manager.fileExists(atPath: path + "/objects"))
    }

    /// Publishes every repository with `jobs` workers, each with its own database connection.
    /// A repository that fails does not stop the others; its error is in its slot.
    public static func publish(
        _ paths: [String], into url: StoreURL, jobs: Int, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) -> [Result<PublishResult, StoreError>] {
        let results = Mutex([Result<PublishResult, StoreError>?](repeating: nil, count: paths.count))
        let next = Atomic<Int>(0), done = Atomic<Int>(0)
        let workers = max(1, min(jobs, paths.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var database: (any Database)?
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < paths.count else { break }
                let outcome: Result<PublishResult, StoreError>
                do throws(StoreError) {
                    if database == nil { database = try DatabaseConnector.open(url) }
                    outcome = .success(try Publisher(repositoryPath: paths[index]).publish(into: database!))
                } catch {
                    outcome = .failure(error)
                }
                results.withLock { $0[index] = outcome }
                let finished = done.wrappingAdd(1, ordering: .relaxed).newValue
                progress?(finished, paths.count)
            }
        }
        return results.withLock { $0.map { $0! } }
    }
}
