import Analysis
import Chemistry
import Foundation
import Study
import Testing
import VASP

/// The second bundled study, templates/studies/co-cu111.yaml on structures/co-cu111 (issue 16.7).
@Suite struct CoCu111StudyTests {
    static var manifestPath: String { StudyFixture.templates + "/studies/co-cu111.yaml" }
    static var structures: String { StudyFixture.packageRoot + "/structures/co-cu111" }

    @Test func manifestDecodes() throws {
        let m = try StudyManifest.load(path: Self.manifestPath)
        #expect(m.study == "co-cu111")
        #expect(m.systems.map(\.kind) == [.slab, .molecule, .slab, .slab])
        let bySet = Dictionary(grouping: m.calculations, by: \.set).mapValues(\.count)
        #expect(bySet == ["surface-relax": 4, "surface-static": 2, "surface-bader": 1, "surface-neb": 1])
        #expect(m.quantities.energies.map(\.parts) == [["relax/cu111", "relax/co"], ["relax/cu111", "relax/co"]])
        #expect(m.quantities.electronic.first?.sites == Array(27...35))
    }

    /// The distances structures/co-cu111/README.md states, measured on the committed files.
    @Test func geometriesAreWhatTheReadmeSays() throws {
        let slab = try Poscar.read(path: Self.structures + "/cu111.vasp").structure
        #expect(slab.count == 36 && Set(slab.species) == ["Cu"])
        let d = 3.61 / 2.0.squareRoot()
        let shortest = slab.neighbors(of: 31, cutoff: 3).map(\.distance)
        #expect(shortest.count == 9, "surface atom: 6 in-plane + 3 below")
        #expect(shortest.allSatisfy { abs($0 - d) < 1e-6 })
        #expect(slab.selectiveDynamics.map { flags in flags.indices.filter { flags[$0] == .fixed } } == Array(0...17))
        #expect(abs(MoleculeBox.vacuumWidths(of: slab).z - (25 - 3 * 3.61 / 3.0.squareRoot())) < 1e-6)
        let top = try Poscar.read(path: Self.structures + "/co-top.vasp").structure
        let fcc = try Poscar.read(path: Self.structures + "/co-fcc.vasp").structure
        #expect(top.species == fcc.species && top.species.prefix(36) == slab.species[...])
        #expect(abs(top.lattice.distance(top.fractionalPositions[36], top.fractionalPositions[37]) - 1.14) < 1e-6)
        #expect(abs(top.lattice.distance(top.fractionalPositions[31], top.fractionalPositions[36]) - 1.85) < 1e-6)
        #expect(abs(fcc.lattice.distance(fcc.fractionalPositions[36], fcc.fractionalPositions[37]) - 1.18) < 1e-6)
        let cuC = fcc.neighbors(of: 36, cutoff: 2.2).filter { fcc.species[$0.j] == "Cu" }.map(\.distance)
        #expect(cuC.count == 3 && cuC.allSatisfy { abs($0 - 2.0) < 1e-6 })
        // fcc, not hcp: an atom of the third layer (9–17) lies straight below C, none of the second (18–26).
        let below = { (range: ClosedRange<Int>) in
            range.map { i -> Double in
                var v = fcc.lattice.minimumImage(fcc.cartesianPositions[i] - fcc.cartesianPositions[36])
                v.z = 0
                return v.length
            }.min() ?? 0
        }
        #expect(below(9...17) < 1e-6 && below(18...26) > 1.4)
        for s in [slab, top, fcc] { #expect(Periodicity.of(s) == .slab(normal: 2)) }
        #expect(Periodicity.of(try Poscar.read(path: Self.structures + "/co.vasp").structure) == .molecule)
    }

    @Test func generatesIntoATemporaryFolder() throws {
        let m = try StudyManifest.load(path: Self.manifestPath)
        let parent = try StudyFixture.temporaryFolder("co-cu111")
        defer { StudyFixture.remove(parent) }
        let out = parent + "/runs"
        let plan = try GenerationPlan.make(manifest: m, options: GenerationOptions(outputFolder: out))
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        #expect(plan.allWarnings.filter { !$0.contains("no POTCAR library") && !$0.contains("ZVAL") }.isEmpty, "\(plan.allWarnings)")
        #expect(plan.calculations.count == 8)
        let report = try Generator.write(plan)
        #expect(report.folders.count == 8)
        // Every file back through Cascade's readers; the slabs: dipole along c, 4×4×1, 18 fixed atoms.
        for calc in plan.calculations {
            let folder = out + "/" + calc.name
            let incar = try Incar.read(path: folder + "/INCAR")
            let kpoints = try Kpoints.read(path: folder + "/KPOINTS")
            #expect(incar.int("ISPIN") == 1 && incar.int("ENCUT") == 450)
            guard case .mesh(let mesh) = kpoints.mode else {
                Issue.record("\(calc.name): no mesh")
                continue
            }
            if calc.system == "co" {
                #expect(mesh.divisions == SIMD3(1, 1, 1) && incar.int("ISMEAR") == 0 && incar["IDIPOL"] == nil)
            } else {
                #expect(mesh.divisions == SIMD3(4, 4, 1), "\(calc.name)")
                #expect(incar.int("IDIPOL") == 3 && incar.bool("LDIPOL") == true && incar.doubles("DIPOL")?.count == 3, "\(calc.name)")
                #expect(incar.int("ISMEAR") == 1 && incar.double("SIGMA") == 0.2)
                let poscar = calc.intermediateImages == nil ? folder + "/POSCAR" : folder + "/03/POSCAR"
                let s = try Poscar.read(path: poscar).structure
                #expect(s.selectiveDynamics?.filter { $0 == .fixed }.count == 18, "\(poscar)")
            }
        }
        #expect(try Incar.read(path: out + "/neb/top-fcc/INCAR").int("IMAGES") == 5)
        #expect(try Incar.read(path: out + "/bader/co-top/INCAR").bool("LAECHG") == true)
        #expect(StudyFixture.exists(out + "/submit.sh"))
    }
}
