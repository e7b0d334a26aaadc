import Chemistry
import Testing
import VASP

@testable import Study

@Suite struct FragmentsTests {
    /// TFSI⁻ bound O→Fe to an Fe(OH)2-like node, with a CoPc-like Co–N4 square nearby.
    static func adsorbed() throws -> Structure {
        var s = try Poscar.parse(text: StudyFixture.tfsi).structure
        let add: [(String, SIMD3<Double>)] = [
            ("Fe", SIMD3(11.2011, 13.70, 10.0)),  // 2.06 Å above the upper O of the first SO2
            ("O", SIMD3(12.9, 14.5, 10.0)), ("H", SIMD3(13.6, 13.9, 10.0)),
            ("O", SIMD3(9.6, 14.6, 10.0)), ("H", SIMD3(9.0, 15.3, 10.0)),
            ("Co", SIMD3(10.0, 10.0, 14.5)),
            ("N", SIMD3(11.9, 10.0, 14.5)), ("N", SIMD3(8.1, 10.0, 14.5)), ("N", SIMD3(10.0, 11.9, 14.5)), ("N", SIMD3(10.0, 8.1, 14.5))
        ]
        for (e, r) in add {
            s.species.append(e)
            s.fractionalPositions.append(s.lattice.fractional(r))
        }
        return s
    }

    /// Metal–ligand contacts are not followed: the anion stays one molecule; the Fe, bound once to
    /// each of three molecules (the anion and two OH), stays alone; so does the Co of a bare N4 square
    /// whose N atoms are four separate molecules.
    @Test func moleculesIgnoreMetalLigandBonds() throws {
        let s = try Self.adsorbed()
        let molecules = s.molecules()
        let tfsi = try #require(molecules.first { $0.contains(13) })
        #expect(tfsi == Array(0..<15))
        #expect(molecules.contains([15]))
        #expect(molecules.contains([16, 17]) && molecules.contains([18, 19]))
        #expect(molecules.contains([20]))
        // A Co bound to one molecule (the four N joined by a ring of C) joins it.
        var ring = s
        for (a, b) in [(21, 23), (23, 22), (22, 24), (24, 21)] {
            let r = (s.cartesianPositions[a] + s.cartesianPositions[b]) / 2
            let out = r + (r - s.cartesianPositions[20]) * 0.01
            ring.species.append("C")
            ring.fractionalPositions.append(s.lattice.fractional(out))
        }
        let joined = ring.molecules()
        #expect(joined.contains { $0.contains(20) && $0.contains(21) && $0.count == 9 })
    }

    @Test func groupsByContainsAtomsAndRest() throws {
        let s = try Self.adsorbed()
        let groups = [
            group("TFSI", contains: ["S"]), group("metal", atoms: [15]), group("other", rest: true)
        ]
        let (atoms, errors, warnings) = FragmentResolver.resolve(groups, on: s)
        #expect(errors.isEmpty && warnings.isEmpty)
        #expect(atoms[0] == Array(0..<15))
        #expect(atoms[1] == [15])
        #expect(atoms[2] == Array(16..<25))
        let clash = FragmentResolver.resolve([group("a", atoms: [0, 1]), group("b", contains: ["C"])], on: s)
        #expect(clash.errors.contains("fragments a and b both take atom C0"))
        #expect(clash.warnings == ["10 atom(s) belong to no fragment (add a group with 'rest: true')"])
        let empty = FragmentResolver.resolve([group("none", contains: ["Pt"]), group("r", rest: true)], on: s)
        #expect(empty.errors == ["fragment none selects no atom"])
        let outside = FragmentResolver.resolve([group("x", atoms: [99])], on: s)
        #expect(outside.errors.first?.contains("beyond the 25 atoms") == true)
    }

    @Test func bondSets() throws {
        let s = try Poscar.parse(text: StudyFixture.tfsi).structure
        let cf = FragmentResolver.bonds(bond(elements: ["F", "C"], within: nil), on: s)
        #expect(cf.pairs.count == 6)
        #expect(cf.pairs.allSatisfy { abs($0.2 - 1.33) < 0.01 })
        let sc = FragmentResolver.bonds(bond(elements: ["S", "C"], within: 1.7), on: s)
        #expect(sc.pairs.isEmpty)  // S–C is 1.83 Å
        let explicit = FragmentResolver.bonds(bond(pairs: [[0, 13], [0, 40]]), on: s)
        #expect(explicit.pairs.count == 1 && abs(explicit.pairs[0].2 - 1.83) < 0.01)
        #expect(explicit.errors.count == 1)
    }

    func group(_ name: String, atoms: [Int]? = nil, contains: [String]? = nil, rest: Bool = false) -> FragmentGroup {
        var text = "name: \(name)\n"
        if let atoms { text += "atoms: [\(atoms.map(String.init).joined(separator: ", "))]\n" }
        if let contains { text += "contains: [\(contains.joined(separator: ", "))]\n" }
        if rest { text += "rest: true\n" }
        return try! YAMLFile.decode(FragmentGroup.self, text: text, file: "test")
    }

    func bond(elements: [String]? = nil, within: Double? = nil, pairs: [[Int]]? = nil) -> BondDefinition {
        var text = "name: b\ncalculations: [x]\n"
        if let elements { text += "elements: [\(elements.joined(separator: ", "))]\n" }
        if let within { text += "within: \(within)\n" }
        if let pairs { text += "pairs: [\(pairs.map { "[\($0[0]), \($0[1])]" }.joined(separator: ", "))]\n" }
        return try! YAMLFile.decode(BondDefinition.self, text: text, file: "test")
    }
}
