import Analysis
import Chemistry
import Study

/// What `cascade parse` prints for one vasprun.xml (Study's ``VasprunRecord``): the JSON object (keys
/// as pymatgen names them where pymatgen has a name, see docs/json.md) and the human summary.
public enum VasprunReport {
    /// Version of the `cascade parse --json` object layout.
    public static let schemaVersion = 1

    /// The `cascade parse --json` object.
    public static func json(_ run: VasprunRecord) -> JSONValue {
        var warnings = run.warnings.map(JSONValue.string)
        let finalEnergy = run.finalEnergy
        if let e = finalEnergy, !e.isFinite { warnings.append(.string("final_energy is not finite; written as null")) }
        let members: [(String, JSONValue)] = [
            ("schema_version", .int(schemaVersion)),
            ("file", .string(run.file)),
            ("complete", .bool(run.complete)),
            ("warnings", .array(warnings)),
            ("vasp_version", run.vaspVersion.map(JSONValue.string) ?? .null),
            ("atoms", .array(run.atoms.map(JSONValue.string))),
            ("potcars", .array(run.potcarTitles.map(JSONValue.string))),
            ("zval", .object(zval(run))),
            ("nelect", .finite(run.nelect)),
            ("charge", .finite(run.netCharge)),
            ("parameters", parameters(run.parameters)),
            ("incar", parameters(run.incar)),
            ("ionic_steps", .array(run.ionicSteps.map(ionicStep))),
            ("final_energy", .finite(finalEnergy)),
            ("converged_electronic", run.convergedElectronic.map(JSONValue.bool) ?? .null),
            ("converged_ionic", run.convergedIonic.map(JSONValue.bool) ?? .null),
            ("initial_structure", run.initialStructure.map(structure) ?? .null),
            ("final_structure", run.finalStructure.map(structure) ?? .null),
            ("n_kpoints", run.kpointCount.map(JSONValue.int) ?? .null),
            ("kpoint_weights_sum", run.kpointWeightSum.map { .finite($0) } ?? .null),
            ("efermi", .finite(run.efermi)),
            ("band_gap", bandGap(run)),
            ("dos", run.dos.map(dos) ?? .null),
            ("eigenvalues", run.eigenvalues.map(eigenvalues) ?? .null),
            ("projected", run.projected.map(projected) ?? .null)
        ]
        return .object(members)
    }

    /// ZVAL of each element, the first `<atomtypes>` row of an element giving it.
    private static func zval(_ run: VasprunRecord) -> [(String, JSONValue)] {
        var seen = Set<String>()
        var out: [(String, JSONValue)] = []
        for type in run.valences where seen.insert(type.element).inserted {
            out.append((type.element, .finite(type.valence)))
        }
        return out
    }

    private static func parameters(_ list: [(name: String, value: VasprunRecord.Parameter)]) -> JSONValue {
        .object(list.map { ($0.name, parameterValue($0.value)) })
    }

    private static func parameterValue(_ value: VasprunRecord.Parameter) -> JSONValue {
        switch value {
        case .int(let v): return .int(v)
        case .double(let v): return .finite(v)
        case .bool(let v): return .bool(v)
        case .string(let v): return .string(v)
        case .ints(let v): return .array(v.map(JSONValue.int))
        case .doubles(let v): return .array(v.map { JSONValue.finite($0) })
        case .bools(let v): return .array(v.map(JSONValue.bool))
        case .strings(let v): return .array(v.map(JSONValue.string))
        case .unreadable: return .null
        }
    }

    private static func ionicStep(_ step: VasprunRecord.Step) -> JSONValue {
        .object([
            ("e_fr_energy", .finite(step.freeEnergy)),
            ("e_wo_entrp", .finite(step.energyWithoutEntropy)),
            ("e_0_energy", .finite(step.energySigma0)),
            ("scf_steps", .int(step.scfSteps)),
            ("max_force", .finite(step.maxForce))
        ])
    }

    private static func structure(_ s: Structure) -> JSONValue {
        .object([
            ("lattice", .array(s.lattice.rows.map { .array($0.map { JSONValue.finite($0) }) })),
            ("species", .array(s.species.map(JSONValue.string))),
            ("frac_coords", .array(s.fractionalPositions.map { .array([.finite($0.x), .finite($0.y), .finite($0.z)]) }))
        ])
    }

    private static func bandGap(_ run: VasprunRecord) -> JSONValue {
        guard let eigen = run.eigenvalues, let edges = bandEdges(eigen) else { return .null }
        var members: [(String, JSONValue)] = [
            ("gap", .finite(edges.gap)), ("cbm", .finite(edges.cbm)), ("vbm", .finite(edges.vbm)),
            ("direct", .bool(edges.isDirect))
        ]
        if let efermi = run.efermi { members.append(("metal", .bool(isMetal(eigen, efermi: efermi)))) }
        if eigen.spinCount == 2 {
            members.append(
                (
                    "per_spin",
                    .array(
                        (0..<2).map { s in
                            bandEdges(eigen, spin: s).map { e in
                                .object([
                                    ("spin", .string(s == 0 ? "up" : "down")), ("gap", .finite(e.gap)), ("cbm", .finite(e.cbm)), ("vbm", .finite(e.vbm)),
                                    ("direct", .bool(e.isDirect))
                                ])
                            } ?? .null
                        })
                ))
        }
        return .object(members)
    }

    /// Spin labels as pymatgen writes them: "1" (up) and "-1" (down), sorted as strings.
    private static func spinLabels(_ count: Int) -> [JSONValue] {
        count == 2 ? [.string("-1"), .string("1")] : [.string("1")]
    }

    private static func dos(_ d: DensityOfStates) -> JSONValue {
        let n = d.energies.count
        var sums: [(String, JSONValue)] = []
        for (s, label) in ["1", "-1"].enumerated() where s < d.spinCount {
            sums.append((label, .finite(d.total.values[(s * n)..<(s * n + n)].reduce(0, +))))
        }
        let orbitals = pymatgenOrbitalNames(d.orbitalLabels).sorted()
        return .object([
            ("n_energies", .int(n)),
            ("emin", .finite(d.energies.first)),
            ("emax", .finite(d.energies.last)),
            ("spins", .array(spinLabels(d.spinCount))),
            ("densities_sum", .object(sums)),
            ("orbitals", .array(orbitals.map(JSONValue.string))),
            ("n_pdos_sites", .int(d.partial?.shape[0] ?? 0)),
            ("noncollinear", .bool(d.isNoncollinear))
        ])
    }

    private static func eigenvalues(_ e: BandEigenvalues) -> JSONValue {
        .object([("spins", .array(spinLabels(e.spinCount))), ("kpoints", .int(e.kpointCount)), ("bands", .int(e.bandCount))])
    }

    private static func projected(_ p: ProjectedEigenvalues) -> JSONValue {
        let shape = p.weights.shape
        let components = shape[0]
        return .object([
            ("spins", .array(spinLabels(components == 4 ? 1 : components))),
            ("kpoints", .int(shape[1])), ("bands", .int(shape[2])), ("ions", .int(shape[3])),
            ("orbitals", .int(shape[4])),
            ("magnetization_components", .int(components == 4 ? 3 : 0))
        ])
    }

    // MARK: - Human summary

    /// The human summary: one `key  value` line each, keys padded to 22 characters.
    public static func summary(_ run: VasprunRecord) -> String {
        var lines: [String] = []
        func add(_ key: String, _ value: String) { lines.append(key + String(repeating: " ", count: max(1, 22 - key.count)) + value) }
        add("file", run.file + (run.complete ? "" : "   (INCOMPLETE: see warnings)"))
        add("VASP", run.vaspVersion ?? "?")
        let formula = run.finalStructure?.formula ?? run.initialStructure?.formula ?? "?"
        add("formula", "\(formula)  (\(run.atoms.count) atoms)")
        add("POTCARs", run.potcarTitles.joined(separator: ", "))
        add("ionic steps", "\(run.ionicSteps.count)" + (run.ionicSteps.last.map { ", last with \($0.scfSteps) SCF steps" } ?? ""))
        add("final energy E(σ→0)", run.finalEnergy.map { format($0, 8) + " eV" } ?? "none")
        if run.complete {
            add("converged", "electronic \(yesNo(run.convergedElectronic)), ionic \(yesNo(run.convergedIonic))")
        } else {
            // pymatgen's flags count the steps present, which says nothing about a run that was cut short.
            add("converged", "electronic \(yesNo(run.convergedElectronic)) (last complete step), ionic unknown: the file ends before the run did")
        }
        add("Fermi level", run.efermi.map { format($0, 4) + " eV" } ?? "none")
        if let eigen = run.eigenvalues, let efermi = run.efermi, isMetal(eigen, efermi: efermi) {
            add("gap (eigenvalues)", "metal, 0: E_F lies inside a band (pymatgen get_band_gap)")
        } else if let eigen = run.eigenvalues, let edges = bandEdges(eigen) {
            let kind = eigen.kpointCount == 1 ? "HOMO–LUMO" : (edges.isDirect ? "direct" : "indirect")
            add("gap (eigenvalues)", "\(format(edges.gap, 4)) eV \(kind); VBM \(format(edges.vbm, 4)), CBM \(format(edges.cbm, 4))")
            if eigen.spinCount == 2 {
                let perSpin: [String] = [(0, "↑"), (1, "↓")].map { s, arrow in
                    guard let e = bandEdges(eigen, spin: s) else { return "\(arrow) none" }
                    return "\(arrow) \(format(e.gap, 4)) eV (VBM \(format(e.vbm, 4)), CBM \(format(e.cbm, 4)))"
                }
                let fixed = (run.nupdown ?? -1) >= 0
                add("gap per spin", perSpin.joined(separator: ", ") + (fixed ? "; NUPDOWN fixed: quote these, the E_F above is one channel's" : ""))
            }
        } else {
            add("gap (eigenvalues)", "none")
        }
        add("charge", run.netCharge.map { "\(format($0, 4)) |e| (Σ ZVAL − NELECT)" } ?? "unknown")
        add("warnings", "\(run.warnings.count)")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func yesNo(_ b: Bool?) -> String {
        b.map { $0 ? "yes" : "no" } ?? "unknown"
    }

    /// Report's number formatter (`%.{decimals}f`).
    private static func format(_ x: Double, _ decimals: Int) -> String { ReportNumber.format(x, decimals: decimals) }
}

/// pymatgen's orbital names for VASP's DOS columns: lm-decomposed columns (any label containing
/// "x") map by index to s, py, pz, px, dxy, dyz, dz2, dxz, dx2_y2, f_3…f3; otherwise to s, p, d, f.
func pymatgenOrbitalNames(_ labels: [String]) -> [String] {
    let lm = ["s", "py", "pz", "px", "dxy", "dyz", "dz2", "dxz", "dx2_y2", "f_3", "f_2", "f_1", "f0", "f1", "f2", "f3"]
    let types = ["s", "p", "d", "f"]
    let table = labels.contains { $0.contains("x") } ? lm : types
    return labels.indices.map { $0 < table.count ? table[$0] : labels[$0] }
}
