import Analysis
import Files
import VASP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `cascade tabulate` is asked besides the manifest and the runs folder.
public struct TabulationOptions: Sendable, Hashable {
    /// An incomplete output modified less than this many seconds ago counts as `running`; older, as
    /// `truncated` (a killed job). Default 3600 s: VASP rewrites OUTCAR at least once per ionic step.
    public var runningWindow: Double
    /// The current time (seconds since 1970) for that decision; `nil` = the system clock. Tests set it.
    public var now: Double?
    /// Hash every source file (SHA-256) for the provenance. On by default.
    public var hashFiles: Bool
    /// The folder (`--plots`) that receives the CHGCAR_diff of each density difference with `write: true`,
    /// written while it is evaluated (the grid is not kept); `nil` = nothing written.
    public var outputFolder: String?
    /// Replace an existing CHGCAR_diff (`--force`); without it an existing file is kept and noted.
    public var replaceOutputs: Bool

    /// Options.
    public init(runningWindow: Double = 3600, now: Double? = nil, hashFiles: Bool = true, outputFolder: String? = nil, replaceOutputs: Bool = false) {
        self.runningWindow = runningWindow
        self.now = now
        self.hashFiles = hashFiles
        self.outputFolder = outputFolder
        self.replaceOutputs = replaceOutputs
    }
}

/// What one look at a run folder (or an NEB image folder) found.
struct RunProbe: Sendable {
    var state: CalculationState
    var reason: String
    var vaspVersion: String?
    var energy: Double?
    var maxForce: Double?
    /// N↑ − N↓ (μ_B) of a spin-polarised vasprun.xml, else OUTCAR's last `magnetization` value.
    var magnetization: Double? = nil
    /// Complete ionic steps in the file read (vasprun.xml, else OUTCAR).
    var ionicSteps: Int? = nil
    /// vasprun.xml / OUTCAR that exist in the folder.
    var outputs: [String]
    /// The complete vasprun.xml read to decide the state (no projections; the DOS only when asked), kept so
    /// that the energies come from the same read instead of a second pass over the file.
    var vasprun: Vasprun? = nil
    /// Every output parsed, complete or not (an NEB image's loader takes them instead of reading again).
    var parsed: ParsedOutputs = ParsedOutputs()
}

/// The outputs of one folder as parsed by the status look.
struct ParsedOutputs: Sendable {
    var vasprun: Vasprun?
    var outcar: Outcar?
    /// Why the vasprun.xml could not be read, when the status look tried (so that no one reads it again).
    var vasprunFailure: String?
    /// Why the OUTCAR could not be read, when the status look tried.
    var outcarFailure: String?
}

/// A read that failed earlier in the same `tabulate`, told again with its message instead of reading again.
struct EarlierReadFailure: Error, CustomStringConvertible {
    let description: String
}

/// Classifies run folders: missing, running, truncated, unconverged or converged, with the reason.
enum RunStatus {
    /// A single calculation (or, with `nebImage`, one image of a band: its ionic convergence is the VTST
    /// force criterion max |F| < |EDIFFG| instead of NSW).
    /// `readDOS`: read the DOS with the vasprun.xml (a calculation of an electronic set), so that the file
    /// is parsed once.
    static func probe(folder: String, nebImage: Bool = false, readDOS: Bool = false, options: TabulationOptions) -> RunProbe {
        var hashes = FileHashes(enabled: false)
        return probe(folder: folder, nebImage: nebImage, readDOS: readDOS, options: options, hashes: &hashes)
    }

    /// ``probe(folder:nebImage:readDOS:options:)``, hashing into `hashes` every file it reads, in the same read.
    static func probe(folder: String, nebImage: Bool = false, readDOS: Bool = false, options: TabulationOptions, hashes: inout FileHashes) -> RunProbe {
        guard FileSystem.isDirectory(folder) else {
            return RunProbe(state: .missing, reason: "no folder \(folder)", outputs: [])
        }
        let vasprunPath = RunLoader.vasprunPath(for: folder)
        let outcarPath = CalculationLoader.outcarPath(in: folder)
        let outputs = (FileSystem.exists(vasprunPath) ? [vasprunPath] : []) + (outcarPath.map { [$0] } ?? [])
        guard !outputs.isEmpty else {
            return RunProbe(state: .missing, reason: "no vasprun.xml(.gz) or OUTCAR(.gz) in \(folder): not run yet", outputs: [])
        }
        let age = FileClock.age(of: outputs + ["\(folder)/OSZICAR"], options: options)
        var vasprunProblem = ""
        var vasprunFailure: String?
        if FileSystem.exists(vasprunPath) {
            do {
                let v = try hashes.reading(vasprunPath) { observer in
                    try Vasprun.read(
                        path: vasprunPath, options: VasprunOptions(readDOS: readDOS, readEigenvalues: true, readProjections: false), observer: observer)
                }
                var probe = fromVasprun(v, path: vasprunPath, age: age, nebImage: nebImage, options: options)
                probe.outputs = outputs
                probe.parsed.vasprun = v
                if let e = v.eigenvalues, let w = v.kpoints?.weights { probe.magnetization = totalMagnetization(e, weights: w) }
                if v.complete && v.finalEnergy != nil { probe.vasprun = v }
                if nebImage, let outcarPath, probe.state == .converged || probe.state == .unconverged {
                    do {
                        let o = try hashes.reading(outcarPath) { try Outcar.read(path: outcarPath, observer: $0) }
                        probe.parsed.outcar = o
                        applyForceCriterion(&probe, maxForce: o.ionicSteps.last?.nebMaxForce ?? o.ionicSteps.last?.maxForce, ediffg: o.ediffg, file: outcarPath)
                    } catch {
                        probe.parsed.outcarFailure = "\(error)"
                    }
                }
                return probe
            } catch {
                vasprunProblem = "\(vasprunPath) cannot be read (\(error))"
                vasprunFailure = "\(error)"
                if outcarPath == nil {
                    let state: CalculationState = isRecent(age, options) ? .running : .truncated
                    var probe = RunProbe(state: state, reason: vasprunProblem + ageText(age), outputs: outputs)
                    probe.parsed.vasprunFailure = vasprunFailure
                    return probe
                }
            }
        }
        guard let outcarPath else {
            return RunProbe(state: .missing, reason: "no output in \(folder)", outputs: outputs)
        }
        do {
            let o = try hashes.reading(outcarPath) { try Outcar.read(path: outcarPath, observer: $0) }
            var probe = fromOutcar(o, path: outcarPath, age: age, nebImage: nebImage, options: options)
            probe.outputs = outputs
            probe.parsed.outcar = o
            probe.parsed.vasprunFailure = vasprunFailure
            if o.totalMagnetizationVector.count == 1 { probe.magnetization = o.totalMagnetizationVector[0] }
            if !vasprunProblem.isEmpty { probe.reason = vasprunProblem + "; " + probe.reason }
            return probe
        } catch {
            let state: CalculationState = isRecent(age, options) ? .running : .truncated
            var probe = RunProbe(state: state, reason: "\(outcarPath) cannot be read (\(error))\(ageText(age))", outputs: outputs)
            probe.parsed.vasprunFailure = vasprunFailure
            probe.parsed.outcarFailure = "\(error)"
            return probe
        }
    }

    static func fromVasprun(_ v: Vasprun, path: String, age: Double?, nebImage: Bool, options: TabulationOptions) -> RunProbe {
        var probe = RunProbe(
            state: .converged, reason: "", vaspVersion: v.vaspVersion, energy: v.finalEnergy,
            maxForce: v.ionicSteps.last?.maxForce, outputs: [])
        probe.ionicSteps = v.ionicSteps.count
        if let early = cutShort(
            probe, complete: v.complete, what: "\(path) ends after \(v.ionicSteps.count) complete ionic step(s)",
            path: path, age: age, options: options)
        {
            return early
        }
        if v.convergedElectronic == false {
            let nelm = v.parameters["NELM"]?.int.map(String.init) ?? "?"
            probe.state = .unconverged
            probe.reason = "electronic: the last ionic step used all NELM = \(nelm) SCF steps (\(path))"
            return probe
        }
        if !nebImage, v.convergedIonic == false {
            let nsw = v.parameters["NSW"]?.int.map(String.init) ?? "?"
            probe.state = .unconverged
            probe.reason = "ionic: all NSW = \(nsw) ionic steps used without reaching EDIFFG (\(path))"
            return probe
        }
        probe.reason = "\(path) complete; electronic and ionic convergence reached"
        if nebImage {
            applyForceCriterion(&probe, maxForce: probe.maxForce, ediffg: v.parameters["EDIFFG"]?.double, file: path)
        }
        return probe
    }

    /// The probe of a file cut short (running when written recently, else truncated; `what` says where it
    /// ends) or complete without an energy (truncated); `nil` when the file can be judged further.
    static func cutShort(_ probe: RunProbe, complete: Bool, what: String, path: String, age: Double?, options: TabulationOptions) -> RunProbe? {
        var probe = probe
        if !complete {
            let recent = isRecent(age, options)
            probe.state = recent ? .running : .truncated
            probe.reason = what + ageText(age) + (recent ? ": still being written" : ": the job was killed or ran out of time")
            return probe
        }
        guard probe.energy == nil else { return nil }
        probe.state = .truncated
        probe.reason = "\(path) is complete but has no ionic step with an energy"
        return probe
    }

    static func fromOutcar(_ o: Outcar, path: String, age: Double?, nebImage: Bool, options: TabulationOptions) -> RunProbe {
        var probe = RunProbe(
            state: .converged, reason: "", vaspVersion: o.vaspVersion, energy: o.finalEnergy,
            maxForce: o.ionicSteps.last?.nebMaxForce ?? o.ionicSteps.last?.maxForce, outputs: [])
        probe.ionicSteps = o.ionicSteps.count
        if let early = cutShort(
            probe, complete: o.complete,
            what: "\(path) has no closing timing section; \(o.ionicSteps.count) complete ionic step(s)", path: path, age: age, options: options)
        {
            return early
        }
        if nebImage {
            probe.reason = "\(path) complete (no vasprun.xml: electronic convergence not checked)"
            applyForceCriterion(&probe, maxForce: probe.maxForce, ediffg: o.ediffg, file: path)
            return probe
        }
        if let ibrion = o.ibrion, [1, 2, 3].contains(ibrion), o.ionicSteps.count > 1, !o.reachedRequiredAccuracy {
            probe.state = .unconverged
            probe.reason = "ionic: \(path) has no `reached required accuracy` line after \(o.ionicSteps.count) ionic steps"
            return probe
        }
        probe.reason = "\(path) complete (no vasprun.xml: electronic convergence not checked)"
        return probe
    }

    /// NEB images: max force < |EDIFFG| when EDIFFG < 0 (the VTST criterion every image must meet).
    static func applyForceCriterion(_ probe: inout RunProbe, maxForce: Double?, ediffg: Double?, file: String) {
        probe.maxForce = maxForce ?? probe.maxForce
        guard let ediffg, ediffg < 0 else {
            probe.reason += "; EDIFFG ≥ 0 or unknown: force criterion not checked"
            return
        }
        guard let f = probe.maxForce else {
            probe.reason += "; no force in \(file): force criterion not checked"
            return
        }
        if f >= -ediffg {
            probe.state = .unconverged
            probe.reason = "max force \(GuardNumber.text(f)) eV/Å ≥ |EDIFFG| = \(GuardNumber.text(-ediffg)) eV/Å (\(file))"
        } else {
            probe.reason = "max force \(GuardNumber.text(f)) eV/Å < |EDIFFG| = \(GuardNumber.text(-ediffg)) eV/Å (\(file))"
        }
    }

    static func isRecent(_ age: Double?, _ options: TabulationOptions) -> Bool {
        guard let age else { return false }
        return age < options.runningWindow
    }

    static func ageText(_ age: Double?) -> String {
        guard let age else { return "" }
        let minutes = Int((max(age, 0) / 60).rounded())
        return minutes < 120 ? "; last written \(minutes) min ago" : "; last written \(minutes / 60) h ago"
    }

    // MARK: NEB folders

    /// The status of an NEB folder: every image probed; the band's state is the worst of its
    /// intermediate images (and of end points that have outputs). End points without output are
    /// normal (their energies come from the relaxations named `initial`/`final`).
    static func probeBand(folder: String, options: TabulationOptions) -> BandProbe {
        var hashes = FileHashes(enabled: false)
        return probeBand(folder: folder, options: options, hashes: &hashes)
    }

    /// ``probeBand(folder:options:)``, hashing into `hashes` every file it reads, in the same read.
    static func probeBand(folder: String, options: TabulationOptions, hashes: inout FileHashes) -> BandProbe {
        guard FileSystem.isDirectory(folder) else { return BandProbe(.missing, "no folder \(folder)", [], nil, [:]) }
        let labels = FileSystem.names(in: folder)
            .filter { $0.count >= 2 && $0.allSatisfy(\.isNumber) && FileSystem.isDirectory("\(folder)/\($0)") }
            .sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
        guard labels.count >= 3 else {
            return BandProbe(
                .missing, "no image folders 00 … NN in \(folder) (found \(labels.isEmpty ? "none" : labels.joined(separator: ", ")))", [], nil, [:])
        }
        var images: [ImageStatus] = []
        var counted: [(String, RunProbe)] = []
        var version: String?
        var parsed: [String: ParsedOutputs] = [:]
        for (k, label) in labels.enumerated() {
            let isEnd = k == 0 || k == labels.count - 1
            let p = probe(folder: "\(folder)/\(label)", nebImage: !isEnd, options: options, hashes: &hashes)
            parsed[label] = p.parsed
            version = version ?? p.vaspVersion
            if isEnd && p.outputs.isEmpty {
                images.append(
                    ImageStatus(
                        label: label, state: .missing, reason: "end point without output: its energy comes from the calculation named as the NEB's end point"))
                continue
            }
            images.append(ImageStatus(label: label, state: p.state, reason: p.reason, energy: p.energy, maxForce: p.maxForce))
            counted.append((label, p))
        }
        let intermediate = images.dropFirst().dropLast()
        guard intermediate.contains(where: { $0.state != .missing }) else {
            return BandProbe(
                .missing, "no output in the intermediate images \(intermediate.map(\.label).joined(separator: ", ")) of \(folder)", images, version, parsed)
        }
        guard let worst = counted.map(\.1.state).min() else { return BandProbe(.missing, "no output in \(folder)", images, version, parsed) }
        let offenders = counted.filter { $0.1.state == worst }
        if worst == .converged {
            let forces = intermediate.compactMap(\.maxForce)
            let top = forces.max().map { "; largest max force \(GuardNumber.text($0)) eV/Å" } ?? ""
            return BandProbe(.converged, "\(intermediate.count) intermediate image(s) converged\(top)", images, version, parsed)
        }
        let first = offenders[0]
        let list = offenders.map(\.0).joined(separator: ", ")
        return BandProbe(worst, "image(s) \(list) \(worst.rawValue): \(first.1.reason)", images, version, parsed)
    }
}

/// The status look at an NEB folder: the band's state, each image's, and what was parsed per image label.
struct BandProbe: Sendable {
    var state: CalculationState
    var reason: String
    var images: [ImageStatus]
    var version: String?
    var parsed: [String: ParsedOutputs]

    init(_ state: CalculationState, _ reason: String, _ images: [ImageStatus], _ version: String?, _ parsed: [String: ParsedOutputs]) {
        self.state = state
        self.reason = reason
        self.images = images
        self.version = version
        self.parsed = parsed
    }
}

/// File modification times, for telling a running job from a killed one.
enum FileClock {
    /// Seconds since the newest of `paths` (those that exist) was modified, or `nil` when none exists.
    static func age(of paths: [String], options: TabulationOptions) -> Double? {
        var newest: Double?
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            #if canImport(Darwin)
            let t = Double(info.st_mtimespec.tv_sec) + Double(info.st_mtimespec.tv_nsec) * 1e-9
            #else
            let t = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) * 1e-9
            #endif
            newest = max(newest ?? t, t)
        }
        guard let newest else { return nil }
        return (options.now ?? now()) - newest
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
