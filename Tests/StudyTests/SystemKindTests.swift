import Foundation
import Report
import Study
import Testing
import VASP

/// Issue 16.2: `kind: molecule | slab | bulk` checked against the geometry, the slab's dipole
/// correction and k-points, Γ and vasp_gam for a molecule, `--vacuum` never re-boxing a periodic direction.
@Suite struct SystemKindTests {
    /// A study of a Cu(111) slab (from the bundled co-cu111 structures) and CO, with `slab` and `co`
    /// lines as given, on the surface-relax set.
    func study(slab: String, co: String = "kind: molecule", kpoints: String = "") throws -> (String, String) {
        let folder = try StudyFixture.temporaryFolder("kind")
        let structures = StudyFixture.packageRoot + "/structures/co-cu111"
        let manifest = """
            study: kinds
            structures: \(structures)
            index: structures.yaml
            input_sets: \(StudyFixture.templates)
            systems:
              - {name: cu111, file: cu111.vasp, \(slab)}
              - {name: co, file: co.vasp, \(co)}
              - {name: bulk, file: \(folder)/bulk.vasp, charge: 0, multiplicity: 1, kind: bulk}
            calculations:
              - name: relax/{system}
                set: surface-relax
                systems: [cu111, co]
                \(kpoints)
            """
        try StudyFixture.write(manifest, to: "kinds.yaml", in: folder)
        try StudyFixture.write(
            """
            Cu fcc conventional cell
            1.0
            3.61 0 0
            0 3.61 0
            0 0 3.61
            Cu
            4
            Direct
            0 0 0
            0.5 0.5 0
            0.5 0 0.5
            0 0.5 0.5
            """, to: "bulk.vasp", in: folder)
        return (folder, folder + "/kinds.yaml")
    }

    /// The issue's case: a Cu slab left at the default kind is an error naming the system and the fix,
    /// never the advice to re-box it; with --vacuum nothing is re-boxed into a cluster either.
    @Test func slabLeftAtMoleculeIsAnErrorWithTheFix() throws {
        let (folder, manifest) = try study(slab: "description: a slab without kind")
        defer { StudyFixture.remove(folder) }
        for vacuum in [nil, 15.0] as [Double?] {
            let plan = try GeneratorTests.plan(manifest, out: folder + "/runs", vacuum: vacuum)
            let errors = plan.allErrors.filter { $0.hasPrefix("system cu111") }
            #expect(errors.count == 1, "\(plan.allErrors)")
            #expect(
                errors.first?.contains(
                    "declared kind molecule (the default), but the structure is a slab (its bonds run periodically along a and b, vacuum along c): set `kind: slab` on the system"
                ) == true, "\(errors)")
            #expect(!plan.allWarnings.contains { $0.contains("pass --vacuum") }, "\(plan.allWarnings)")
            #expect(!plan.allNotes.contains { $0.contains("re-boxed cu111") })
            #expect(plan.calculations.first { $0.name == "relax/cu111" } == nil)
        }
    }

    @Test func otherMismatchesNameTheirFix() throws {
        let (folder, manifest) = try study(slab: "kind: bulk", co: "kind: slab")
        defer { StudyFixture.remove(folder) }
        let plan = try GeneratorTests.plan(manifest, out: folder + "/runs")
        #expect(
            plan.allErrors.contains {
                $0.contains("system cu111") && $0.contains("declared kind bulk, but the structure is a slab") && $0.contains("set `kind: slab`")
            }, "\(plan.allErrors)")
        #expect(
            plan.allErrors.contains {
                $0.contains("system co") && $0.contains("declared kind slab, but the structure is a molecule") && $0.contains("set `kind: molecule`")
            }, "\(plan.allErrors)")
    }

    /// A slab: IDIPOL = 3, LDIPOL, DIPOL at the centre of mass; one division along c; vasp_std.
    /// A molecule: Γ only (the set's spacing rule gives no mesh) and vasp_gam.
    @Test func slabAndMoleculeGetTheirTagsMeshAndExecutable() throws {
        let (folder, manifest) = try study(slab: "kind: slab")
        defer { StudyFixture.remove(folder) }
        let plan = try GeneratorTests.plan(manifest, out: folder + "/runs")
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        let slab = try #require(plan.calculations.first { $0.name == "relax/cu111" })
        #expect(slab.incar.int("IDIPOL") == 3 && slab.incar.bool("LDIPOL") == true)
        // Centre of mass of the four layers: z = 2 + 1.5 · 2.0842 = 5.1263 Å of 25 Å; in-plane it is
        // the centre of the ABCA stacking.
        let dipol = try #require(slab.incar.doubles("DIPOL"))
        #expect(abs(dipol[2] - (2 + 1.5 * 3.61 / 3.0.squareRoot()) / 25) < 1e-5, "\(dipol)")
        guard case .mesh(let mesh) = slab.kpoints.mode else {
            Issue.record("no mesh")
            return
        }
        #expect(mesh.divisions == SIMD3(4, 4, 1) && mesh.centering == .gamma)
        #expect(slab.jobScript.contains("srun vasp_std"))
        let co = try #require(plan.calculations.first { $0.name == "relax/co" })
        #expect(co.incar["IDIPOL"] == nil && co.incar["DIPOL"] == nil)
        guard case .mesh(let m) = co.kpoints.mode else {
            Issue.record("no mesh")
            return
        }
        #expect(m.divisions == SIMD3(1, 1, 1))
        #expect(co.jobScript.contains("srun vasp_gam"))
        #expect(PlanReport.table(plan).contains("Γ 4×4×1"))
    }

    /// An explicit mesh with 4 along the normal is cut to 1 (with a note); a dipole switched off by
    /// the overrides takes DIPOL with it.
    @Test func explicitMeshIsCutAlongTheNormal() throws {
        let (folder, manifest) = try study(slab: "kind: slab, incar: {IDIPOL: null, LDIPOL: null}", kpoints: "kpoints: {gamma: [4, 4, 4]}")
        defer { StudyFixture.remove(folder) }
        let plan = try GeneratorTests.plan(manifest, out: folder + "/runs")
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        let slab = try #require(plan.calculations.first { $0.name == "relax/cu111" })
        #expect(slab.kpoints.text().contains("4 4 1"))
        #expect(plan.allNotes.contains { $0.contains("relax/cu111: slab: one k-point division along its normal c (Γ 4×4×4 → Γ 4×4×1)") }, "\(plan.allNotes)")
        #expect(slab.incar["IDIPOL"] == nil && slab.incar["DIPOL"] == nil && slab.incar["LDIPOL"] == nil)
        // The molecule keeps a mesh its calculation chose, with a warning.
        #expect(plan.allWarnings.contains { $0.contains("relax/co: kind molecule with the k-point mesh Γ 4×4×4") }, "\(plan.allWarnings)")
    }

    /// --vacuum widens a slab along its normal only, re-boxes the molecule, and leaves bulk alone.
    @Test func vacuumNeverReboxesAPeriodicDirection() throws {
        let (folder, manifest) = try study(slab: "kind: slab")
        defer { StudyFixture.remove(folder) }
        var text = try StudyFixture.read(manifest)
        text = text.replacingOccurrences(of: "systems: [cu111, co]", with: "systems: [cu111, co, bulk]")
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        let original = try Poscar.read(path: StudyFixture.packageRoot + "/structures/co-cu111/cu111.vasp").structure
        let plan = try GeneratorTests.plan(manifest, out: folder + "/runs", vacuum: 12)
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        let slab = try #require(plan.calculations.first { $0.name == "relax/cu111" }).structure
        #expect(slab.count == 36)
        #expect(slab.lattice.a == original.lattice.a && slab.lattice.b == original.lattice.b)
        #expect(abs(slab.lattice.c.z - (3 * 3.61 / 3.0.squareRoot() + 12)) < 1e-6)
        let co = try #require(plan.calculations.first { $0.name == "relax/co" }).structure
        #expect(abs(co.lattice.lengths.x - 12) < 1e-9 && abs(co.lattice.lengths.z - (1.14 + 12)) < 1e-6)
        let bulk = try #require(plan.calculations.first { $0.name == "relax/bulk" }).structure
        #expect(bulk.lattice.a == SIMD3(3.61, 0, 0) && bulk.count == 4)
        #expect(plan.allNotes.contains { $0.contains("re-boxed the slab cu111 to 12 Å vacuum along the normal c only") }, "\(plan.allNotes)")
        #expect(plan.allNotes.contains { $0.contains("--vacuum leaves bulk as they are: kind bulk is periodic along a, b and c") }, "\(plan.allNotes)")
    }

    /// The structure index may carry the kind, incar and kpoints of a structure; the manifest's system wins.
    @Test func theIndexGivesKindAndSettings() throws {
        let (folder, manifest) = try study(slab: "description: kind from the index", co: "incar: {SIGMA: 0.02}")
        defer { StudyFixture.remove(folder) }
        let source = StudyFixture.packageRoot + "/structures/co-cu111"
        for name in ["cu111.vasp", "co.vasp"] { try StudyFixture.write(try StudyFixture.read(source + "/" + name), to: "s/" + name, in: folder) }
        try StudyFixture.write(
            """
            - {name: cu111, file: cu111.vasp, charge: 0, multiplicity: 1, fixed: [0-17], kind: slab, kpoints: {gamma: [3, 3, 3]}}
            - {name: co, file: co.vasp, charge: 0, multiplicity: 1, kind: molecule, incar: {ISMEAR: 0, SIGMA: 0.01, NELM: 60}}
            """, to: "s/structures.yaml", in: folder)
        var text = try StudyFixture.read(manifest)
        text = text.replacingOccurrences(of: "structures: \(source)", with: "structures: s")
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        let plan = try GeneratorTests.plan(manifest, out: folder + "/runs")
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        let slab = try #require(plan.calculations.first { $0.name == "relax/cu111" })
        #expect(slab.incar.int("IDIPOL") == 3 && slab.kpoints.text().contains("3 3 1"))
        let co = try #require(plan.calculations.first { $0.name == "relax/co" })
        #expect(co.incar.int("ISMEAR") == 0 && co.incar.double("SIGMA") == 0.02 && co.incar.int("NELM") == 60)
    }

    @Test func thinVacuumOfASlabIsWarnedAlongTheNormalOnly() throws {
        let (folder, manifest) = try study(slab: "kind: slab")
        defer { StudyFixture.remove(folder) }
        let plan = try GeneratorTests.plan(manifest, out: folder + "/runs", vacuum: 8)
        let w = plan.allWarnings.filter { $0.contains("relax/cu111") }
        #expect(w.count == 1 && w[0].contains("vacuum below 10 Å along the slab normal (c 8 Å)"), "\(w)")
    }
}

/// Issue 16.4: ENCUT against the largest ENMAX of the POTCARs when a library is there.
@Suite struct CutoffEnmaxTests {
    /// A library of Cu, C, O with the ENMAX of the PBE potentials (295, 400, 400 eV) and the CO study,
    /// the CO reference at ENCUT = 300.
    @Test func encutBelowEnmaxIsWarnedWithALibraryOnly() throws {
        let folder = try StudyFixture.temporaryFolder("enmax")
        defer { StudyFixture.remove(folder) }
        for (label, enmax, zval) in [("Cu", 295.446, 11.0), ("C", 400.0, 4.0), ("O", 400.0, 6.0)] {
            try StudyFixture.write(
                "  PAW_PBE \(label) 01Jan2000\n   TITEL  = PAW_PBE \(label) 01Jan2000\n   POMASS =    1.000; ZVAL   =    \(zval)    mass and valenz\n   ENMAX  =  \(enmax); ENMIN  =  200.000 eV\n",
                to: "pp/potpaw_PBE/\(label)/POTCAR", in: folder)
        }
        let (study, manifest) = try SystemKindTests().study(slab: "kind: slab", co: "kind: molecule, incar: {ENCUT: 300}")
        defer { StudyFixture.remove(study) }
        let library = PotcarLibrary(layout: .ase, root: folder + "/pp")
        let plan = try GeneratorTests.plan(manifest, out: study + "/runs", library: library)
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        let read = try Potcar.read(path: folder + "/pp/potpaw_PBE/C/POTCAR")
        #expect(read.singles.first?.enmax == 400)
        #expect(
            plan.allWarnings.contains(
                "relax/co: ENCUT = 300 eV is below the largest ENMAX of its POTCARs (C 400 eV): raise ENCUT to at least 400 eV (and use the same value in every term of an energy)"
            ), "\(plan.allWarnings)")
        #expect(!plan.allWarnings.contains { $0.hasPrefix("relax/cu111: ENCUT") })
        // Without a library nothing is known about ENMAX, and nothing is said.
        let bare = try GeneratorTests.plan(manifest, out: study + "/runs")
        #expect(!bare.allWarnings.contains { $0.contains("ENMAX") })
    }
}
