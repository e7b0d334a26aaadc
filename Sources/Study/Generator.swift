import Chemistry
import VASP

/// What ``Generator/write(_:force:)`` wrote.
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
}

/// Writes a ``GenerationPlan``: one folder per calculation with INCAR, KPOINTS, POSCAR, POTCAR (or
/// POTCAR.spec) and `job.sh`; for NEB the parent folder holds INCAR, KPOINTS, POTCAR(.spec) and
/// `job.sh`, and the images go into `00`…`NN`; `submit.sh` in the output folder.
///
/// Guards: nothing is written when the plan has errors, or when a folder already holds VASP outputs
/// (OUTCAR, vasprun.xml, CONTCAR, OSZICAR, also in image folders) and `force` is false; with
/// `force` only the inputs are rewritten, outputs are never deleted. Every file is written
/// atomically (temporary file in the same folder, then rename). Input files of a folder without
/// outputs (an earlier generation) are replaced.
public enum Generator {
    /// Writes the plan.
    /// - Throws: ``StudyError/planHasErrors(_:)``, ``StudyError/outputsPresent(_:)`` (nothing written),
    ///   or ``StudyError/cannotWrite(file:reason:)`` / a VASP writer error when the file system refuses.
    @discardableResult
    public static func write(_ plan: GenerationPlan, force: Bool = false) throws -> GenerationReport {
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
            outputFolder: root, folders: [], files: 0, potcars: 0, potcarSpecs: 0, submitScript: root + "/submit.sh",
            staleImageFolders: [])
        try AtomicFile.makeFolders(root)
        for calc in plan.calculations {
            try write(calc, root: root, report: &report)
        }
        let jobs = plan.calculations.map { SubmitScript.Job(folder: $0.name, dependencies: $0.dependencies) }
        try AtomicFile.write(SubmitScript.render(study: plan.study, jobs: jobs), to: report.submitScript, replace: true, mode: 0o755)
        report.files += 1
        return report
    }

    static func folder(_ name: String, in root: String) -> String {
        root == "." ? name : root + "/" + name
    }

    static func write(_ calc: PlannedCalculation, root: String, report: inout GenerationReport) throws {
        let dir = folder(calc.name, in: root)
        try AtomicFile.makeFolders(dir)
        try calc.incar.write(to: dir + "/INCAR", force: true)
        try calc.kpoints.write(to: dir + "/KPOINTS", force: true)
        let potcarPath = try calc.potcar.writeInputs(inFolder: dir, force: true)
        if potcarPath.hasSuffix(".spec") { report.potcarSpecs += 1 } else { report.potcars += 1 }
        try AtomicFile.write(calc.jobScript, to: dir + "/job.sh", replace: true, mode: 0o755)
        report.files += 4
        let order = calc.potcar.labels.map { PotcarSingle(label: $0).element }
        switch calc.geometry {
        case .single(let structure):
            try Poscar(comment: calc.poscarComment, structure: structure).write(to: dir + "/POSCAR", speciesOrder: order, force: true)
            report.files += 1
        case .neb(let path, let method):
            let last = path.images.count - 1
            for (k, image) in path.images.enumerated() {
                let sub = dir + "/" + imageName(k)
                try AtomicFile.makeFolders(sub)
                let role = k == 0 ? "initial state" : k == last ? "final state" : "image \(k) of \(last - 1) (\(method.rawValue))"
                let comment = "\(calc.name) \(imageName(k)): \(role)"
                try Poscar(comment: comment, structure: image).write(to: sub + "/POSCAR", speciesOrder: order, force: true)
                report.files += 1
            }
            for k in (last + 1)..<100 where FileSystem.isDirectory(dir + "/" + imageName(k)) {
                report.staleImageFolders.append(calc.name + "/" + imageName(k))
            }
        }
        report.folders.append(calc.name)
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
        let trimmed = folder.count > 1 && folder.hasSuffix("/") ? String(folder.dropLast()) : folder
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
        throw StudyError.cannotRead(file: folder,
            reason: "no PBE POTCAR family here: expected potpaw_PBE[.54|.64]/ (ASE layout) or POT_GGA_PAW_PBE[_54]/ (pymatgen layout)")
    }
}
