import Foundation
import TestSupport
import Testing

@testable import VASP

/// ACF.dat / BCF.dat / AVF.dat against the corpus references (own parse and pymatgen's
/// `BaderAnalysis._parse_acf`), plus fixtures we wrote for the dialects the corpus lacks.
@Suite struct BaderTests {
    static let acfFiles = [
        "bader/JorgeEOP_Ladung_verarbeitung/ACF.dat", "bader/arzpa_Bader_charge_analysis_QS/ACF.dat",
        "bader/ase_test_bader_h2o/ACF.dat"
    ]

    @Test func corpusPresentOnCI() { Corpus.checkPresentOnCI() }

    @Test(arguments: acfFiles)
    func acfMatchesReference(_ relative: String) throws {
        guard Corpus.available else { return }
        let acf = try BaderACF.read(path: Corpus.path(relative))
        let ref = try Corpus.reference(relative + ".json")
        let own = try #require(ref["own_parse"] as? [String: Any])
        let atoms = try #require(own["atoms"] as? [[String: Any]])
        #expect(acf.program == .henkelman)
        #expect(acf.atoms.count == own["n_atoms"] as? Int)
        #expect(acf.hasVolumes == (own["has_atomic_vol_column"] as? Bool))
        for (atom, row) in zip(acf.atoms, atoms) {
            #expect(atom.index == row["index"] as? Int)
            #expect(atom.position == SIMD3(row["x"] as? Double ?? .nan, row["y"] as? Double ?? .nan, row["z"] as? Double ?? .nan))
            #expect(atom.electrons == row["charge"] as? Double)
            #expect(atom.minimumDistance == row["min_dist"] as? Double)
            #expect(atom.volume == row["atomic_vol"] as? Double)
        }
        #expect(abs(acf.totalElectrons - (own["sum_charge"] as? Double ?? .nan)) < 1e-6)
        if let volume = own["sum_atomic_vol"] as? Double {
            #expect(abs((acf.totalVolume ?? .nan) - volume) < 1e-6)
        }
        let footer = try #require(own["footer"] as? [String: Double])
        #expect(acf.footer.numberOfElectrons == footer["NUMBER OF ELECTRONS"])
        #expect(acf.footer.vacuumCharge == footer["VACUUM CHARGE"])
        #expect(acf.footer.vacuumVolume == footer["VACUUM VOLUME"])
        // pymatgen's parser, where it could read the file (it fails on the 5-column 2005 dialect).
        if let pymatgen = ref["pymatgen_parse"] as? [String: Any] {
            let data = try #require(pymatgen["data"] as? [[String: Double]])
            #expect(data.map { $0["charge"] } == acf.atoms.map(\.electrons))
            #expect(pymatgen["nelectrons"] as? Double == acf.footer.numberOfElectrons)
        } else {
            #expect(acf.columns == ["X", "Y", "Z", "CHARGE", "MIN DIST"])
        }
    }

    /// The ACF + BCF + AVF set of one run: sums, per-atom BCF sums = ACF charges (1e-4), AVF = BCF ATOM column.
    @Test func acfBcfAvfSet() throws {
        guard Corpus.available else { return }
        let folder = Corpus.path("bader/nuistcz_BaderMerge")
        let acf = try BaderACF.read(path: folder + "/ACF.dat")
        let bcf = try BaderBCF.read(path: folder + "/BCF.dat")
        let avf = try BaderAVF.read(path: folder + "/AVF.dat")
        let ref = try Corpus.reference("bader/nuistcz_BaderMerge.json")
        let acfRef = try #require(ref["ACF"] as? [String: Any])
        let rows = try #require(acfRef["rows"] as? [[Double]])
        #expect(acf.atoms.map(\.electrons) == rows.map { $0[4] })
        #expect(acf.atoms.map { $0.volume ?? .nan } == rows.map { $0[6] })
        #expect(abs(acf.totalElectrons - (acfRef["sum_charge"] as? Double ?? .nan)) < 1e-9)
        #expect(abs((acf.totalVolume ?? .nan) - (acfRef["sum_volume"] as? Double ?? .nan)) < 1e-9)
        #expect(acf.footer.numberOfElectrons == 48)

        let bcfRef = try #require(ref["BCF"] as? [String: Any])
        let bcfRows = try #require(bcfRef["rows"] as? [[Double]])
        #expect(bcf.columns == ["X", "Y", "Z", "CHARGE", "ATOM", "DISTANCE"])
        #expect(bcf.volumes.map(\.atom) == bcfRows.map { Int($0[5]) })
        #expect(bcf.volumes.map(\.electrons) == bcfRows.map { $0[4] })
        #expect(abs(bcf.totalElectrons - (bcfRef["sum_charge"] as? Double ?? .nan)) < 1e-9)
        let perAtom = bcf.electronsPerAtom(atomCount: acf.atoms.count)
        for (k, atom) in acf.atoms.enumerated() { #expect(abs(perAtom[k] - atom.electrons) <= 1e-4) }

        let map = try #require((ref["AVF"] as? [String: Any])?["atom_to_bader_volumes"] as? [String: [Int]])
        #expect(avf.volumesByAtom.count == 12)
        for (atom, volumes) in avf.volumesByAtom {
            #expect(map[String(atom)] == volumes)
            for v in volumes { #expect(bcf.volumes[v - 1].atom == atom) }
        }
    }

    @Test func missingFooterWarns() throws {
        let text = """
                #         X           Y           Z       CHARGE      MIN DIST   ATOMIC VOL
             --------------------------------------------------------------------------------
                1    0.000000    0.000000    0.000000    1.000000     0.500000     2.000000
            """
        let acf = try BaderACF.parse(text: text)
        #expect(acf.atoms.count == 1)
        #expect(acf.footer.isEmpty)
        #expect(acf.warnings.contains { $0.message.contains("no footer") })
    }

    /// A 1.05 table whose fields filled their width: a 12-column coordinate below −999.999999 and an
    /// ATOMIC VOL of 13 characters touch their neighbours.
    @Test func fusedFieldsAreSplit() throws {
        let text = """
                #         X           Y           Z       CHARGE      MIN DIST   ATOMIC VOL
             --------------------------------------------------------------------------------
                1    3.766954-1000.000000   -2.788755    7.045945     1.303698123456.789012
                2 -1234.567890-1234.567890-1234.567890  123.456789     0.481767 22573.417435
             --------------------------------------------------------------------------------
                VACUUM CHARGE:               0.0000
                VACUUM VOLUME:               0.0000
                NUMBER OF ELECTRONS:       130.5027
            """
        let acf = try BaderACF.parse(text: text)
        #expect(acf.atoms[0].position == SIMD3(3.766954, -1000, -2.788755))
        #expect(acf.atoms[0].minimumDistance == 1.303698)
        #expect(acf.atoms[0].volume == 123456.789012)
        #expect(acf.atoms[1].position == SIMD3(-1234.56789, -1234.56789, -1234.56789))
        #expect(acf.atoms[1].electrons == 123.456789)
        #expect(acf.footer.numberOfElectrons == 130.5027)
    }

    @Test func splitterKeepsWholeNumbers() {
        #expect(BaderFields.split("1.3036981234567.123456", decimals: 6) == ["1.303698", "1234567.123456"])
        #expect(BaderFields.split("-2.788755-1000.000000", decimals: 6) == ["-2.788755", "-1000.000000"])
        #expect(BaderFields.split("7.0865", decimals: 4) == ["7.0865"])
    }

    /// bader-rs ACF.dat as its `partitions_file` writes it (header with `|`, separator `---+---`, footer
    /// `Vacuum Charge/Volume`, `Partitioned Charge/Volume`), non-spin with the Error column.
    static let baderRSAtoms = """
         #  |     X     |     Y     |     Z     |  Charge  |   Volume   | Distance |  Error
        ----+-----------+-----------+-----------+----------+------------+----------+----------
          1 |  0.000000 |  0.000000 |  5.026500 | 0.683925 |   1.771497 | 0.406599 | 0.000012
          2 | -0.000013 |  1.445693 | 18.430508 | 7.316002 |  16.421135 | 0.937626 | 0.000003
        ----+-----------+-----------+-----------+----------+------------+----------+----------
          Vacuum Charge:             0.0000
          Vacuum Volume:             0.0000
          Partitioned Charge:        7.9999
          Partitioned Volume:       18.1926
        """

    @Test func baderRSAtomTable() throws {
        let acf = try BaderACF.parse(text: Self.baderRSAtoms)
        #expect(acf.program == .baderRS)
        #expect(acf.columns == ["X", "Y", "Z", "Charge", "Volume", "Distance", "Error"])
        #expect(acf.atoms.map(\.electrons) == [0.683925, 7.316002])
        #expect(acf.atoms.map(\.volume) == [1.771497, 16.421135])
        #expect(acf.atoms.map(\.minimumDistance) == [0.406599, 0.937626])
        #expect(acf.atoms.map(\.error) == [0.000012, 0.000003])
        #expect(acf.footer.partitionedCharge == 7.9999)
        #expect(acf.footer.totalElectrons == 7.9999)
        #expect(acf.footer.numberOfElectrons == nil)
        #expect(acf.warnings.isEmpty)
    }

    @Test func baderRSSpinTable() throws {
        let text = """
             # |     X    |     Y    |     Z    |  Charge  |   Spin   |  Volume  | Distance
            ---+----------+----------+----------+----------+----------+----------+---------
             1 | 0.000000 | 0.000000 | 0.000000 | 7.123456 | 1.500000 | 9.876543 | 0.912345
            ---+----------+----------+----------+----------+----------+----------+---------
              Vacuum Charge:             0.0000
              Vacuum Spin:               0.0000
              Vacuum Volume:             0.0000
              Partitioned Charge:        7.1235
              Partitioned Spin:          1.5000
            """
        let acf = try BaderACF.parse(text: text)
        #expect(acf.atoms.first?.spin == [1.5])
        #expect(acf.footer.partitionedSpin == [1.5])
        #expect(acf.footer.vacuumSpin == [0])
    }

    /// The older bader-rs BCF.dat: volumes grouped under `-Atom: N---+` separators.
    @Test func baderRSVolumeTable() throws {
        let text = """
             # |     X    |     Y    |     Z    |  Charge  |  Volume  | Distance
            ---+----------+----------+----------+----------+----------+---------
            -Atom: 1---+----------+----------+----------+----------+---------
             2 | 0.000000 | 0.000000 | 5.026500 | 0.683900 | 1.771000 | 0.000000
            -Atom: 2---+----------+----------+----------+----------+---------
             1 | 0.000000 | 0.000000 | 1.675500 | 7.321000 | 16.44400 | 0.000000
             3 | 0.000000 | 0.100000 | 1.675500 | 0.001000 | 0.010000 | 0.100000
            """
        let bcf = try BaderBCF.parse(text: text)
        #expect(bcf.program == .baderRS)
        #expect(bcf.volumes.map(\.atom) == [1, 2, 2])
        let perAtom = bcf.electronsPerAtom(atomCount: 2)
        #expect(perAtom.count == 2)
        #expect(abs(perAtom[0] - 0.6839) < 1e-12 && abs(perAtom[1] - 7.322) < 1e-12)
    }

    @Test func wrongTableIsNamed() throws {
        let bcfText = """
                #         X           Y           Z        CHARGE     ATOM    DISTANCE
              -------------------------------------------------------------------------
                1      0.0000      0.0000      1.6755      7.3210       7      0.0000
            """
        #expect(throws: VASPError.self) { try BaderACF.parse(text: bcfText, file: "BCF.dat") }
        #expect(throws: VASPError.self) { try BaderBCF.parse(text: Self.baderRSAtoms.replacingOccurrences(of: "Distance", with: "D"), file: "x") }
        do {
            _ = try BaderACF.parse(text: "hello\n", file: "notbader.dat")
            Issue.record("expected an error")
        } catch let error as VASPError {
            #expect(error.description.hasPrefix("notbader.dat:1:"))
        }
    }
}
