import Foundation
import FoundationXML
import TestSupport
import Testing

/// `cascade tabulate` end to end on a run tree assembled at test time from corpus runs (symlinks in a
/// temporary folder) with a manifest written here.
@Suite struct TabulateCommandTests {
    static let manifest = """
        study: tabulate-cli
        structures: .
        systems:
          - {name: x, file: x.vasp}
        calculations:
          - {name: relax/ir-bulk, set: relax, system: x}
          - {name: relax/ir-slab, set: relax, system: x}
          - {name: relax/h-site0, set: relax, system: x}
          - {name: relax/h-site1, set: relax, system: x}
          - {name: relax/h-site2, set: relax, system: x}
          - {name: relax/h2, set: relax, system: x}
          - {name: relax/cut, set: relax, system: x}
          - {name: relax/unconverged, set: relax, system: x}
          - {name: relax/nh3-a, set: relax, system: x}
          - {name: relax/nh3-b, set: relax, system: x}
          - {name: neb/h/1-hop, set: neb, initial: relax/h-site0, final: relax/h-site1}
          - {name: neb/h/2-hop, set: neb, initial: relax/h-site1, final: relax/h-site2}
          - {name: neb/nh3/1-inversion, set: neb, initial: relax/nh3-a, final: relax/nh3-b}
        quantities:
          energies:
            - {name: site0, complex: relax/h-site0, parts: [relax/ir-slab, relax/ir-slab, relax/ir-slab, relax/ir-slab]}
            - {name: site1, complex: relax/h-site1, parts: [relax/ir-slab, relax/ir-slab, relax/ir-slab, relax/ir-slab]}
            - {name: site2, complex: relax/h-site2, parts: [relax/ir-slab, relax/ir-slab, relax/ir-slab, relax/ir-slab]}
            - {name: with H2, complex: relax/h-site0, parts: [relax/ir-slab, relax/h2]}
            - {name: cut, complex: relax/cut, parts: [relax/ir-bulk]}
            - {name: unconverged, complex: relax/unconverged, parts: [relax/ir-bulk]}
          pathways:
            - {name: "H on Ir(100)", steps: [neb/h/1-hop, neb/h/2-hop]}
            - {name: "H reversed", steps: [neb/h/2-hop]}
            - {name: "NH3 inversion", steps: [neb/nh3/1-inversion]}
          bonds:
            - {name: H–Ir, calculations: [relax/h-site0, relax/h-site1, relax/h-site2], elements: [H, Ir]}
        """

    struct Tree {
        var root: URL
        var manifest: String { root.appendingPathComponent("study.yaml").path }
        var runs: String { root.appendingPathComponent("runs").path }
    }

    static func tree() throws -> Tree {
        let fm = FileManager.default
        let root = try Corpus.temporaryURL("tabulate")
        let runs = root.appendingPathComponent("runs").path
        func link(_ source: String, _ destination: String) throws { try Corpus.link(source, destination, in: runs) }
        for (run, name) in [("1", "ir-bulk"), ("2", "ir-slab"), ("3", "h-site0"), ("4", "h-site1"), ("5", "h-site2")] {
            for file in ["vasprun.xml.gz", "OUTCAR.gz"] { try link("adsorption/atomate_Ir_H/\(run)/outputs/\(file)", "relax/\(name)/\(file)") }
        }
        let whole = try Data(contentsOf: URL(fileURLWithPath: Corpus.path("vasprun/custodian/postprocess/vasprun.xml")))
        try fm.createDirectory(atPath: runs + "/relax/cut", withIntermediateDirectories: true)
        let cut = runs + "/relax/cut/vasprun.xml"
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cut))
        // Written two days ago: a killed job, not a running one.
        try fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -2 * 86400)], ofItemAtPath: cut)
        try link("vasprun/custodian/unconverged/vasprun.xml.electronic.gz", "relax/unconverged/vasprun.xml.gz")
        let nh3 = "neb/aiida-vasp_NH3_inversion"
        for image in ["00", "04"] { try link("\(nh3)/\(image)/POSCAR", "neb/nh3/1-inversion/\(image)/POSCAR") }
        for image in ["01", "02", "03"] {
            for file in ["OUTCAR", "CONTCAR"] { try link("\(nh3)/\(image)/\(file)", "neb/nh3/1-inversion/\(image)/\(file)") }
        }
        try Self.manifest.write(to: root.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        return Tree(root: root)
    }

    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    @Test func jsonReproducesTheCorpusAndCarriesProvenance() throws {
        guard Corpus.available else {
            #expect(!Corpus.isCI, "CI=true but the corpus is missing")
            return
        }
        let tree = try Self.tree()
        defer { try? FileManager.default.removeItem(at: tree.root) }
        let r = try CascadeProcess.run(["tabulate", tree.manifest, "--runs", tree.runs, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try Corpus.object(r.stdout)
        #expect(json["schema_version"] as? Int == 1)
        let calcs = try #require(json["calculations"] as? [[String: Any]])
        let status = Dictionary(uniqueKeysWithValues: calcs.map { ($0["name"] as? String ?? "", $0["status"] as? String ?? "") })
        #expect(status["relax/h-site0"] == "converged" && status["relax/h2"] == "missing")
        #expect(status["relax/cut"] == "truncated" && status["relax/unconverged"] == "unconverged")
        #expect(status["neb/nh3/1-inversion"] == "converged" && status["neb/h/1-hop"] == "missing")
        let energies = try #require(json["energies"] as? [[String: Any]])
        for (k, expected) in [-3.78035003, -3.51204792, -3.87803730].enumerated() {
            #expect(abs((energies[k]["energy"] as? Double ?? .nan) - expected) < 1e-8)
        }
        #expect(energies[3]["energy"] is NSNull && (energies[3]["reason"] as? String)?.contains("relax/h2 is missing") == true)
        #expect((energies[4]["reason"] as? String)?.contains("relax/cut is truncated") == true)
        #expect((energies[5]["reason"] as? String)?.contains("relax/unconverged is unconverged: electronic") == true)
        let provenance = try #require(energies[0]["provenance"] as? [String: Any])
        #expect(provenance["vasp_versions"] as? [String] == ["5.4.1"])
        #expect((provenance["rule"] as? String)?.contains("E(σ→0)") == true)
        for file in try #require(provenance["files"] as? [[String: Any]]) {
            let path = try #require(file["path"] as? String)
            #expect(file["sha256"] as? String == (try Self.sha256sum(path)))
        }
        let nebs = try #require(json["nebs"] as? [[String: Any]])
        let nh3 = try #require(nebs.first { $0["calculation"] as? String == "neb/nh3/1-inversion" })
        #expect(nh3["barrier_force_fit"] is NSNull)
        let band = try #require(nh3["band"] as? [String: Any])
        let forceFit = try #require(band["force_fit"] as? [String: Any])
        #expect(abs((forceFit["barrier_forward"] as? Double ?? .nan) - 0.21572132) < 1e-8)  // ASE fit_raw over 01…03
        let pathways = try #require(json["pathways"] as? [[String: Any]])
        let steps = try #require(pathways[0]["steps"] as? [[String: Any]])
        #expect(abs((steps[0]["reaction_energy"] as? Double ?? .nan) - 0.26830211) < 1e-8)
        #expect(steps[0]["barrier"] is NSNull && (steps[0]["reasons"] as? [String])?.first?.contains("neb/h/1-hop is missing") == true)
    }

    @Test func everyFormatAndThePlots() throws {
        guard Corpus.available else { return }
        let tree = try Self.tree()
        defer { try? FileManager.default.removeItem(at: tree.root) }
        let text = try CascadeProcess.run(["tabulate", tree.manifest, "--runs", tree.runs])
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("Calculations in "))
        #expect(text.stdout.contains("-3.7804") && text.stdout.contains("n/a"))
        #expect(text.stdout.contains("13 calculations: 5 missing, 0 running, 1 truncated, 1 unconverged, 6 converged"))
        // The band's missing end points are said once, in the NEB section, with the relaxation they wait for.
        #expect(text.stdout.contains("no energy for image(s) 00 (relax/nh3-a is missing), 04 (relax/nh3-b is missing)"))
        #expect(!text.stderr.contains("no energy for image(s)"))
        let md = try CascadeProcess.run(["tabulate", tree.manifest, "--runs", tree.runs, "--format", "md"])
        #expect(md.stdout.hasPrefix("**Calculations in ") && md.stdout.contains("| relax/ir-bulk | single | converged |"))
        let csv = try CascadeProcess.run(["tabulate", tree.manifest, "--runs", tree.runs, "--format", "csv"])
        #expect(
            csv.stdout.hasPrefix("# Calculations in ")
                && csv.stdout.contains("\ncalculation,kind,status,final_energy,magnetization,vasp_version,output,notes\n"))
        #expect(csv.stdout.contains("site0,,-3.78035"))
        let tex = try CascadeProcess.run(["tabulate", tree.manifest, "--runs", tree.runs, "--format", "tex"])
        #expect(tex.stdout.contains("\\begin{tabular}") && tex.stdout.contains("\\bottomrule"))

        let plots = tree.root.appendingPathComponent("figures").path
        let first = try CascadeProcess.run(["tabulate", tree.manifest, "--runs", tree.runs, "--plots", plots])
        #expect(first.status == 0, "\(first.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: plots).sorted()
        #expect(names == ["neb-neb_nh3_1-inversion.svg", "reaction-profile.svg"])
        let svg = try String(contentsOfFile: plots + "/reaction-profile.svg", encoding: .utf8)
        let root = try #require(try XMLDocument(xmlString: svg).rootElement())
        let texts = try root.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
        #expect(texts.contains("H on Ir(100)") && texts.contains("H reversed"))  // legend: one series per pathway
        #expect(!texts.contains("NH3 inversion"))  // no level: not drawn
        #expect(texts.contains("E − E(initial) (eV)"))
        let neb = try XMLDocument(xmlString: String(contentsOfFile: plots + "/neb-neb_nh3_1-inversion.svg", encoding: .utf8))
        #expect(neb.rootElement()?.name == "svg")
        // Refuses to overwrite without --force; replaces with it.
        let again = try CascadeProcess.run(["tabulate", tree.manifest, "--runs", tree.runs, "--plots", plots])
        #expect(again.status == 1 && again.stderr.contains("pass --force") && again.stdout.isEmpty)
        let forced = try CascadeProcess.run(["tabulate", tree.manifest, "--runs", tree.runs, "--plots", plots, "--force"])
        #expect(forced.status == 0)
    }

    /// The bundled study on an empty runs folder: everything missing, every quantity n/a, exit 0.
    @Test func bundledStudyWithEmptyRuns() throws {
        let empty = try Corpus.temporaryURL("tabulate-empty")
        defer { try? FileManager.default.removeItem(at: empty) }
        let r = try CascadeProcess.run(["tabulate", "--runs", empty.path, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try Corpus.object(r.stdout)
        let summary = try #require(json["summary"] as? [String: Int])
        #expect(summary["missing"] == 53 && summary["converged"] == 0)
        let energies = try #require(json["energies"] as? [[String: Any]])
        #expect(energies.count == 6 && energies.allSatisfy { $0["energy"] is NSNull && $0["reason"] is String })
        let text = try CascadeProcess.run(["tabulate", "--runs", empty.path])
        #expect(text.status == 0 && text.stdout.contains("53 calculations: 53 missing"))
    }

    /// The bundled study generated into a temporary folder, with corpus runs copied into some of its
    /// calculations (a run of another system: mismatch; a killed job: truncated; an unconverged run; the
    /// NH3 images in an NEB folder), the rest not run: every line of the text report fits in 160
    /// columns, each n/a names its cause, and no reason is said twice.
    @Test func bundledStudyTablesAreReadable() throws {
        guard Corpus.available else {
            #expect(!Corpus.isCI, "CI=true but the corpus is missing")
            return
        }
        let fm = FileManager.default
        let root = try Corpus.temporaryURL("tabulate-bundled")
        defer { try? fm.removeItem(at: root) }
        let runs = root.appendingPathComponent("runs").path
        let generated = try CascadeProcess.run(["generate", "--out", runs])
        #expect(generated.status == 0, "\(generated.stderr)")
        func copy(_ source: String, _ destination: String) throws {
            let target = runs + "/" + destination
            try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? fm.removeItem(atPath: target)
            try fm.copyItem(atPath: Corpus.path(source), toPath: target)
        }
        try copy("adsorption/atomate_Ir_H/2/outputs/vasprun.xml.gz", "relax/tfsi/vasprun.xml.gz")
        try copy("vasprun/custodian/unconverged/vasprun.xml.electronic.gz", "relax/mof/vasprun.xml.gz")
        let whole = try Data(contentsOf: URL(fileURLWithPath: Corpus.path("vasprun/custodian/postprocess/vasprun.xml")))
        let cut = runs + "/relax/li/vasprun.xml"
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: cut))
        try fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -2 * 86400)], ofItemAtPath: cut)
        for image in ["01", "02", "03"] {
            try copy("neb/aiida-vasp_NH3_inversion/\(image)/OUTCAR", "neb/mof/1-ns-cleavage/\(image)/OUTCAR")
        }
        let r = try CascadeProcess.run(["tabulate", "--runs", runs])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func width(_ s: String) -> Int { s.unicodeScalars.filter { !(0x0300...0x036F).contains($0.value) }.count }
        let wide = lines.filter { width($0) > 160 }
        #expect(wide.isEmpty, "\(wide.count) lines over 160 columns, e.g. \(wide.first ?? "")")
        // The causes: not run, another system's output, a killed job, an unconverged run; the energies
        // name them by state, the status table gives the reasons.
        for cause in ["n/a (missing) [", " mismatch [", " truncated [", " unconverged ["] {
            #expect(r.stdout.contains(cause), "no \(cause)")
        }
        #expect(r.stdout.contains("relax/li is truncated; relax/tfsi is mismatch") && r.stdout.contains("relax/mof is unconverged"))
        // Each table numbers its reasons once; the status table's long reasons are not repeated anywhere.
        for table in r.stdout.components(separatedBy: "\n\n") {
            let notes = table.split(separator: "\n").filter { $0.hasPrefix("[") }.map { $0.drop { $0 != " " } }
            #expect(Set(notes).count == notes.count, "a reason said twice in \(table.prefix(60))")
        }
        for long in ["no vasprun.xml(.gz) or OUTCAR(.gz) in its folder: not run yet", "the job was killed or ran out of time", "NELM", "but POSCAR is"] {
            #expect(r.stdout.components(separatedBy: long).count == 2, "\(long) said \(r.stdout.components(separatedBy: long).count - 1) times")
        }
        // JSON keeps every reason whole.
        let json = try Corpus.object(try CascadeProcess.run(["tabulate", "--runs", runs, "--format", "json"]).stdout)
        let energies = try #require(json["energies"] as? [[String: Any]])
        #expect(
            energies.contains {
                ($0["reason"] as? String)?.contains("relax/li is truncated: vasprun.xml") == true
                    || ($0["reason"] as? String)?.contains("relax/li is truncated: ") == true
            })
    }

    @Test func unreadableManifestIsAnError() throws {
        let folder = try Corpus.temporaryURL("tabulate-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.yaml")
        try "study: x\nsystems: 3\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try CascadeProcess.run(["tabulate", bad.path, "--runs", folder.path])
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("error: cannot read the manifest: ") && r.stderr.split(separator: "\n").count == 1)
        let missing = try CascadeProcess.run(["tabulate", folder.appendingPathComponent("none.yaml").path])
        #expect(missing.status == 1)
    }

    @Test func helpHasAWorkedExample() throws {
        let r = try CascadeProcess.run(["tabulate", "--help"])
        #expect(r.stdout.contains("Worked example") && r.stdout.contains("3.78035003 eV"))
        let top = try CascadeProcess.run(["--help"])
        #expect(top.stdout.contains("tabulate"))
    }
}

/// `cascade tabulate --plots` on density differences (seed Fig. 2c): three static runs holding corpus
/// CHGCARs (symlinks in a temporary folder), each with the converged vasprun.xml of atomate_Ir_H run 2.
@Suite struct TabulateDensityCommandTests {
    static let manifest = """
        study: density-cli
        structures: .
        systems:
          - {name: x, file: x.vasp}
        calculations:
          - {name: static/mof-copc, set: static, system: x}
          - {name: static/mof, set: static, system: x}
          - {name: static/copc, set: static, system: x}
          - {name: static/coarse, set: static, system: x}
        quantities:
          density_differences:
            - {name: "Δρ MOF@CoPc", source: Fig. 2c, complex: static/mof-copc, parts: [static/mof, static/copc], write: true}
            - {name: coarse grid, complex: static/mof-copc, parts: [static/coarse]}
        """

    static func tree() throws -> URL {
        let fm = FileManager.default
        let root = try Corpus.temporaryURL("tabulate-density")
        for (name, chgcar) in [("mof-copc", "CHGCAR.spin.gz"), ("mof", "CHGCAR.spin.gz"), ("copc", "CHGCAR.spin.gz"), ("coarse", "CHGCAR.nospin.gz")] {
            let folder = root.appendingPathComponent("runs/static/\(name)").path
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: folder + "/vasprun.xml.gz", withDestinationPath: Corpus.path("adsorption/atomate_Ir_H/2/outputs/vasprun.xml.gz"))
            try fm.createSymbolicLink(atPath: folder + "/CHGCAR.gz", withDestinationPath: Corpus.path("volumetric/pymatgen/\(chgcar)"))
        }
        try Self.manifest.write(to: root.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    @Test func jsonPlotAndChgcarDiff() throws {
        guard Corpus.available else { return }
        let root = try Self.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let study = root.appendingPathComponent("study.yaml").path
        let runs = root.appendingPathComponent("runs").path
        let figures = root.appendingPathComponent("figures").path
        let r = try CascadeProcess.run(["tabulate", study, "--runs", runs, "--format", "json", "--plots", figures])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try Corpus.object(r.stdout)
        let list = try #require(json["density_differences"] as? [[String: Any]])
        #expect(list.count == 2)
        // Δρ = ρ − ρ − ρ = −ρ: ΔN = −N of corpus-ref volumetric/pymatgen/CHGCAR.spin.gz (1.000000001241776 e).
        let d = list[0]
        #expect(d["available"] as? Bool == true && d["axis"] as? String == "z" && d["grid"] as? [Int] == [48, 48, 48])
        #expect(abs((d["delta_electrons"] as? Double ?? .nan) - -1.000000001241776) < 1e-9)
        #expect(abs((d["delta_electrons_expected"] as? Double ?? .nan) - -1.000000001241776) < 1e-9)
        #expect(abs(((d["delta_rho_min"] as? [String: Any])?["value"] as? Double ?? .nan) - -0.054628876496902144) < 1e-12)
        #expect(abs(((d["delta_q_min"] as? [String: Any])?["value"] as? Double ?? .nan) - -1.000000001241776) < 1e-9)
        let provenance = try #require(d["provenance"] as? [String: Any])
        for file in try #require(provenance["files"] as? [[String: Any]]) {
            let path = try #require(file["path"] as? String)
            let hash = try TabulateCommandTests.sha256sum(path)
            #expect(path.hasSuffix("/CHGCAR.gz") && file["sha256"] as? String == hash)
        }
        #expect(provenance["vasp_versions"] as? [String] == ["5.4.1"])
        let chgcar = try #require(d["chgcar_diff"] as? String)
        #expect(chgcar == figures + "/CHGCAR_diff-static_mof-copc.vasp")
        let head = try String(contentsOfFile: chgcar, encoding: .utf8).split(separator: "\n", maxSplits: 12).map(String.init)
        #expect(
            head[0].hasPrefix("Delta rho = static/mof-copc - static/mof - static/copc")
                && head.contains { $0.trimmingCharacters(in: .whitespaces) == "48   48   48" })
        // The grids differ: n/a naming both.
        let coarse = list[1]
        #expect(coarse["available"] as? Bool == false && coarse["delta_electrons"] is NSNull)
        let reason = try #require(coarse["reason"] as? String)
        #expect(reason.contains("the grid of static/coarse") && reason.contains("32×32×32") && reason.contains("48×48×48"), "\(reason)")
        // The plot: λ(z) and ΔQ(z) with 48 planes each.
        let names = try FileManager.default.contentsOfDirectory(atPath: figures).sorted()
        #expect(names == ["CHGCAR_diff-static_mof-copc.vasp", "chgdiff-static_mof-copc.svg"])
        let svg = try XMLDocument(xmlString: String(contentsOfFile: figures + "/chgdiff-static_mof-copc.svg", encoding: .utf8))
        let svgRoot = try #require(svg.rootElement())
        let texts = try svgRoot.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
        #expect(texts.contains("λ(z)") && texts.contains("ΔQ(z)") && texts.contains("Differential charge density Δρ MOF@CoPc"))
        let dashed = try svgRoot.nodes(forXPath: "//*[local-name()='path'][@stroke-dasharray='7 4']/@d").compactMap(\.stringValue)
        #expect(dashed.count == 1 && dashed.first?.split(separator: "L").count == 48)
        // Existing outputs are refused before anything is read; --force replaces them.
        let again = try CascadeProcess.run(["tabulate", study, "--runs", runs, "--plots", figures])
        #expect(again.status == 1 && again.stderr.contains("pass --force") && again.stdout.isEmpty)
        let text = try CascadeProcess.run(["tabulate", study, "--runs", runs, "--plots", figures, "--force"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Differential charge densities Δρ = ρ(complex) − Σ ρ(parts)") && text.stdout.contains("-1.000000"))
        #expect(text.stdout.contains("48×48×48, z"))
    }
}
