import Analysis
import Chemistry

/// The checks a referee would run on a study before any CPU hour is spent, on the structures
/// `cascade generate` would write (`cascade doctor`, section "Referee checks"): the frozen atoms of
/// every energy's terms coincide, every density difference's parts sit where its complex has them, every
/// pathway state has the bond changes it declares, every charged cell gets its electrostatic correction,
/// and which states run with the spin free. `tabulate` repeats the first three on the relaxed outputs.
enum RefereeChecks {
    static func run(_ manifest: StudyManifest, plan: GenerationPlan) -> [DoctorFinding] {
        var structures: [String: Structure] = [:]
        for calc in plan.calculations {
            if case .single(let s) = calc.geometry { structures[calc.name] = s }
        }
        let facts = SystemFacts.resolve(manifest)
        let moving = Set(plan.calculations.filter { ($0.incar.int("NSW") ?? 0) > 0 }.map(\.name))
        return frozenAtoms(manifest, structures) + densityParts(manifest, structures, moving: moving) + declaredBonds(manifest, structures, facts: facts)
            + chargedCells(plan) + freeSpin(plan, manifest: manifest)
    }

    /// E = E(complex) − Σ E(parts): a part that freezes the same atoms as the complex must freeze them
    /// where the complex does (≤ 0.01 Å after superposition).
    static func frozenAtoms(_ manifest: StudyManifest, _ structures: [String: Structure]) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for energy in manifest.quantities.energies {
            guard let complex = structures[energy.complex].flatMap(frozen) else { continue }
            for part in Set(energy.parts).sorted() {
                guard let f = structures[part].flatMap(frozen), f.species == complex.species,
                    let d = superpositionDeviation(complex.positions, f.positions)
                else { continue }
                let what = "\(energy.name): the \(f.species.count) frozen atoms of \(part) and \(energy.complex)"
                findings.append(
                    d.maximum <= QuantityContext.frozenAtomTolerance
                        ? DoctorFinding(.ok, "\(what) coincide (largest deviation \(GuardNumber.text(d.maximum)) Å after superposition)")
                        : DoctorFinding(
                            .problem, "\(what) differ by up to \(GuardNumber.text(d.maximum)) Å after superposition (RMSD \(GuardNumber.text(d.rmsd)) Å)",
                            fix: "build both from one frozen framework (the energy would carry the strain of atoms that cannot relax)"))
            }
        }
        return findings
    }

    /// Δρ = ρ(AB) − Σ ρ(parts): each part must be a frozen fragment of AB's geometry — cut from the
    /// calculation AB's single point starts from, or (written by hand) at AB's positions with neither
    /// moving its atoms (NSW = 0) nor starting from another run's CONTCAR. `moving` names the calculations
    /// that relax.
    static func densityParts(_ manifest: StudyManifest, _ structures: [String: Structure], moving: Set<String>) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for d in manifest.quantities.densityDifferences {
            guard let whole = structures[d.complex] else { continue }
            for part in d.parts {
                guard let s = structures[part], let worst = worstPositionMismatch(part: s, whole: whole) else { continue }
                let geometrySource = manifest.calculation(named: d.complex).flatMap { $0.from ?? $0.name }
                let partEntry = manifest.calculation(named: part)
                let cut = partEntry?.fragmentOf?.source
                let frozenByHand =
                    cut == nil && partEntry?.from == nil && manifest.calculation(named: d.complex)?.from == nil
                    && !moving.contains(part) && !moving.contains(d.complex)
                if worst.distance <= QuantityContext.frozenPositionTolerance && (cut == geometrySource || frozenByHand) {
                    findings.append(
                        DoctorFinding(
                            .ok,
                            "\(d.name): \(part) sits where \(d.complex) has its atoms"
                                + (cut.map { " (a frozen fragment of \($0), cut from its CONTCAR at run time)" } ?? "")))
                } else {
                    let distance =
                        worst.distance.isFinite
                        ? "atom \(worst.species)\(worst.atom) \(GuardNumber.text(worst.distance)) Å away" : "atom \(worst.species)\(worst.atom) absent"
                    let why =
                        worst.distance > QuantityContext.frozenPositionTolerance
                        ? distance
                        : cut.map { "cut from \($0), not from \(geometrySource ?? "?")" } ?? "its atoms or the complex's move before the density is written"
                    findings.append(
                        DoctorFinding(
                            .problem,
                            "\(d.name): \(part) is not a frozen fragment of \(d.complex) (\(why))",
                            fix:
                                "make \(part) a single point with fragment_of: \(geometrySource ?? d.complex) and fragment: {contains: [..]} (docs/study-manifest.md)"
                        ))
                }
            }
        }
        return findings
    }

    /// Every system that declares bond changes has them in its starting structure.
    static func declaredBonds(_ manifest: StudyManifest, _ structures: [String: Structure], facts: [String: SystemFacts]) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        var seen: Set<String> = []
        for calc in manifest.calculations {
            guard let system = calc.system, calc.fragmentOf == nil, !seen.contains(system), let changes = facts[system]?.bondChanges,
                let s = structures[calc.name]
            else { continue }
            seen.insert(system)
            let (violations, unknown) = bondDeclarationViolations(s, broken: changes.broken, formed: changes.formed)
            let count = changes.broken.count + changes.formed.count
            if violations.isEmpty && unknown.isEmpty {
                findings.append(DoctorFinding(.ok, "\(system): its \(count) declared bond change\(count == 1 ? "" : "s") hold in the starting structure"))
            } else {
                let text =
                    violations.map { "\($0.speciesI)\($0.i)–\($0.speciesJ)\($0.j) declared \($0.declared) at \(GuardNumber.text($0.distance)) Å" }
                    + unknown.map { "pair \($0) names no two atoms with covalent radii" }
                findings.append(
                    DoctorFinding(
                        .problem, "\(system): " + text.joined(separator: "; "),
                        fix: "fix the structure or its broken:/formed: pairs (0-based, file order) in the index"))
            }
        }
        return findings
    }

    /// A charged molecule in a box needs the dipole/monopole correction (IDIPOL, LDIPOL).
    static func chargedCells(_ plan: GenerationPlan) -> [DoctorFinding] {
        let charged = plan.calculations.filter { $0.charge != 0 }
        guard !charged.isEmpty else { return [] }
        let missing = charged.filter { $0.incar["IDIPOL"] == nil }
        if missing.isEmpty {
            return [
                DoctorFinding(
                    .ok,
                    "\(charged.count) charged calculation\(charged.count == 1 ? "" : "s"): each gets IDIPOL/LDIPOL (monopole and dipole correction about its centre of mass)"
                )
            ]
        }
        return [
            DoctorFinding(
                .warning,
                "\(missing.count) charged calculation\(missing.count == 1 ? "" : "s") without IDIPOL: \(missing.prefix(4).map(\.name).joined(separator: ", "))",
                fix: "give the input set a charged_molecule block (docs/input-sets.md) or compare only equal charges")
        ]
    }

    /// Which spin-polarised calculations leave the moment free (no NUPDOWN).
    static func freeSpin(_ plan: GenerationPlan, manifest: StudyManifest) -> [DoctorFinding] {
        let free = plan.calculations.filter { $0.incar.int("ISPIN") == 2 && $0.incar["NUPDOWN"] == nil }
        guard !free.isEmpty else { return [] }
        return [
            DoctorFinding(
                .note,
                "\(free.count) spin-polarised calculation\(free.count == 1 ? "" : "s") with the moment free (no NUPDOWN; tabulate reports the moment reached): \(free.prefix(5).map(\.name).joined(separator: ", "))\(free.count > 5 ? ", …" : "")"
            )
        ]
    }

    /// The atoms frozen in all three directions, with species and Cartesian positions; `nil` below three.
    static func frozen(_ s: Structure) -> (species: [String], positions: [SIMD3<Double>])? {
        guard let flags = s.selectiveDynamics else { return nil }
        let indices = flags.indices.filter { flags[$0] == .fixed }
        guard indices.count >= 3 else { return nil }
        let cartesian = s.cartesianPositions
        return (indices.map { s.species[$0] }, indices.map { cartesian[$0] })
    }
}
