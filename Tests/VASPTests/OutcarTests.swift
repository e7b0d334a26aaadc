import Foundation
import TestSupport
import Testing

@testable import VASP

/// `Outcar` against pymatgen's `Outcar` on every corpus OUTCAR (corpus-ref/outcar/**, neb/**), plus
/// small fixtures we wrote for glued numbers and cut files.
@Suite struct OutcarTests {
    /// Every OUTCAR in the corpus that has a per-file reference.
    static let files = [
        "outcar/pymatgen/OUTCAR.NiO_SOC.gz", "outcar/pymatgen/OUTCAR.gz", "outcar/pymatgen/OUTCAR.vasp.6.2.1.mpi.gz",
        "outcar/pymatgen/OUTCAR_merged_numbers", "outcar/pymatgen/OUTCAR_merged_numbers2",
        "outcar/pymatgen/OUTCAR_vasp_6.3.gz", "outcar/pymatgen_fe_monomer/OUTCAR",
        "neb/pymatgen_neb1/00/OUTCAR.gz", "neb/pymatgen_neb1/04/OUTCAR.gz"
    ]

    @Test func corpusPresentOnCI() { Corpus.checkPresentOnCI() }

    @Test(arguments: files)
    func matchesPymatgen(_ relative: String) throws {
        guard Corpus.available else { return }
        let outcar = try Outcar.read(path: Corpus.path(relative))
        let ref = try Corpus.reference(relative + ".json")
        #expect(outcar.complete)
        // Energies: exact to the 8 printed decimals.
        #expect(close(outcar.finalEnergy, ref["final_energy"] as? Double, 1e-8))
        #expect(close(outcar.ionicSteps.last?.energyWithoutEntropy, ref["final_energy_wo_entrp"] as? Double, 1e-8))
        #expect(close(outcar.ionicSteps.last?.freeEnergy, ref["final_fr_energy"] as? Double, 1e-8))
        #expect(close(outcar.efermi, ref["efermi"] as? Double, 1e-8))
        // pymatgen's `nelect` is an integrated charge ("number of electron" line) whose occurrence depends on
        // where its reverse scan stops; ours is the last one. They agree to the printed precision's noise.
        #expect(close(outcar.integratedElectrons, ref["nelect"] as? Double, 1e-4))
        if let mag = ref["total_mag"] as? Double {
            #expect(close(outcar.totalMagnetization, mag, 1e-7))
        } else {
            #expect(outcar.totalMagnetization == nil)
        }
        let zval = try #require(ref["zval_dict"] as? [String: Double])
        let ours = Dictionary(outcar.valenceByElement.map { ($0.element, $0.zval) }, uniquingKeysWith: { $1 })
        #expect(ours == zval)
        try checkMagnetization(outcar, ref)
        let counts = try #require(ref["line_counts"] as? [String: Int])
        #expect(outcar.nebProjectionLineCount == counts["NEB: projections on to tangent"])
        #expect(outcar.nebForceLineCount == counts["FORCES: max atom, RMS"])
        let neb = ref["read_neb"] as? [String: Any]
        #expect(close(outcar.finalEnergy, neb?["energy"] as? Double, 1e-8))
    }

    /// pymatgen's `magnetization`: the last `magnetization (x)` table, merged with (y), (z) for SOC.
    func checkMagnetization(_ outcar: Outcar, _ ref: [String: Any]) throws {
        let rows = try #require(ref["magnetization"] as? [[String: Any]])
        guard !rows.isEmpty else {
            #expect(outcar.magnetizationX == nil)
            return
        }
        let x = try #require(outcar.magnetizationX)
        #expect(x.rows.count == rows.count)
        for (k, row) in rows.enumerated() {
            for (label, value) in row {
                let column = try #require(x.labels.firstIndex(of: label), "no column \(label)")
                if let vector = value as? [Double] {
                    let y = try #require(outcar.magnetizationY)
                    let z = try #require(outcar.magnetizationZ)
                    #expect([x.rows[k][column], y.rows[k][column], z.rows[k][column]] == vector)
                } else {
                    #expect(x.rows[k][column] == value as? Double)
                }
            }
        }
    }

    /// The VTST image OUTCARs of aiida-vasp's NH3 inversion: 23 ionic steps with NEB lines each.
    @Test(arguments: ["01", "02", "03"])
    func vtstImage(_ image: String) throws {
        guard Corpus.available else { return }
        let outcar = try Outcar.read(path: Corpus.path("neb/aiida-vasp_NH3_inversion/\(image)/OUTCAR"))
        let ref = try #require(try Corpus.reference("neb/aiida-vasp_NH3_inversion.json")["images"] as? [String: Any])
        let mine = try #require(ref[image] as? [String: Any])
        #expect(close(outcar.finalEnergy, mine["final_energy"] as? Double, 1e-8))
        #expect(close(outcar.ionicSteps.last?.energyWithoutEntropy, mine["final_energy_wo_entrp"] as? Double, 1e-8))
        #expect(close(outcar.ionicSteps.last?.freeEnergy, mine["final_fr_energy"] as? Double, 1e-8))
        #expect(outcar.ionicSteps.count == mine["n_ionic_steps_energy_lines"] as? Int)
        #expect(outcar.nebProjectionLineCount == mine["count_NEB_projections_lines"] as? Int)
        #expect(outcar.nebForceLineCount == mine["count_FORCES_max_atom_RMS_lines"] as? Int)
        let projection = try #require(mine["last_projection_line_values"] as? [Double])
        #expect(outcar.ionicSteps.last?.nebSpringForce == projection[0])
        #expect(outcar.ionicSteps.last?.nebTangentForce == projection[1])
        let read = try #require(mine["outcar_read_neb"] as? [String: Any])
        #expect(outcar.ionicSteps.last?.nebTangentForce == read["tangent_force"] as? Double)
        let forces = try #require(mine["last_FORCES_max_atom_RMS"] as? [Double])
        #expect(outcar.ionicSteps.last?.nebMaxForce == forces[0])
        #expect(outcar.ionicSteps.last?.nebRMSForce == forces[1])
        #expect(outcar.climbingImage == true)
        #expect(outcar.ediffg == -0.03)
        #expect(outcar.ibrion == 3)
        #expect(outcar.reachedRequiredAccuracy)
        #expect(outcar.vaspVersion == "5.4.4")
        #expect(outcar.potcarTitles == ["PAW_PBE H 15Jun2001", "PAW_PBE N 08Apr2002"])
        #expect(outcar.species == ["H", "H", "H", "N"])
        #expect(outcar.nelect == 8)
        #expect(outcar.netCharge == 0)
        let structure = try #require(outcar.structure())
        #expect(structure.count == 4)
        #expect(abs(structure.lattice.volume - 6 * 7 * 8) < 1e-6)
        #expect(outcar.ionicSteps.allSatisfy { $0.forces.count == 4 && $0.positions.count == 4 })
    }

    @Test func versionsAndSettings() throws {
        guard Corpus.available else { return }
        let v62 = try Outcar.read(path: Corpus.path("outcar/pymatgen/OUTCAR.vasp.6.2.1.mpi.gz"))
        #expect(v62.vaspVersion == "6.2.1")
        #expect(v62.ivdw == 12)
        #expect(v62.nelect == 11)
        let soc = try Outcar.read(path: Corpus.path("outcar/pymatgen/OUTCAR.NiO_SOC.gz"))
        #expect(soc.isNoncollinear)
        #expect(soc.totalMagnetizationVector.count == 3)
        #expect(soc.vaspVersion == "5.4.1")
        let v63 = try Outcar.read(path: Corpus.path("outcar/pymatgen/OUTCAR_vasp_6.3.gz"))
        #expect(v63.magnetizationX?.labels == ["s", "p", "d", "f", "tot"])
        #expect(v63.vaspVersion == "6.3.0")
    }

    /// pymatgen's `charge` (the last `total charge` table) on the merged-numbers file.
    @Test func chargeTable() throws {
        guard Corpus.available else { return }
        let relative = "outcar/pymatgen/OUTCAR_merged_numbers2"
        let outcar = try Outcar.read(path: Corpus.path(relative))
        let ref = try #require(try Corpus.reference(relative + ".json")["charge"] as? [[String: Double]])
        let table = try #require(outcar.charge)
        #expect(table.rows.count == ref.count)
        for (k, row) in ref.enumerated() {
            for (label, value) in row { #expect(table.column(label)?[k] == value) }
        }
    }

    // MARK: Fixtures we wrote

    static let fixture = """
         vasp.6.4.2 20Jul23 (build Jul 20 2023) complex
           POTCAR:    PAW_PBE Li_sv 10Sep2004
           VRHFIN =Li: 1s2s2p
           TITEL  = PAW_PBE Li_sv 10Sep2004
           VRHFIN =F: s2p5
           TITEL  = PAW_PBE F 08Apr2002
           number of dos      NEDOS =    301   number of ions     NIONS =      2
           ions per type =               1   1
           ENCUT  =  520.0 eV  38.22 Ry
           EDIFFG = -.5E-01   stopping-criterion for IOM
           IBRION =      2    ionic relax: 0-MD 1-quasi-New 2-CG
           ISPIN  =      2    spin polarized calculation?
           ZVAL   =   3.00  7.00
           NELECT =      11.0000    total number of electrons
          direct lattice vectors                 reciprocal lattice vectors
            10.000000000  0.000000000  0.000000000     0.100000000  0.000000000  0.000000000
             0.000000000 10.000000000  0.000000000     0.000000000  0.100000000  0.000000000
             0.000000000  0.000000000 10.000000000     0.000000000  0.000000000  0.100000000
          free energy    TOTEN  =       -11.00000000 eV
          energy without entropy =      -11.10000000  energy(sigma->0) =      -11.05000000
         E-fermi :  -2.5000     XC(G=0):  -1.0000     alpha+bet : -0.5000
         number of electron      10.9999990 magnetization       1.0000001
         POSITION                                       TOTAL-FORCE (eV/Angst)
         -----------------------------------------------------------------------------------
              1.00000      1.00000      1.00000       -12.345678-123.456789      0.000001
              2.50000      1.00000      1.00000        12.345678 123.456789     -0.000001
         -----------------------------------------------------------------------------------
          FREE ENERGIE OF THE ION-ELECTRON SYSTEM (eV)
          ---------------------------------------------------
          free  energy   TOTEN  =       -12.34567890 eV

          energy  without entropy=      -12.40000000  energy(sigma->0) =      -12.37283945

         magnetization (x)

        # of ion       s       p       d       tot
        ------------------------------------------
            1       -0.010   0.020  12.345-12.345
            2        0.100   0.200   0.000   0.300
        --------------------------------------------------
        tot          0.090   0.220  12.345 -12.045

         POSITION                                       TOTAL-FORCE (eV/Angst)
         -----------------------------------------------------------------------------------
              1.10000      1.00000      1.00000         0.100000      0.000000      0.000000

        """

    @Test func gluedNumbersAreSplit() throws {
        let outcar = try Outcar.parse(text: Self.fixture, file: "OUTCAR.fixture")
        #expect(outcar.vaspVersion == "6.4.2")
        #expect(outcar.species == ["Li", "F"])
        #expect(outcar.typeValences == [3, 7])
        #expect(outcar.netCharge == -1)
        #expect(outcar.encut == 520)
        #expect(outcar.ediffg == -0.05)
        #expect(outcar.ispin == 2)
        #expect(outcar.ionicSteps.count == 1)
        let step = try #require(outcar.ionicSteps.first)
        // The SCF line (one blank) is not the step energy; the step block (two blanks) is.
        #expect(step.freeEnergy == -12.3456789)
        #expect(step.energyWithoutEntropy == -12.4)
        #expect(step.energySigma0 == -12.37283945)
        #expect(step.forces == [SIMD3(-12.345678, -123.456789, 0.000001), SIMD3(12.345678, 123.456789, -0.000001)])
        #expect(outcar.magnetizationX?.rows == [[-0.01, 0.02, 12.345, -12.345], [0.1, 0.2, 0, 0.3]])
        #expect(outcar.efermi == -2.5)
        #expect(outcar.totalMagnetization == 1.0000001)
        let structure = try #require(outcar.structure())
        #expect(abs(structure.distance(0, 1) - 1.5) < 1e-12)
        // Cut inside the second force table: the file is incomplete and says so.
        #expect(!outcar.complete)
        #expect(outcar.warnings.contains { $0.message.contains("ends inside the force table") })
        #expect(outcar.warnings.contains { $0.message.contains("incomplete file") })
    }

    @Test func notAnOutcarIsAnError() {
        #expect(throws: VASPError.self) { try Outcar.parse(text: "hello\nworld\n", file: "x") }
    }

    @Test func overflowedFieldsWarn() throws {
        let text = Self.fixture.replacingOccurrences(of: "12.345678 123.456789", with: "12.345678 **********")
        let outcar = try Outcar.parse(text: text)
        #expect(outcar.ionicSteps.first?.forces.last?.y.isNaN == true)
        #expect(outcar.warnings.contains { $0.message.contains("****") })
    }

    func close(_ a: Double?, _ b: Double?, _ tolerance: Double) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= tolerance
    }
}
