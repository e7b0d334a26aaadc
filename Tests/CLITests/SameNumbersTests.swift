import Foundation
import TestSupport
import Testing

/// Issue 13 §1: every quantity is computed one way. The single-purpose commands (`adsorption`, `neb`,
/// `dos`, `bonds`, `chgdiff`) and `tabulate` run on the same run tree (corpus runs linked into a temporary
/// folder) and must print the same numbers, bit for bit where both print the same double.
@Suite struct SameNumbersTests {
    static let manifest = """
        study: same-numbers
        structures: .
        systems:
          - {name: x, file: x.vasp}
        calculations:
          - {name: relax/ir-bulk, set: relax, system: x}
          - {name: relax/ir-slab, set: relax, system: x}
          - {name: relax/h-site0, set: relax, system: x}
          - {name: relax/h-site1, set: relax, system: x}
          - {name: relax/nh3-a, set: relax, system: x}
          - {name: relax/nh3-b, set: relax, system: x}
          - {name: static/whole, set: static, system: x}
          - {name: static/part, set: static, system: x}
          - {name: neb/nh3, set: neb, initial: relax/nh3-a, final: relax/nh3-b}
        quantities:
          energies:
            - {name: site0, complex: relax/h-site0, parts: [relax/ir-slab, relax/ir-bulk]}
          electronic:
            - {name: ir, calculations: [relax/h-site0], elements: [Ir]}
          bonds:
            - {name: H–Ir, calculations: [relax/h-site0, relax/h-site1], elements: [H, Ir]}
          pathways:
            - {name: inversion, steps: [neb/nh3]}
          density_differences:
            - {name: d, complex: static/whole, parts: [static/part]}
        """

    /// The run tree: the Ir/H relaxations, an NEB band whose end points hold only a POSCAR (their
    /// energies come from relax/nh3-a and relax/nh3-b, linked from images 01 and 03), and two static runs
    /// whose CHGCARs are the AECCAR2 and AECCAR0 of one Si run (same grid).
    static func tree() throws -> URL {
        let root = try Corpus.temporaryURL("same-numbers")
        let runs = root.appendingPathComponent("runs").path
        func link(_ source: String, _ destination: String) throws { try Corpus.link(source, destination, in: runs) }
        for (run, name) in [("1", "ir-bulk"), ("2", "ir-slab"), ("3", "h-site0"), ("4", "h-site1")] {
            for file in ["vasprun.xml.gz", "OUTCAR.gz"] { try link("adsorption/atomate_Ir_H/\(run)/outputs/\(file)", "relax/\(name)/\(file)") }
        }
        let nh3 = "neb/aiida-vasp_NH3_inversion"
        for image in ["00", "04"] { try link("\(nh3)/\(image)/POSCAR", "neb/nh3/\(image)/POSCAR") }
        for image in ["01", "02", "03"] {
            for file in ["OUTCAR", "CONTCAR"] { try link("\(nh3)/\(image)/\(file)", "neb/nh3/\(image)/\(file)") }
        }
        for (image, name) in [("01", "nh3-a"), ("03", "nh3-b")] {
            for file in ["OUTCAR", "CONTCAR"] { try link("\(nh3)/\(image)/\(file)", "relax/\(name)/\(file)") }
        }
        for (name, file) in [("whole", "AECCAR2.gz"), ("part", "AECCAR0.gz")] {
            try link("adsorption/atomate_Ir_H/2/outputs/vasprun.xml.gz", "static/\(name)/vasprun.xml.gz")
            try link("volumetric/atomate_Si_static/\(file)", "static/\(name)/CHGCAR.gz")
        }
        try Self.manifest.write(to: root.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    /// Runs `cascade` in `root` and returns the JSON object it printed.
    static func json(_ arguments: [String], in root: URL) throws -> [String: Any] {
        let result = try CascadeProcess.run(arguments, directory: root.path)
        #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
        return try Corpus.object(result.stdout)
    }

    static func first(_ object: [String: Any], _ key: String) -> [String: Any] {
        (object[key] as? [[String: Any]])?.first ?? [:]
    }

    @Test func singlePurposeCommandsAndTabulateGiveTheSameNumbers() throws {
        guard Corpus.available || Corpus.isCI else { return }
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let table = try Self.json(["tabulate", "study.yaml", "--runs", "runs", "--format", "json"], in: root)

        // Energies: E(AB) − E(A) − E(B).
        let adsorption = try Self.json(
            [
                "adsorption", "--complex", "runs/relax/h-site0", "--host", "runs/relax/ir-slab", "--adsorbate", "runs/relax/ir-bulk",
                "--host-multiplicity", "1", "--adsorbate-multiplicity", "1", "--format", "json"
            ], in: root)
        let energy = Self.first(table, "energies")["energy"] as? Double
        #expect(energy != nil)
        #expect(adsorption["adsorption_energy"] as? Double == energy)

        // NEB: the end points without output take their relaxation's energy in both.
        let neb = try Self.json(["neb", "runs/neb/nh3", "--initial", "runs/relax/nh3-a", "--final", "runs/relax/nh3-b", "--format", "json"], in: root)
        let band = Self.first(table, "nebs")["band"] as? [String: Any] ?? [:]
        let energies = { (o: [String: Any]) in (o["images"] as? [[String: Any]] ?? []).map { $0["energy"] as? Double } }
        #expect(energies(neb).count == 5 && !energies(neb).contains { $0 == nil })
        #expect(energies(neb) == energies(band))
        for key in ["image_barrier_forward", "image_barrier_reverse", "reaction_energy"] {
            #expect(neb[key] as? Double != nil && neb[key] as? Double == band[key] as? Double, "\(key)")
        }

        // d band of Ir and the summed DOS gap.
        let dos = try Self.json(["dos", "runs/relax/h-site0", "--element", "Ir", "--format", "json"], in: root)
        let state = (Self.first(table, "electronic")["states"] as? [[String: Any]])?.first ?? [:]
        let summedTab = ((state["bands"] as? [[String: Any]])?.first?["summed"] as? [String: Any]) ?? [:]
        let summedCLI = (dos["band"] as? [[String: Any]] ?? []).first { $0["spin"] as? String == "summed" } ?? [:]
        for key in ["band_center", "band_width", "band_filling"] {
            #expect(summedCLI[key] as? Double != nil && summedCLI[key] as? Double == summedTab[key] as? Double, "\(key)")
        }
        #expect(dos["efermi"] as? Double == state["efermi"] as? Double)
        let gapCLI = ((dos["gap"] as? [String: Any])?["channels"] as? [[String: Any]])?.first { $0["spin"] as? String == "summed" }
        #expect(gapCLI?["gap"] as? Double == (state["dos_gap"] as? [String: Any])?["gap"] as? Double)

        // Bonds: the H–Ir pair through the two states.
        let bonds = try Self.json(["bonds", "runs/relax/h-site0", "runs/relax/h-site1", "--pairs", "1-10", "--format", "json"], in: root)
        let bondCLI = (bonds["bonds"] as? [[String: Any]])?.first?["lengths"] as? [Double]
        let bondTab = (Self.first(table, "bonds")["bonds"] as? [[String: Any]])?.first { $0["bond"] as? String == "H1–Ir10" }?["lengths"] as? [Double]
        #expect(bondCLI != nil && bondCLI == bondTab)

        // Δρ: electrons, net charge and extrema.
        let out = root.appendingPathComponent("diff.vasp").path
        let chgdiff = try Self.json(["chgdiff", "runs/static/whole", "runs/static/part", "--out", out, "--format", "json"], in: root)
        let rows = Dictionary(
            uniqueKeysWithValues: (chgdiff["rows"] as? [[String: Any]] ?? []).compactMap { row in
                (row["quantity"] as? String).map { ($0, row["value"] as? Double) }
            })
        let density = Self.first(table, "density_differences")
        #expect(rows["net Δρ (AB − parts)"] ?? nil == density["delta_electrons"] as? Double)
        #expect(rows["largest Δρ"] ?? nil == (density["delta_rho_max"] as? [String: Any])?["value"] as? Double)
        #expect(rows["smallest Δρ"] ?? nil == (density["delta_rho_min"] as? [String: Any])?["value"] as? Double)
        let electrons = (density["electrons"] as? [[String: Any]] ?? []).map { $0["electrons"] as? Double }
        #expect(electrons.count == 2 && [rows["electrons in runs/static/whole"] ?? nil, rows["electrons in runs/static/part"] ?? nil] == electrons)
    }
}
