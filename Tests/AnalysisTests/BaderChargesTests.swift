import Analysis
import Chemistry
import TestSupport
import Testing
import VASP

/// Bader net charges, fragments and checks, on the corpus ACF.dat files and small hand-made cases.
@Suite struct BaderChargesTests {
    /// The nuistcz ACF.dat (a B/N-like layered cell: 6 atoms ≈ 0.68 e, 6 atoms ≈ 7.32 e, 48 e in all):
    /// with ZVAL 3 (B) and 5 (N) the net charges are ±2.3 e and the fragments balance.
    @Test func netChargesAndFragmentsOnCorpus() throws {
        guard Corpus.available else { return }
        let acf = try BaderACF.read(path: Corpus.path("bader/nuistcz_BaderMerge/ACF.dat"))
        let valence = [Double](repeating: 3, count: 6) + [Double](repeating: 5, count: 6)
        let q = try #require(baderNetCharges(electrons: acf.electrons, valence: valence))
        #expect(abs(q[0] - (3 - 0.683925)) < 1e-12)
        #expect(abs(q[6] - (5 - 7.320988)) < 1e-12)
        let fragments = try fragmentCharges(
            electrons: acf.electrons, valence: valence,
            fragments: [ChargeFragment(name: "B", atoms: Array(0..<6)), ChargeFragment(name: "N", atoms: Array(6..<12))])
        #expect(abs((fragments[0].netCharge ?? .nan) + (fragments[1].netCharge ?? .nan)) < 1e-5)
        #expect(abs((chargeTransfer(from: fragments[0], to: fragments[1]) ?? .nan) - (fragments[0].netCharge ?? .nan)) < 1e-5)
        let check = baderCheck(electrons: acf.electrons, reported: acf.footer.numberOfElectrons, nelect: 48, referenceUsed: true)
        #expect(check.warnings.isEmpty)
        #expect(abs(check.sumOfAtoms - 47.999999) < 1e-9)
    }

    @Test func checksWarn() {
        let noReference = baderCheck(electrons: [1, 2], reported: 3.5, nelect: 4, referenceUsed: false)
        #expect(noReference.warnings.count == 3)
        #expect(noReference.warnings[0].contains("NUMBER OF ELECTRONS"))
        #expect(noReference.warnings[1].contains("NELECT"))
        #expect(noReference.warnings[2].contains("AECCAR"))
        let unknown = baderCheck(electrons: [1, 2], reported: 3, nelect: nil, referenceUsed: nil)
        #expect(unknown.warnings.count == 1 && unknown.warnings[0].contains("unknown"))
    }

    /// The seed's picture: CoPc gives 0.83 e to TFSI⁻ (reference charge −1).
    @Test func transferWithReferenceCharges() throws {
        // Two fragments, ZVAL sums 10 and 20; Bader gives 9.17 e to the first and 21.83 e to the second.
        let electrons = [4.17, 5.0, 10.83, 11.0]
        let valence = [5.0, 5.0, 10.0, 10.0]
        let f = try fragmentCharges(
            electrons: electrons, valence: valence,
            fragments: [ChargeFragment(name: "CoPc", atoms: [0, 1]), ChargeFragment(name: "TFSI", atoms: [2, 3], referenceCharge: -1)])
        #expect(abs((f[0].transferred ?? .nan) - 0.83) < 1e-12)
        #expect(abs((f[1].transferred ?? .nan) + 0.83) < 1e-12)
        #expect(abs((chargeTransfer(from: f[0], to: f[1]) ?? .nan) - 0.83) < 1e-12)
        let later = try fragmentCharges(
            electrons: [4.0, 5.0, 11.0, 11.0], valence: valence,
            fragments: [ChargeFragment(name: "CoPc", atoms: [0, 1]), ChargeFragment(name: "TFSI", atoms: [2, 3], referenceCharge: -1)])
        let changes = fragmentChanges(before: f, after: later)
        #expect(changes.map(\.name) == ["CoPc", "TFSI"])
        #expect(abs(changes[1].electronsGained - 0.17) < 1e-12)
    }

    @Test func fragmentErrors() {
        #expect(throws: FragmentError.overlapping(atom: 1, fragments: ["a", "b"])) {
            try fragmentCharges(
                electrons: [1, 1, 1], valence: nil, fragments: [ChargeFragment(name: "a", atoms: [0, 1]), ChargeFragment(name: "b", atoms: [1])])
        }
        #expect(throws: FragmentError.atomOutOfRange(fragment: "a", atom: 5, atomCount: 3)) {
            try fragmentCharges(electrons: [1, 1, 1], valence: nil, fragments: [ChargeFragment(name: "a", atoms: [5])])
        }
    }

    /// Connectivity: an NH3 molecule and a lone Li atom are two fragments.
    @Test func fragmentsByConnectivity() {
        let s = Structure(
            lattice: .cubic(10), species: ["N", "H", "H", "H", "Li"],
            cartesianPositions: [SIMD3(5, 5, 5), SIMD3(6.0, 5, 5), SIMD3(4.5, 5.87, 5), SIMD3(4.5, 4.13, 5), SIMD3(1, 1, 1)])
        let fragments = connectedFragments(s)
        #expect(fragments.map(\.name) == ["NH3", "Li"])
        #expect(fragments[0].atoms == [0, 1, 2, 3])
    }
}
