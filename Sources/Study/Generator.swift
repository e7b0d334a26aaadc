import Chemistry
import Files
import VASP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What ``Generator/write(_:force:writer:)`` wrote.
public struct GenerationReport: Sendable, Hashable {
    /// The output folder.
    public var outputFolder: String
    /// Calculation folders written (relative to the output folder), in plan order.
    public var folders: [String]
    /// Files written, the study's `submit.sh` included.
    public var files: Int
    /// POTCAR files assembled from the library.
    public var potcars: Int
    /// POTCAR.spec files written in place of POTCARs (no library).
    public var potcarSpecs: Int
    /// The study-level submission script.
    public var submitScript: String
    /// Image folders left over from an earlier generation with more images (not deleted; VASP ignores them).
    public var staleImageFolders: [String]
    /// Every file written, relative to the output folder, in the order written.
    public var writtenFiles: [String] = []
    /// Files edited by hand and replaced with `force`, each kept as the backup named here.
    public var backups: [String] = []
}

/// ``Generator/write(_:force:writer:)`` stopped part-way because a folder or file could not be
/// written (a full disk, a read-only folder, a path component that is a file). What is on disk: the
/// files in ``written`` (each complete: files are written to a temporary file and renamed, and a failed
/// temporary file is removed), earlier files elsewhere untouched, and nothing of the rest. `submit.sh`
/// is written last, so a study whose generation failed has none. Running the generation again
/// completes the study (the folders hold no VASP outputs, so no `force` is needed).
public struct GenerationFailure: Error, Sendable, CustomStringConvertible {
    /// What was written before the failure: complete calculation folders in
    /// ``GenerationReport/folders``, every file in ``GenerationReport/writtenFiles``.
    public var written: GenerationReport
    /// The file or folder that could not be written (a path).
    public var path: String
    /// The error, as the writer gave it (it names `path` and the system's reason).
    public var reason: String
    /// Calculations not written, or written only in part (the first one), in plan order.
    public var notWritten: [String]
    /// The calculation being written when it failed, `nil` when it failed on the output folder or `submit.sh`.
    public var incomplete: String?

    /// The error, then what was and was not written, and what to do.
    public var description: String {
        let w = written
        var lines = ["\(reason)", "generation stopped part-way; no file was left half-written (each file is written to a temporary file and renamed):"]
        let partial = incomplete.map { name in w.writtenFiles.filter { $0.hasPrefix(name + "/") }.map { String($0.dropFirst(name.count + 1)) } } ?? []
        var done = "  written: \(w.folders.count) complete calculation folder\(w.folders.count == 1 ? "" : "s")"
        if !w.folders.isEmpty { done += " (" + Self.list(w.folders) + ")" }
        if let incomplete, !partial.isEmpty { done += " and \(partial.count) file\(partial.count == 1 ? "" : "s") of \(incomplete) (\(Self.list(partial)))" }
        lines.append(done)
        let missing = notWritten.map { $0 == incomplete ? $0 + " (incomplete)" : $0 } + ["submit.sh"]
        lines.append("  not written: " + Self.list(missing))
        lines.append("  run the same command again to complete the study (inputs are replaced; no --force is needed while the folders hold no VASP outputs)")
        return lines.joined(separator: "\n")
    }

    /// At most 8 names, then how many more.
    static func list(_ names: [String]) -> String {
        names.count <= 8 ? names.joined(separator: ", ") : names.prefix(8).joined(separator: ", ") + " and \(names.count - 8) more"
    }
}

/// Writes a ``GenerationPlan``: one folder per calculation with INCAR, KPOINTS, POSCAR, POTCAR (or
/// POTCAR.spec) and `job.sh`; for NEB the parent folder holds INCAR, KPOINTS, POTCAR(.spec) and
/// `job.sh`, and the images go into `00`…`NN`; `submit.sh` in the output folder.
///
/// Guards: nothing is written when the plan has errors, or when a folder already holds VASP outputs
/// (OUTCAR, vasprun.xml, CONTCAR, OSZICAR, also in image folders) and `force` is false; with
/// `force` only the inputs are rewritten, outputs are never deleted. Every file is written
/// atomically (temporary file in the same folder, then rename). Input files of a folder without
/// outputs (an earlier generation) are replaced. In each calculation folder `job.sh` is written
/// last, and `submit.sh` after every folder: a folder with a `job.sh` from this generation is complete.
public enum Generator {
    /// Writes the plan.
    /// - Parameter writer: how each file reaches the disk (``FileWriter/atomic``; tests inject failures).
    /// - Throws: ``StudyError/planHasErrors(_:)``, ``StudyError/outputsPresent(_:)``,
    ///   ``StudyError/editedByHand(_:)`` (nothing written), or ``GenerationFailure`` (what was and was not
    ///   written) when the file system refuses part-way.
    @discardableResult
    public static func write(_ plan: GenerationPlan, force: Bool = false, writer: FileWriter = .atomic) throws -> GenerationReport {
        guard plan.isValid else { throw StudyError.planHasErrors(plan.allErrors) }
        let root = plan.outputFolder
        var occupied: [String] = []
        for calc in plan.calculations {
            if let problem = Guards.folderNameProblem(calc.name) { throw StudyError.planHasErrors(["\(calc.name): \(problem)"]) }
            let found = Guards.outputsPresent(in: folder(calc.name, in: root))
            if !found.isEmpty { occupied.append("\(calc.name) (\(found.prefix(4).joined(separator: ", ")))") }
        }
        if !occupied.isEmpty && !force { throw StudyError.outputsPresent(occupied) }
        var report = GenerationReport(
            outputFolder: root, folders: [], files: 0, potcars: 0, potcarSpecs: 0, submitScript: root + "/" + submitScriptName(plan),
            staleImageFolders: [])
        let files = try plannedFiles(plan, report: &report)
        let record = GenerationRecord.read(root: root)
        let edited = record.editedFiles(files, root: root)
        if !edited.isEmpty && !force { throw StudyError.editedByHand(edited.map { "\($0.path)\n\($0.diff)" }) }
        var current: String?
        do {
            try AtomicFile.makeFolders(root)
            report.backups = try edited.map { try GenerationRecord.backUp(folder($0.path, in: root)) }
            for file in files {
                if file.calculation != current, let previous = current { report.folders.append(previous) }
                current = file.calculation
                try AtomicFile.makeFolders(PathText.folder(of: folder(file.path, in: root)))
                try put(file.bytes, file.path, root: root, mode: file.mode, writer: writer, report: &report)
            }
            if let last = current { report.folders.append(last) }
            current = nil
            try record.updated(with: files).write(root: root)
        } catch {
            let names = plan.calculations.map(\.name)
            let notWritten = current.flatMap { names.firstIndex(of: $0) }.map { Array(names[$0...]) } ?? []
            throw GenerationFailure(
                written: report, path: failedPath(error) ?? root, reason: String(describing: error),
                notWritten: notWritten, incomplete: current)
        }
        return report
    }

    /// `submit.sh` for the whole study; `submit-only.sh` when `--only` selected part of it, so that the
    /// study's own chain is never replaced by a shorter one.
    static func submitScriptName(_ plan: GenerationPlan) -> String { plan.isSubset ? "submit-only.sh" : "submit.sh" }

    /// One file the generation writes: its path relative to the output folder, bytes, permission bits and
    /// calculation (`nil` for the submission script).
    struct PlannedFile {
        var path: String
        var bytes: [UInt8]
        var mode: mode_t?
        var calculation: String?
        /// POTCARs are licensed: never shown in a diff.
        var isLicensed: Bool { path.hasSuffix("/POTCAR") }
    }

    /// Every file of the plan in the order written: per calculation INCAR, KPOINTS, POTCAR (or .spec), the
    /// POSCAR(s), `job.sh` last; then the submission script.
    static func plannedFiles(_ plan: GenerationPlan, report: inout GenerationReport) throws -> [PlannedFile] {
        var out: [PlannedFile] = []
        for calc in plan.calculations { out += try files(calc, root: plan.outputFolder, report: &report) }
        let jobs = plan.calculations.map { SubmitScript.Job(folder: $0.name, dependencies: $0.dependencies) }
        out.append(
            PlannedFile(path: submitScriptName(plan), bytes: Array(SubmitScript.render(study: plan.study, jobs: jobs).utf8), mode: 0o755, calculation: nil))
        return out
    }

    /// The files of one calculation folder.
    static func files(_ calc: PlannedCalculation, root: String, report: inout GenerationReport) throws -> [PlannedFile] {
        let name = calc.name
        let dir = folder(name, in: root)
        var out: [PlannedFile] = []
        func add(_ text: String, _ relative: String, mode: mode_t? = nil) {
            out.append(PlannedFile(path: relative, bytes: Array(text.utf8), mode: mode, calculation: name))
        }
        add(calc.incar.text(), name + "/INCAR")
        add(calc.kpoints.text(), name + "/KPOINTS")
        if calc.potcar.isFromLibrary {
            out.append(PlannedFile(path: name + "/POTCAR", bytes: try calc.potcar.potcarBytes(for: dir + "/POTCAR"), mode: nil, calculation: name))
            report.potcars += 1
        } else {
            add(calc.potcar.specText, name + "/POTCAR.spec")
            report.potcarSpecs += 1
        }
        let order = calc.potcar.labels.map { PotcarSingle(label: $0).element }
        switch calc.geometry {
        case .single(let structure):
            add(try poscarText(Poscar(comment: calc.poscarComment, structure: structure), order: order, path: dir + "/POSCAR"), name + "/POSCAR")
        case .neb(let path, let method):
            let last = path.images.count - 1
            for (k, image) in path.images.enumerated() {
                let role = k == 0 ? "initial state" : k == last ? "final state" : "image \(k) of \(last - 1) (\(method.rawValue))"
                let relative = name + "/" + imageName(k) + "/POSCAR"
                add(
                    try poscarText(Poscar(comment: "\(name) \(imageName(k)): \(role)", structure: image), order: order, path: folder(relative, in: root)),
                    relative)
            }
            for k in (last + 1)..<100 where FileSystem.isDirectory(dir + "/" + imageName(k)) {
                report.staleImageFolders.append(name + "/" + imageName(k))
            }
        }
        add(calc.jobScript, name + "/job.sh", mode: 0o755)
        return out
    }

    /// The path a write error names.
    static func failedPath(_ error: Error) -> String? {
        switch error {
        case StudyError.cannotWrite(let file, _), VASPError.cannotWrite(let file, _), FileError.cannotWrite(let file, _): return file
        case VASPError.cannotRead(let file, _), FileError.cannotRead(let file, _): return file
        default: return nil
        }
    }

    static func put(_ bytes: [UInt8], _ relative: String, root: String, mode: mode_t? = nil, writer: FileWriter, report: inout GenerationReport) throws {
        try writer.write(bytes, folder(relative, in: root), mode)
        report.files += 1
        report.writtenFiles.append(relative)
    }

    static func folder(_ name: String, in root: String) -> String {
        root == "." ? name : root + "/" + name
    }

    /// POSCAR text with the species grouped in the POTCAR order; an error names `path`.
    static func poscarText(_ poscar: Poscar, order: [String], path: String) throws -> String {
        do {
            return try poscar.rendered(speciesOrder: order).text
        } catch VASPError.cannotWrite(_, let reason) {
            throw VASPError.cannotWrite(file: path, reason: reason)
        }
    }

    /// `00`, `01`, … `99`.
    public static func imageName(_ k: Int) -> String { k < 10 ? "0\(k)" : "\(k)" }
}

extension Generator {
    /// The POTCAR library in `folder` (`--potcars`): the ASE layout when it holds a `potpaw_PBE…`
    /// folder, the pymatgen layout when it holds `POT_GGA_PAW_PBE…`/`POT_PAW_PBE…`. A family folder
    /// itself (`…/potpaw_PBE.54`) is accepted too: its parent becomes the root.
    /// - Throws: ``StudyError/cannotRead(file:reason:)`` when neither layout is found.
    public static func potcarLibrary(at folder: String) throws -> PotcarLibrary {
        let trimmed = PathText.trimmingTrailingSlash(folder)
        let last = trimmed.split(separator: "/").last.map(String.init) ?? trimmed
        for (prefix, layout) in [("potpaw_PBE", PotcarLibrary.Layout.ase), ("POT_GGA_PAW_PBE", .pymatgen), ("POT_PAW_PBE", .pymatgen)]
        where last.hasPrefix(prefix) && FileSystem.isDirectory(trimmed) {
            let suffix = last.dropFirst(prefix.count).drop(while: { $0 == "." || $0 == "_" })
            return PotcarLibrary(layout: layout, root: PathText.folder(of: trimmed), version: suffix.isEmpty ? nil : String(suffix))
        }
        guard FileSystem.isDirectory(trimmed) else {
            throw StudyError.cannotRead(file: folder, reason: "not a folder (expected a POTCAR library: VASP_PP_PATH or PMG_VASP_PSP_DIR layout)")
        }
        let versions = ["", ".64", "_64", ".54", "_54", ".52", "_52"]
        if versions.contains(where: { FileSystem.isDirectory("\(trimmed)/potpaw_PBE\($0)") }) {
            return PotcarLibrary(layout: .ase, root: trimmed)
        }
        let pmg = ["POT_GGA_PAW_PBE", "POT_GGA_PAW_PBE_64", "POT_GGA_PAW_PBE_54", "POT_GGA_PAW_PBE_52", "POT_PAW_PBE_64"]
        if pmg.contains(where: { FileSystem.isDirectory("\(trimmed)/\($0)") }) {
            return PotcarLibrary(layout: .pymatgen, root: trimmed)
        }
        throw StudyError.cannotRead(
            file: folder,
            reason: "no PBE POTCAR family here: expected potpaw_PBE[.54|.64]/ (ASE layout) or POT_GGA_PAW_PBE[_54]/ (pymatgen layout)")
    }
}
