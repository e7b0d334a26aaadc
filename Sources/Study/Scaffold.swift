import Files
import VASP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What ``StudyScaffold/create(from:into:)`` wrote.
public struct ScaffoldReport: Sendable, Hashable {
    /// The new study folder.
    public var folder: String
    /// The new manifest (inside ``folder``).
    public var manifest: String
    /// The files written, relative to ``folder``, in the order written.
    public var files: [String]
    /// The three commands to run next: check the setup, look at the plan, write the inputs.
    public var nextCommands: [String]
}

/// `cascade init`: a self-contained copy of a study (manifest, structures, input sets, job template)
/// for a user adapting it to their own system.
///
/// Layout of the copy: `DIR/<study>.yaml`, `DIR/structures/` (every system's file at the same path
/// relative to `structures/`, the structure index and the folder's README), `DIR/templates/` (the
/// input sets the calculations use, with the sets they extend, and the job-script template). The
/// manifest's `structures:`, `input_sets:` and `job: template:` are rewritten to these relative paths,
/// every other line (comments included) is kept. The copy is written into a temporary folder next to
/// `DIR` and renamed into place, so `DIR` is either complete or absent.
public enum StudyScaffold {
    /// The study names (`<name>.yaml` without the extension) in `folder`, sorted.
    public static func available(in folder: String) -> [String] {
        FileSystem.names(in: folder)
            .filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }
            .map { String($0.dropLast(5)) }
            .sorted()
    }

    /// Copies the study of `manifestPath` into the new or empty folder `folder`.
    /// - Throws: ``StudyError/cannotWrite(file:reason:)`` when `folder` is not empty or cannot be
    ///   written; the manifest's errors (``StudyError/invalid(_:_:)``) when it cannot be read.
    @discardableResult
    public static func create(from manifestPath: String, into folder: String) throws -> ScaffoldReport {
        let target = PathText.trimmingTrailingSlash(folder)
        try checkEmpty(target)
        let manifest = try StudyManifest.load(path: manifestPath)
        let manifestName = PathText.baseName(manifestPath)
        var copies = try plannedCopies(manifest)
        let text = try ByteSource.text(of: manifestPath)
        let rewritten = try ManifestRewriter.rewrite(text, file: manifestPath, templateName: manifest.jobTemplate.map(PathText.baseName))
        copies.insert(FileCopy(source: manifestPath, destination: manifestName, replacement: rewritten), at: 0)

        let staging = PathText.folder(of: target) + "/.cascade-init-\(getpid())-\(PathText.baseName(target))"
        var written: [String] = []
        do {
            try AtomicFile.makeFolders(staging)
            for copy in copies {
                let destination = staging + "/" + copy.destination
                try AtomicFile.makeFolders(PathText.folder(of: destination))
                let content = try copy.replacement ?? readText(copy.source)
                try AtomicFile.write(content, to: destination, force: false, mode: copy.source.hasSuffix(".sh") ? 0o755 : 0o644)
                written.append(copy.destination)
            }
            try verify(staging + "/" + manifestName, staging: staging)
            guard rename(staging, target) == 0 else {
                throw StudyError.cannotWrite(file: target, reason: String(cString: strerror(errno)))
            }
        } catch {
            FileSystem.removeTree(staging)
            throw error
        }
        let newManifest = target + "/" + manifestName
        return ScaffoldReport(
            folder: target, manifest: newManifest, files: written,
            nextCommands: [
                "cascade doctor \(newManifest)",
                "cascade generate \(newManifest) --dry-run",
                "cascade generate \(newManifest) --out \(target)/runs"
            ])
    }

    /// One file to copy: `source` → `destination` (relative to the new folder), or `replacement` text.
    struct FileCopy {
        var source: String
        var destination: String
        var replacement: String?
    }

    /// Refuses a folder that exists and holds anything, or a file of that name.
    static func checkEmpty(_ folder: String) throws {
        guard FileSystem.exists(folder) else { return }
        guard FileSystem.isDirectory(folder) else {
            throw StudyError.cannotWrite(file: folder, reason: "it is a file; cascade init writes a new study folder")
        }
        let entries = FileSystem.names(in: folder)
        guard entries.isEmpty else {
            let shown = entries.sorted().prefix(3).joined(separator: ", ") + (entries.count > 3 ? ", …" : "")
            throw StudyError.cannotWrite(
                file: folder,
                reason:
                    "the folder is not empty (\(entries.count) entr\(entries.count == 1 ? "y" : "ies"): \(shown)); cascade init writes only into a new or empty folder"
            )
        }
    }

    /// The structure files, the index (and README), the input sets and templates to copy.
    static func plannedCopies(_ manifest: StudyManifest) throws -> [FileCopy] {
        var copies: [FileCopy] = []
        var seen: Set<String> = []
        func add(_ source: String, _ destination: String) {
            guard seen.insert(destination).inserted else { return }
            copies.append(FileCopy(source: source, destination: destination))
        }
        for system in manifest.systems {
            let relative = PathText.normalize(system.file)
            guard !relative.hasPrefix("/"), !relative.hasPrefix("..") else {
                throw StudyError.invalid(
                    system.location,
                    "cannot copy system \(system.name): its file \(system.file) is outside the structures folder \(manifest.structuresFolder)")
            }
            add(PathText.resolve(relative, against: manifest.structuresFolder), "structures/" + relative)
        }
        if let index = manifest.indexFile {
            add(index, "structures/" + PathText.relative(index, from: manifest.structuresFolder))
        }
        let readme = manifest.structuresFolder + "/README.md"
        if FileSystem.exists(readme) { add(readme, "structures/README.md") }
        var names: [String] = []
        for calc in manifest.calculations where !names.contains(calc.set) { names.append(calc.set) }
        let sets = try InputSetLibrary.load(folder: manifest.inputSetsFolder, names: names)
        for name in sets.sets.keys.sorted() {
            add(sets.path(of: name), "templates/\(name).yaml")
            guard let set = sets.set(named: name), let template = set.job.template, template != manifest.jobTemplate else { continue }
            let relative = PathText.relative(template, from: manifest.inputSetsFolder)
            guard !relative.hasPrefix(".."), !relative.hasPrefix("/") else {
                throw StudyError.invalid(
                    ManifestLocation(file: set.file),
                    "cannot copy input set \(name): its job template \(template) is outside the input-set folder")
            }
            add(template, "templates/" + relative)
        }
        if let template = manifest.jobTemplate { add(template, "templates/" + PathText.baseName(template)) }
        for calc in manifest.calculations {
            if let template = calc.job.template, template != manifest.jobTemplate {
                throw StudyError.invalid(
                    calc.location,
                    "cannot copy calculation \(calc.name): it names its own job template (\(template)); give it under the manifest's job: instead")
            }
        }
        return copies
    }

    static func readText(_ path: String) throws -> String {
        do {
            return try ByteSource.text(of: path)
        } catch {
            throw StudyError.cannotRead(file: path, reason: YAMLFile.readReason(error))
        }
    }

    /// The copied manifest must resolve every path inside the copy.
    static func verify(_ manifestPath: String, staging: String) throws {
        let copy = try StudyManifest.load(path: manifestPath)
        let inside = [copy.structuresFolder, copy.inputSetsFolder] + [copy.indexFile, copy.jobTemplate].compactMap { $0 }
        let root = PathText.normalize(staging)  // `./x` and `x` name the same folder
        for path in inside.map(PathText.normalize) where !(path == root || path.hasPrefix(root + "/")) {
            throw StudyError.cannotWrite(file: manifestPath, reason: "the copied manifest still points outside the new folder (\(path))")
        }
    }
}

/// Rewrites the paths of a manifest for the layout of a scaffold, line by line, keeping comments.
enum ManifestRewriter {
    /// `text` with top-level `structures:` → `structures`, `input_sets:` → `templates` and `template:`
    /// under the top-level `job:` → `templates/<templateName>`; keys that are absent are added after `study:`.
    static func rewrite(_ text: String, file: String, templateName: String?) throws -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var found: Set<String> = []
        var inJob = false
        for i in lines.indices {
            let line = lines[i]
            let topLevel = !(line.first?.isWhitespace ?? true) && !line.hasPrefix("#")
            if topLevel { inJob = line.hasPrefix("job:") }
            if topLevel, let key = ["structures", "input_sets"].first(where: { line.hasPrefix($0 + ":") }) {
                lines[i] = try replacingValue(line, key: key, with: key == "structures" ? "structures" : "templates", file: file, number: i + 1)
                found.insert(key)
            } else if inJob, let templateName, line.drop(while: { $0 == " " }).hasPrefix("template:") {
                lines[i] = try replacingValue(line, key: "template", with: "templates/" + templateName, file: file, number: i + 1)
            }
        }
        guard let study = lines.firstIndex(where: { $0.hasPrefix("study:") }) else {
            throw StudyError.invalid(ManifestLocation(file: file), "cannot rewrite the manifest: no top-level 'study:' line")
        }
        if !found.contains("input_sets") { lines.insert("input_sets: templates", at: study + 1) }
        if !found.contains("structures") { lines.insert("structures: structures", at: study + 1) }
        return lines.joined(separator: "\n")
    }

    /// `key: old   # comment` → `key: new   # comment` (the comment kept in its column when it fits).
    static func replacingValue(_ line: String, key: String, with value: String, file: String, number: Int) throws -> String {
        guard let colon = line.firstIndex(of: ":") else { return line }
        let indent = String(line.prefix(while: { $0 == " " }))
        let rest = line[line.index(after: colon)...]
        let oldValueStart = rest.firstIndex(where: { $0 != " " }) ?? rest.endIndex
        let afterValue = rest[oldValueStart...]
        guard !(afterValue.first.map { "[{\"'|>".contains($0) } ?? false) else {
            throw StudyError.invalid(
                ManifestLocation(file: file, line: number),
                "cannot rewrite '\(key):' for the copy: write its value as a plain path")
        }
        let comment = afterValue.range(of: " #").map { String(afterValue[$0.lowerBound...]) } ?? ""
        let head = "\(indent)\(key): \(value)"
        guard !comment.isEmpty else { return head }
        let column = line.count - comment.count
        let padding = max(0, column - head.count)
        return head + String(repeating: " ", count: padding) + comment
    }
}
