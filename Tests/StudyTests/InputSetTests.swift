import Chemistry
import Foundation
import Testing
import VASP

@testable import Study

@Suite struct InputSetTests {
    static func library() throws -> InputSetLibrary {
        try InputSetLibrary.load(folder: StudyFixture.templates, names: ["relax", "static", "bader", "neb"])
    }

    static func structure(_ text: String) throws -> Structure {
        try Poscar.parse(text: text).structure
    }

    static func context(
        _ structure: Structure, charge: Int = 0, multiplicity: Int = 1, kind: SystemKind = .molecule,
        overrides: IncarSettings = IncarSettings(), images: Int? = nil, systemMagmom: [String: Double] = [:]
    ) -> InputContext {
        let order = Planner.firstAppearance(structure.species)
        let potcar = Potcar.fromBuiltinTable(labels: order.map { $0 == "Li" ? "Li_sv" : $0 })
        return InputContext(
            structure: structure, charge: charge, multiplicity: multiplicity, kind: kind, systemMagmom: systemMagmom,
            calculationMagmom: [:], overrides: overrides, kpoints: nil, potcar: potcar, speciesOrder: order,
            nebImages: images, title: "test")
    }

    /// The paper's protocol ("Calculation methods" of the seed study) in the relax set.
    @Test func relaxIsThePapersProtocol() throws {
        let relax = try #require(try Self.library().set(named: "relax"))
        let incar = relax.incar
        #expect(incar.string("GGA") == "PE")
        #expect(incar.int("ENCUT") == 400)
        #expect(incar.int("IVDW") == 11)
        #expect(incar.int("IBRION") == 2)
        #expect(incar.int("ISIF") == 2)
        #expect(incar.double("EDIFF") == 1e-5)
        #expect(incar.double("EDIFFG") == -0.05)
        #expect((incar.int("NSW") ?? 0) >= 300)
        #expect(incar.int("ISMEAR") == 0)
        #expect(incar.double("SIGMA") == 0.05)
        #expect(incar.int("ISPIN") == 2)
        #expect(incar.int("LORBIT") == 11)
        let cell = Structure(lattice: .cubic(10), species: ["Li"], fractionalPositions: [.zero])
        #expect(relax.kpoints(for: cell) == Kpoints.gamma(1, 1, 1, comment: relax.kpoints(for: cell).comment))
        #expect(relax.magmom == ["Fe": 5, "Co": 1])
        #expect(relax.defaultMoment == 0)
        #expect(relax.lrealAutoAbove == 0)  // Auto for every system: the terms of each energy share it
        #expect(relax.hubbardU == nil)
        #expect(!incar.tags.contains { $0.hasPrefix("LDAU") })
    }

    @Test func derivedSetsChangeWhatTheyShould() throws {
        let library = try Self.library()
        let staticSet = try #require(library.set(named: "static"))
        #expect(staticSet.incar.int("NSW") == 0)
        #expect((staticSet.incar.int("NEDOS") ?? 0) >= 3001)
        #expect(staticSet.incar.int("LORBIT") == 11)
        #expect(staticSet.incar.bool("LCHARG") == true)
        #expect(staticSet.incar["EDIFFG"] == nil)  // removed with null
        #expect(staticSet.incar.int("ENCUT") == 400)  // inherited
        let bader = try #require(library.set(named: "bader"))
        #expect(bader.incar.bool("LAECHG") == true)
        #expect(bader.incar.bool("LCHARG") == true)
        #expect(bader.incar.string("PREC") == "Accurate")
        #expect(bader.extends == "static")
        let neb = try #require(library.set(named: "neb"))
        #expect(neb.incar.int("IBRION") == 3)
        #expect(neb.incar.double("POTIM") == 0)
        #expect(neb.incar.int("IOPT") == 3)
        #expect(neb.incar.double("SPRING") == -5)
        #expect(neb.incar.bool("LCLIMB") == true)
        #expect(neb.incar.int("ICHAIN") == 0)
        #expect(neb.incar.double("EDIFFG") == -0.05)
        #expect(neb.images == 5)
        #expect(neb.interpolation == .idpp)
        // The INCAR order of the parent is kept; new tags come after it.
        #expect(Array(neb.incar.tags.prefix(3)) == ["PREC", "GGA", "ENCUT"])
    }

    /// TFSI⁻ with standard PBE POTCARs: C 4×2 + N 5 + O 6×4 + F 7×6 + S 6×2 = 91, plus 1 for the charge.
    @Test func nelectOfTFSIIs92() throws {
        let relax = try #require(try Self.library().set(named: "relax"))
        let tfsi = try Self.structure(StudyFixture.tfsi)
        let applied = relax.apply(Self.context(tfsi, charge: -1))
        #expect(applied.valenceElectrons == 91)
        #expect(applied.nelect == 92)
        #expect(applied.incar["NELECT"] == .int(92))
        #expect(applied.incar.int("NUPDOWN") == 0)
        // A charged molecule in a box: IDIPOL = 4, LDIPOL, DIPOL at the centre of mass.
        #expect(applied.incar.int("IDIPOL") == 4)
        #expect(applied.incar.bool("LDIPOL") == true)
        let dipol = try #require(applied.incar.doubles("DIPOL"))
        let centre = tfsi.lattice.fractional(MoleculeBoxCentre.of(tfsi))
        #expect(zip(dipol, [centre.x, centre.y, centre.z]).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(applied.errors.isEmpty)
        // Neutral: no NELECT, no dipole tags.
        let neutral = relax.apply(Self.context(tfsi, charge: 0))
        #expect(neutral.incar["NELECT"] == nil && neutral.incar["IDIPOL"] == nil)
        #expect(neutral.nelect == 91)
        // Periodic with a charge: NELECT but no dipole tags.
        let periodic = relax.apply(Self.context(tfsi, charge: -1, kind: .bulk))
        #expect(periodic.incar["NELECT"] == .int(92) && periodic.incar["IDIPOL"] == nil)
    }

    @Test func liPlusWithLiSvHasTwoElectrons() throws {
        let relax = try #require(try Self.library().set(named: "relax"))
        #expect(relax.potcars["Li"] == "Li_sv")
        let applied = relax.apply(Self.context(try Self.structure(StudyFixture.li), charge: 1))
        #expect(applied.nelect == 2)
    }

    @Test func magmomPerElementInPoscarOrder() throws {
        let relax = try #require(try Self.library().set(named: "relax"))
        let cluster = try Self.structure(StudyFixture.feCluster)
        let applied = relax.apply(Self.context(cluster, multiplicity: 6))
        #expect(applied.incar.doubles("MAGMOM") == [5, 0, 0, 0, 0])
        #expect(applied.incar.int("NUPDOWN") == 5)
        let custom = relax.apply(Self.context(cluster, multiplicity: 6, systemMagmom: ["Fe": 4, "O": 0.2]))
        #expect(custom.incar.doubles("MAGMOM") == [4, 0.2, 0.2, 0, 0])
        // An explicit MAGMOM override wins and is kept verbatim.
        let overrides = IncarSettings(entries: [("MAGMOM", .doubles([1, 2]))])
        #expect(relax.apply(Self.context(cluster, multiplicity: 6, overrides: overrides)).incar.doubles("MAGMOM") == [1, 2])
    }

    @Test func lrealFollowsTheAtomCount() throws {
        var relax = try #require(try Self.library().set(named: "relax"))
        #expect(relax.apply(Self.context(try Self.structure(StudyFixture.tfsi), charge: -1)).incar.string("LREAL") == "Auto")
        relax.lrealAutoAbove = 50
        let small = try Self.structure(StudyFixture.tfsi)
        #expect(relax.apply(Self.context(small, charge: -1)).incar["LREAL"] == .bool(false))
        // 60 atoms: four TFSI copies side by side.
        var big = small
        for shift in [SIMD3(0.0, 0, 0.2), SIMD3(0.0, 0.2, 0), SIMD3(0.2, 0, 0)] {
            big.species += small.species
            big.fractionalPositions += small.fractionalPositions.map { $0 + shift }
        }
        #expect(big.count == 60)
        #expect(relax.apply(Self.context(big, charge: -4)).incar.string("LREAL") == "Auto")
    }

    @Test func overridesWinAndNullRemoves() throws {
        let relax = try #require(try Self.library().set(named: "relax"))
        let tfsi = try Self.structure(StudyFixture.tfsi)
        let overrides = IncarSettings(entries: [("ENCUT", .int(520)), ("IVDW", nil), ("NELECT", .double(93))])
        let incar = relax.apply(Self.context(tfsi, charge: -1, overrides: overrides)).incar
        #expect(incar.int("ENCUT") == 520)
        #expect(incar["IVDW"] == nil)
        #expect(incar.double("NELECT") == 93)
        #expect(incar.tags.first == "SYSTEM")
        #expect(incar.tags.firstIndex(of: "ENCUT") == 3)  // kept in place
    }

    @Test func closedShellWithAMultiplicityIsAnError() throws {
        let relax = try #require(try Self.library().set(named: "relax"))
        let tfsi = try Self.structure(StudyFixture.tfsi)
        let applied = relax.apply(Self.context(tfsi, multiplicity: 2, overrides: IncarSettings(entries: [("ISPIN", .int(1))])))
        #expect(applied.errors.contains { $0.contains("multiplicity 2 needs a spin-polarised calculation") })
        #expect(applied.incar["MAGMOM"] == nil && applied.incar["NUPDOWN"] == nil)
    }

    @Test func nebGetsImages() throws {
        let neb = try #require(try Self.library().set(named: "neb"))
        let incar = neb.apply(Self.context(try Self.structure(StudyFixture.tfsi), charge: -1, images: 5)).incar
        #expect(incar.int("IMAGES") == 5)
    }

    /// No silent DFT+U: LDAU in a set's INCAR is refused; `hubbard_u` turns it on, and says so.
    @Test func dftPlusUOnlyWhenTheSetSaysSo() throws {
        let folder = try StudyFixture.temporaryFolder("sets")
        defer { StudyFixture.remove(folder) }
        try StudyFixture.write("incar: {ENCUT: 400, LDAU: true}\n", to: "sneaky.yaml", in: folder)
        #expect { try InputSetLibrary.load(folder: folder, names: ["sneaky"]) } throws: {
            "\($0)".contains("DFT+U is switched on only by 'hubbard_u'")
        }
        try StudyFixture.write("incar: {ISPIN: 2}\nhubbard_u: {Fe: 4.0, Co: {l: 2, u: 3.3}}\n", to: "plusu.yaml", in: folder)
        let set = try #require(try InputSetLibrary.load(folder: folder, names: ["plusu"]).set(named: "plusu"))
        let applied = set.apply(Self.context(try Self.structure(StudyFixture.feCluster), multiplicity: 6))
        #expect(applied.incar.bool("LDAU") == true)
        #expect(applied.incar.int("LDAUTYPE") == 2)
        #expect(applied.incar["LDAUL"] == .ints([2, -1, -1]))
        #expect(applied.incar.doubles("LDAUU") == [4, 0, 0])
        #expect(applied.notes.contains { $0.hasPrefix("DFT+U on (input set plusu): Fe U = 4.0 eV") })
        // Switched on by a calculation's overrides: a warning.
        let relax = try #require(try Self.library().set(named: "relax"))
        let sneaky = relax.apply(
            Self.context(
                try Self.structure(StudyFixture.feCluster), multiplicity: 6,
                overrides: IncarSettings(entries: [("LDAU", .bool(true))])))
        #expect(sneaky.warnings.contains { $0.contains("DFT+U switched on by this calculation's INCAR overrides") })
    }

    @Test func setErrors() throws {
        let folder = try StudyFixture.temporaryFolder("sets")
        defer { StudyFixture.remove(folder) }
        try StudyFixture.write("extends: b\n", to: "a.yaml", in: folder)
        try StudyFixture.write("extends: a\n", to: "b.yaml", in: folder)
        #expect { try InputSetLibrary.load(folder: folder, names: ["a"]) } throws: { "\($0)".contains("cycle: a → b → a") }
        #expect { try InputSetLibrary.load(folder: folder, names: ["missing"]) } throws: { "\($0)".contains("no input set 'missing'") }
        try StudyFixture.write("name: other\n", to: "c.yaml", in: folder)
        #expect { try InputSetLibrary.load(folder: folder, names: ["c"]) } throws: { "\($0)".contains("named 'other'") }
        try StudyFixture.write("incar:\n  ENCUT: 400\nmagmom: {Xx: 3}\n", to: "d.yaml", in: folder)
        #expect { try InputSetLibrary.load(folder: folder, names: ["d"]) } throws: { error in
            guard case StudyError.invalid(let location, let message) = error else { return false }
            return location.line == 3 && message.contains("'Xx' is not an element symbol")
        }
        try StudyFixture.write("kpoints: {gamma: [2, 2]}\n", to: "e.yaml", in: folder)
        #expect { try InputSetLibrary.load(folder: folder, names: ["e"]) } throws: { "\($0)".contains("kpoints.gamma: expected three positive integers") }
    }

    @Test func incarValuesAreTypedLikeVASPReadsThem() throws {
        let folder = try StudyFixture.temporaryFolder("sets")
        defer { StudyFixture.remove(folder) }
        try StudyFixture.write(
            """
            incar:
              ENCUT: 400
              EDIFF: 1e-5
              LCHARG: .TRUE.
              LWAVE: false
              ALGO: Fast
              MAGMOM: 2*5.0 3*0
              RWIGS: [1.2, 0.8]
              SYSTEM: "a # b"
            """, to: "typed.yaml", in: folder)
        let incar = try #require(try InputSetLibrary.load(folder: folder, names: ["typed"]).set(named: "typed")).incar
        #expect(incar["ENCUT"] == .int(400))
        #expect(incar["EDIFF"] == .double(1e-5))
        #expect(incar["LCHARG"] == .bool(true))
        #expect(incar["LWAVE"] == .bool(false))
        #expect(incar["ALGO"] == .string("Fast"))
        #expect(incar["MAGMOM"] == .doubles([5, 5, 0, 0, 0]))
        #expect(incar["RWIGS"] == .doubles([1.2, 0.8]))
        #expect(incar["SYSTEM"] == .string("a # b"))
    }

    @Test func potcarLabelFallbacks() {
        let chosen = InputSet.potcarLabel(for: "Fe", calculation: [:], manifest: ["Fe": "Fe_pv"], set: ["Fe": "Fe"])
        #expect(chosen.label == "Fe_pv" && chosen.warning == nil)
        let standard = InputSet.potcarLabel(for: "Ni", calculation: [:], manifest: [:], set: [:])
        #expect(standard.label == "Ni" && standard.warning != nil)
        let recommended = InputSet.potcarLabel(for: "K", calculation: [:], manifest: [:], set: [:])
        #expect(recommended.label == "K_sv")
    }
}

/// The centre of mass the DIPOL tag should point at (via Analysis, for the comparison).
enum MoleculeBoxCentre {
    static func of(_ s: Structure) -> SIMD3<Double> {
        let masses = s.elements.map { $0?.atomicMass ?? 1 }
        let r = s.cartesianPositions
        return zip(r, masses).reduce(SIMD3<Double>.zero) { $0 + $1.1 * $1.0 } / masses.reduce(0, +)
    }
}

/// Issue 16.4: MAGMOM like VASP for elements nobody names, notes for moments without ISPIN 2 and for fixed
/// atoms that come from two places.
@Suite struct MomentDefaultsTests {
    @Test func unnamedElementsStartAtVASPsOneBohrMagneton() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        // The bundled sets copied, the relax set without its `default: 0`: VASP's default applies, and the plan says so.
        var text = try StudyFixture.read(manifest)
        text = text.replacingOccurrences(of: "input_sets: \(StudyFixture.templates)", with: "input_sets: sets")
        for name in ["static", "bader", "neb"] {
            try StudyFixture.write(try StudyFixture.read(StudyFixture.templates + "/\(name).yaml"), to: "sets/\(name).yaml", in: folder)
        }
        let relax = try StudyFixture.read(StudyFixture.templates + "/relax.yaml")
        #expect(relax.contains("  default: 0\n"))
        try StudyFixture.write(relax.replacingOccurrences(of: "  default: 0\n", with: ""), to: "sets/relax.yaml", in: folder)
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        let plan = try GeneratorTests.plan(manifest, out: folder + "/runs")
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        let tfsi = try #require(plan.calculations.first { $0.name == "relax/tfsi" })
        #expect(tfsi.incar.string("MAGMOM") == "15*1.0", "\(tfsi.incar.string("MAGMOM") ?? "")")
        #expect(tfsi.notes.contains { $0.contains("1 μB each (VASP's default") && $0.contains("C, N, O, F, S") }, "\(tfsi.notes)")
    }

    @Test func theBundledSetsChooseZeroAndSaySoInTheirFile() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let plan = try GeneratorTests.plan(manifest, out: folder + "/runs")
        let tfsi = try #require(plan.calculations.first { $0.name == "relax/tfsi" })
        #expect(tfsi.incar.string("MAGMOM") == "15*0.0")
        #expect(!tfsi.notes.contains { $0.contains("MAGMOM:") })
    }
}
