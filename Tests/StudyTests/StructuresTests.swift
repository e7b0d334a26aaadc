import Chemistry
import Foundation
import Testing
import VASP
import Yams

// Checks of the study's starting geometries in structures/ (made by tools/structures/build.py,
// described in structures/README.md). Windows accept both PBE-D3 and GFN2-xTB geometries; bonds are
// `Structure.bonds(scale: 1.2)` with Cordero radii (Fe, Co high-spin values).

/// One entry of `structures/structures.yaml`.
private struct StructureEntry: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var file: String
    var charge: Int
    var multiplicity: Int
    var fixed: [Int]
    var magmom: [String: Double]?
    /// `free` for the pathway states (VASP without NUPDOWN); absent = fixed (NUPDOWN = multiplicity − 1).
    var spin: String?
    /// Pathway states: bonds broken / formed relative to s0 (0-based POSCAR index pairs, cumulative).
    var broken: [[Int]]?
    var formed: [[Int]]?
    var description: String

    var testDescription: String { name }
}

/// The index and the POSCARs it names.
private enum StudyStructures {
    /// `structures/` of the package, from this file's path (Tests/StudyTests/StructuresTests.swift).
    static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("structures").path
    }

    static func entries() throws -> [StructureEntry] {
        let text = try String(contentsOfFile: root + "/structures.yaml", encoding: .utf8)
        return try YAMLDecoder().decode([StructureEntry].self, from: text)
    }

    /// Entries for parameterised tests; empty (so the index test fails instead) when the index is unreadable.
    static let all: [StructureEntry] = (try? entries()) ?? []

    static func structure(_ entry: StructureEntry) throws -> Structure {
        try Poscar.read(path: root + "/" + entry.file).structure
    }

    static func structure(named name: String) throws -> Structure {
        let entry = try #require(all.first { $0.name == name }, "no entry \(name) in structures.yaml")
        return try structure(entry)
    }

    static let catalysts = ["mof", "copc", "mof-copc"]

    /// Element counts of the building blocks.
    static let tfsi: [String: Int] = ["C": 2, "F": 6, "N": 1, "O": 4, "S": 2]
    static let copc: [String: Int] = ["Co": 1, "C": 32, "H": 16, "N": 8]
    static let mof: [String: Int] = ["Fe": 3, "C": 42, "H": 39, "N": 6, "O": 15]
    static let li: [String: Int] = ["Li": 1]

    static func sum(_ parts: [String: Int]...) -> [String: Int] {
        parts.reduce(into: [:]) { total, part in total.merge(part, uniquingKeysWith: +) }
    }

    /// Charge of every pathway state: catalyst + Li⁺ + TFSI⁻ + two electrons (structures/README.md,
    /// "Electron bookkeeping of the pathway").
    static let pathwayCharge = -2

    /// 2S+1 of s0…s4 from the bookkeeping: s0 the catalyst holds both electrons on its metal
    /// (2 Fe(II) / Co(I) + Pc radical), s1–s2 one has gone to CF₃SO₂N•⁻, s3–s4 both (+ CF₂•⁻);
    /// all unpaired electrons ferromagnetic.
    static let pathwayMultiplicities: [String: [Int]] = [
        "mof": [14, 16, 16, 18, 18], "copc": [2, 2, 2, 4, 4], "mof-copc": [15, 17, 17, 19, 19]
    ]

    /// name → (element counts, charge, multiplicity) the study needs.
    static var expected: [String: (counts: [String: Int], charge: Int, multiplicity: Int)] {
        var e: [String: (counts: [String: Int], charge: Int, multiplicity: Int)] = [
            "tfsi": (tfsi, -1, 1),
            "li": (li, 1, 1),
            "litfsi": (sum(tfsi, li), 0, 1),
            "copc": (copc, 0, 2),
            "mof": (mof, 0, 16),
            "mof-copc": (sum(mof, copc), 0, 17),
            "copc-dimer": (sum(copc, copc), 0, 3),
            "tfsi-on-mof": (sum(mof, tfsi), -1, 16),
            "tfsi-on-copc": (sum(copc, tfsi), -1, 2),
            "tfsi-on-mof-copc": (sum(mof, copc, tfsi), -1, 17)
        ]
        let catalyst: [String: [String: Int]] = ["mof": mof, "copc": copc, "mof-copc": sum(mof, copc)]
        for (name, counts) in catalyst {
            let multiplicities = pathwayMultiplicities[name] ?? []
            for k in 0...4 { e["\(name)-s\(k)"] = (sum(counts, tfsi, li), pathwayCharge, multiplicities[k]) }
        }
        return e
    }
}

// MARK: - Geometry helpers

extension Structure {
    fileprivate var positions: [SIMD3<Double>] { cartesianPositions }

    /// Bonded neighbours of each atom (scale 1.2).
    fileprivate func adjacency(_ bonds: [Bond]) -> [[Int]] {
        var adjacent = Array(repeating: [Int](), count: count)
        for b in bonds where b.i != b.j {
            adjacent[b.i].append(b.j)
            adjacent[b.j].append(b.i)
        }
        return adjacent
    }

    /// Bond lengths between elements `x` and `y` (either order).
    fileprivate func lengths(_ bonds: [Bond], _ x: String, _ y: String) -> [Double] {
        bonds.filter { b in
            (species[b.i] == x && species[b.j] == y) || (species[b.i] == y && species[b.j] == x)
        }.map(\.length)
    }

    fileprivate func count(_ bonds: [Bond], _ x: String, _ y: String) -> Int { lengths(bonds, x, y).count }

    fileprivate func indices(of symbol: String) -> [Int] { species.indices.filter { species[$0] == symbol } }
}

/// Best-fit plane of points: centroid, unit normal and RMS distance (Å) of the points from it.
///
/// The normal is the eigenvector of the smallest eigenvalue λ of the scatter matrix
/// S = Σ (p − c)(p − c)ᵀ, and the RMS is √(λ / N) (closed-form eigenvalues of a symmetric 3×3 matrix).
private func bestPlane(_ points: [SIMD3<Double>]) -> (centroid: SIMD3<Double>, normal: SIMD3<Double>, rms: Double) {
    let n = Double(points.count)
    let c = points.reduce(SIMD3<Double>(), +) / n
    var row0 = SIMD3<Double>()
    var row1 = SIMD3<Double>()
    var row2 = SIMD3<Double>()
    for p in points {
        let d = p - c
        row0 += d.x * d
        row1 += d.y * d
        row2 += d.z * d
    }
    let smallest = smallestEigenvalue(row0, row1, row2)
    let a = row0 - SIMD3(smallest, 0, 0)
    let b = row1 - SIMD3(0, smallest, 0)
    let e = row2 - SIMD3(0, 0, smallest)
    let candidates = [a.cross(b), a.cross(e), b.cross(e)]
    let normal = candidates.max { $0.length < $1.length } ?? SIMD3(0, 0, 1)
    return (c, normal / max(normal.length, 1e-12), (max(smallest, 0) / n).squareRoot())
}

/// Smallest eigenvalue of the symmetric matrix with rows r0, r1, r2 (trigonometric closed form).
private func smallestEigenvalue(_ r0: SIMD3<Double>, _ r1: SIMD3<Double>, _ r2: SIMD3<Double>) -> Double {
    let q = (r0.x + r1.y + r2.z) / 3
    let offDiagonal = r0.y * r0.y + r0.z * r0.z + r1.z * r1.z
    let diagonal = SIMD3(r0.x - q, r1.y - q, r2.z - q)
    let p = ((diagonal.lengthSquared + 2 * offDiagonal) / 6).squareRoot()
    guard p > 0 else { return q }
    let b0 = (r0 - SIMD3(q, 0, 0)) / p
    let b1 = (r1 - SIMD3(0, q, 0)) / p
    let b2 = (r2 - SIMD3(0, 0, q)) / p
    let determinant = b0.dot(b1.cross(b2))
    let phi = acos(max(-1, min(1, determinant / 2))) / 3
    return q + 2 * p * cos(phi + 2 * Double.pi / 3)
}

/// Heavy atoms of the phthalocyanine around each Co: Co, its N neighbours, and the C/N atoms reached
/// from them through C/N atoms that bond to nothing but C, N, H and Co (so an adsorbate never joins).
private func phthalocyanines(_ s: Structure, _ bonds: [Bond]) -> [[Int]] {
    let adjacent = s.adjacency(bonds)
    let ring = Set(["C", "N"])
    let member: (Int) -> Bool = { i in
        ring.contains(s.species[i]) && adjacent[i].allSatisfy { ["C", "N", "H", "Co"].contains(s.species[$0]) }
    }
    return s.indices(of: "Co").map { co in
        var seen: Set<Int> = [co]
        var stack = adjacent[co].filter { s.species[$0] == "N" && member($0) }
        seen.formUnion(stack)
        while let a = stack.popLast() {
            for b in adjacent[a] where !seen.contains(b) && member(b) {
                seen.insert(b)
                stack.append(b)
            }
        }
        return seen.sorted()
    }
}

/// The largest empty slab (Å) between periodic images along each lattice direction.
private func vacuum(_ s: Structure) -> [Double] {
    let spacings = s.lattice.planeSpacings
    return (0..<3).map { k in
        let f = s.fractionalPositions.map { x in x[k] - x[k].rounded(.down) }.sorted()
        guard let first = f.first, let last = f.last else { return 0 }
        var gap = first + 1 - last
        for (a, b) in zip(f, f.dropFirst()) { gap = max(gap, b - a) }
        return gap * spacings[k]
    }
}

/// N–H···X hydrogen bonds from the NH₂ groups to atoms in `acceptors`: H···X ≤ 2.6 Å, N–H···X ≥ 120°.
private func hydrogenBonds(_ s: Structure, _ bonds: [Bond], acceptors: [Int]) -> [(h: Int, x: Int, distance: Double)] {
    let adjacent = s.adjacency(bonds)
    var found: [(h: Int, x: Int, distance: Double)] = []
    for h in s.indices(of: "H") {
        guard let n = adjacent[h].first(where: { s.species[$0] == "N" }) else { continue }
        for x in acceptors where s.distance(h, x) <= 2.6 && s.angle(n, h, x) >= 120 {
            found.append((h, x, s.distance(h, x)))
        }
    }
    return found
}

/// O atoms bonded to S: the anion's sulfonyl O (in any fragment).
private func sulfonylOxygens(_ s: Structure, _ bonds: [Bond]) -> [Int] {
    let adjacent = s.adjacency(bonds)
    return s.indices(of: "O").filter { o in adjacent[o].contains { s.species[$0] == "S" } }
}

private func expectWindow(_ values: [Double], _ low: Double, _ high: Double, _ what: String, _ name: String) {
    for v in values {
        #expect(v >= low && v <= high, "\(name): \(what) \(String(format: "%.3f", v)) outside \(low)–\(high)")
    }
}

// MARK: - Tests

@Suite("structures/")
struct StructuresTests {
    @Test("the index lists every structure of the study, each file present and commit-sized")
    func indexIsComplete() throws {
        let entries = try StudyStructures.entries()
        #expect(Set(entries.map(\.name)) == Set(StudyStructures.expected.keys))
        #expect(entries.count == StudyStructures.expected.count, "duplicate names")
        for e in entries {
            let path = StudyStructures.root + "/" + e.file
            let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            #expect(size < 100_000, "\(e.file) is \(size) bytes")
            #expect(!e.description.isEmpty)
        }
    }

    @Test("element counts, charge and multiplicity", arguments: StudyStructures.all)
    fileprivate func formulaChargeSpin(_ entry: StructureEntry) throws {
        let s = try StudyStructures.structure(entry)
        let want = try #require(StudyStructures.expected[entry.name])
        let counts = s.species.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        #expect(counts == want.counts, "\(entry.name): \(s.formula)")
        #expect(entry.charge == want.charge)
        #expect(entry.multiplicity == want.multiplicity)
        // 2S+1 must fit the electron count: N_e − (2S) even and 2S ≤ N_e.
        let z = s.elements.compactMap { $0?.atomicNumber }.reduce(0, +)
        let electrons = z - entry.charge
        #expect((electrons - (entry.multiplicity - 1)) % 2 == 0, "\(entry.name): \(electrons) electrons, 2S+1 = \(entry.multiplicity)")
        // Pathway states run with the moment free, every other system at fixed spin.
        let pathway = entry.name.range(of: #"-s[0-4]$"#, options: .regularExpression) != nil
        #expect(entry.spin == (pathway ? "free" : nil), "\(entry.name): spin \(entry.spin ?? "fixed")")
        // The initial moments (ferromagnetic, per element) add up to 2S at fixed spin; with the spin free
        // they are the metals' start and differ from the bookkeeping's 2S by at most the two excess electrons.
        let moments = (entry.magmom ?? [:]).reduce(0.0) { $0 + $1.value * Double(counts[$1.key] ?? 0) }
        if entry.spin == "free" {
            #expect(abs(moments - Double(entry.multiplicity - 1)) <= 2 + 1e-9, "\(entry.name): MAGMOM sums to \(moments)")
        } else {
            #expect(abs(moments - Double(entry.multiplicity - 1)) < 1e-9, "\(entry.name): MAGMOM sums to \(moments)")
        }
    }

    @Test("fixed atoms are the F F F atoms of Selective dynamics", arguments: StudyStructures.all)
    fileprivate func fixedAtoms(_ entry: StructureEntry) throws {
        let s = try StudyStructures.structure(entry)
        #expect(entry.fixed.allSatisfy { $0 >= 0 && $0 < s.count })
        guard let flags = s.selectiveDynamics else {
            #expect(entry.fixed.isEmpty, "\(entry.name): fixed atoms but no Selective dynamics")
            return
        }
        let frozen = flags.indices.filter { flags[$0] == .fixed }
        #expect(frozen == entry.fixed.sorted())
        #expect(flags.allSatisfy { $0 == .fixed || $0 == .free })
    }

    @Test("bond lengths and angles in windows that accept DFT and GFN2 geometries", arguments: StudyStructures.all)
    fileprivate func bondWindows(_ entry: StructureEntry) throws {
        let s = try StudyStructures.structure(entry)
        let bonds = s.bonds(scale: 1.2)
        let n = entry.name
        // Pathway states (charge −2) hold the anion next to a doubly reduced catalyst (s0) and then the
        // fragments of the reduced anion, not TFSI⁻: CF₃SO₂N•⁻ (S–N with double-bond character, down to
        // ≈ 1.45 Å), CF₃SO₂⁻ and SO₂ (S–O up to ≈ 1.52 Å, the triflinate S–C long), CF₃⁻ and CF₂•⁻ (C–F
        // up to ≈ 1.50 Å). Every other file keeps the TFSI⁻ windows.
        let fragments = n.range(of: #"-s[0-4]$"#, options: .regularExpression) != nil
        expectWindow(s.lengths(bonds, "C", "F"), 1.30, fragments ? 1.50 : 1.38, "C–F", n)
        expectWindow(s.lengths(bonds, "S", "N"), fragments ? 1.45 : 1.54, 1.63, "S–N", n)
        expectWindow(s.lengths(bonds, "S", "O"), 1.40, fragments ? 1.52 : 1.48, "S=O", n)
        expectWindow(s.lengths(bonds, "S", "C"), 1.78, fragments ? 2.05 : 1.95, "S–C", n)
        expectWindow(s.lengths(bonds, "N", "H"), 0.99, 1.04, "N–H", n)
        // Pathway Li⁺ contacts are held at ≥ 1.8 Å; the Li of LiF (s4) keeps weaker Li–O contacts up to ≈ 2.2 Å.
        expectWindow(s.lengths(bonds, "Li", "O"), fragments ? 1.80 : 1.60, fragments ? 2.25 : 2.10, "Li–O", n)
        let adjacent = s.adjacency(bonds)
        for nitrogen in s.indices(of: "N") {
            let sulfurs = adjacent[nitrogen].filter { s.species[$0] == "S" }
            if sulfurs.count == 2 {
                // s0's anion next to the doubly reduced MOF opens to 133–134° in GFN2 (DFT ≈ 125°).
                expectWindow([s.angle(sulfurs[0], nitrogen, sulfurs[1])], 105, fragments ? 140 : 130, "S–N–S", n)
            }
        }
        for co in s.indices(of: "Co") {
            let d = adjacent[co].filter { s.species[$0] == "N" }.map { s.distance(co, $0) }
            #expect(d.count == 4, "\(n): Co has \(d.count) N neighbours")
            expectWindow(d, 1.85, 1.97, "Co–N", n)
            #expect((d.max() ?? 0) - (d.min() ?? 0) <= 0.02, "\(n): Co–N \(d)")
        }
        let iron = s.indices(of: "Fe")
        guard !iron.isEmpty else { return }
        for o in s.indices(of: "O") {
            let fe = adjacent[o].filter { s.species[$0] == "Fe" }
            if fe.count == 3 {
                expectWindow(fe.map { s.distance($0, o) }, 1.85, 2.00, "Fe–O(μ3)", n)
                for (a, b) in [(0, 1), (0, 2), (1, 2)] {
                    expectWindow([s.distance(fe[a], fe[b])], 3.20, 3.45, "Fe···Fe", n)
                }
            } else if fe.count == 1, adjacent[o].contains(where: { s.species[$0] == "C" }) {
                expectWindow([s.distance(fe[0], o)], 1.95, 2.15, "Fe–O(carboxylate)", n)
            }
        }
        #expect(s.indices(of: "O").contains { o in adjacent[o].filter { s.species[$0] == "Fe" }.count == 3 }, "\(n): no μ3-O")
    }

    @Test("no two atoms closer than 0.75 × the sum of covalent radii", arguments: StudyStructures.all)
    fileprivate func noClashes(_ entry: StructureEntry) throws {
        let s = try StudyStructures.structure(entry)
        let close = s.bonds(scale: 0.75).map { "\(s.species[$0.i])\($0.i)–\(s.species[$0.j])\($0.j) \($0.length)" }
        #expect(close.isEmpty, "\(entry.name): \(close)")
        // Every H has exactly one covalent partner.
        let adjacent = s.adjacency(s.bonds(scale: 1.2))
        for h in s.indices(of: "H") {
            #expect(adjacent[h].count == 1, "\(entry.name): H\(h) has \(adjacent[h].count) bonds")
        }
    }

    @Test("≥ 10 Å of vacuum between periodic images along every axis", arguments: StudyStructures.all)
    fileprivate func vacuumAroundMolecule(_ entry: StructureEntry) throws {
        let s = try StudyStructures.structure(entry)
        for (k, gap) in vacuum(s).enumerated() {
            #expect(gap >= 10, "\(entry.name): \(gap) Å of vacuum along axis \(k)")
        }
    }

    @Test("every CoPc is planar (heavy-atom RMS < 0.05 Å)", arguments: StudyStructures.all)
    fileprivate func phthalocyaninePlanar(_ entry: StructureEntry) throws {
        let s = try StudyStructures.structure(entry)
        let positions = s.positions
        for ring in phthalocyanines(s, s.bonds(scale: 1.2)) {
            #expect(ring.count == 41, "\(entry.name): CoPc core of \(ring.count) heavy atoms")
            let plane = bestPlane(ring.map { positions[$0] })
            #expect(plane.rms < 0.05, "\(entry.name): CoPc plane RMS \(plane.rms) Å")
        }
    }

    @Test("LiTFSI: Li bidentate to one O of each SO2 group")
    func lithiumBidentate() throws {
        let s = try StudyStructures.structure(named: "litfsi")
        let bonds = s.bonds(scale: 1.2)
        let adjacent = s.adjacency(bonds)
        let li = try #require(s.indices(of: "Li").first)
        let oxygens = adjacent[li].filter { s.species[$0] == "O" }
        #expect(oxygens.count == 2)
        let sulfurs = Set(oxygens.compactMap { o in adjacent[o].first { s.species[$0] == "S" } })
        #expect(sulfurs.count == 2, "the two O must sit on different S atoms")
    }

    @Test("TFSI⁻ on the MOF: O=S→Fe³⁺ and N–H···O/F", arguments: ["tfsi-on-mof", "tfsi-on-mof-copc", "mof-s0", "mof-copc-s0"])
    func adsorbedOnIron(_ name: String) throws {
        let s = try StudyStructures.structure(named: name)
        let bonds = s.bonds(scale: 1.2)
        let oxygens = sulfonylOxygens(s, bonds)
        let feO = s.indices(of: "Fe").flatMap { fe in oxygens.map { s.distance(fe, $0) } }.min() ?? .infinity
        #expect(feO >= 1.95 && feO <= 2.50, "\(name): Fe–O(S) \(feO)")
        let acceptors = s.species.indices.filter { i in
            (s.species[i] == "F") || oxygens.contains(i)
        }
        #expect(!hydrogenBonds(s, bonds, acceptors: acceptors).isEmpty, "\(name): no N–H···O/F hydrogen bond")
    }

    @Test("TFSI⁻ on CoPc: a sulfonyl O over Co", arguments: ["tfsi-on-copc", "copc-s0"])
    func adsorbedOnCobalt(_ name: String) throws {
        let s = try StudyStructures.structure(named: name)
        let oxygens = sulfonylOxygens(s, s.bonds(scale: 1.2))
        let co = try #require(s.indices(of: "Co").first)
        let d = oxygens.map { s.distance(co, $0) }.min() ?? .infinity
        #expect(d >= 2.0 && d <= 3.2, "\(name): Co···O(S) \(d)")
    }

    @Test("MOF@CoPc: CoPc π-stacked 3.3–3.5 Å over an aminobenzoate ring", arguments: ["mof-copc", "tfsi-on-mof-copc"])
    func piStacked(_ name: String) throws {
        let s = try StudyStructures.structure(named: name)
        let bonds = s.bonds(scale: 1.2)
        let positions = s.positions
        let core = try #require(phthalocyanines(s, bonds).first)
        let plane = bestPlane(core.map { positions[$0] })
        let co = try #require(s.indices(of: "Co").first)
        // six-membered all-carbon rings of the MOF: C atoms not in the CoPc, grouped by connectivity
        let adjacent = s.adjacency(bonds)
        let linkerC = s.indices(of: "C").filter { !core.contains($0) && adjacent[$0].filter { s.species[$0] == "C" }.count >= 2 }
        var best = Double.infinity
        for c in linkerC {
            // the benzene ring of c: c and the linker C atoms within 2.9 Å (ortho, meta, para)
            let ring = linkerC.filter { (positions[$0] - positions[c]).length < 2.9 }
            guard ring.count == 6 else { continue }
            let centroid = ring.map { positions[$0] }.reduce(SIMD3<Double>(), +) / 6
            let height = abs((centroid - plane.centroid).dot(plane.normal))
            let inPlane = ((centroid - positions[co]) - (centroid - positions[co]).dot(plane.normal) * plane.normal).length
            if inPlane < 6.0 { best = min(best, height) }
        }
        #expect(best >= 3.3 && best <= 3.5, "\(name): ring–CoPc interplanar distance \(best)")
    }

    @Test("CoPc dimer: parallel planes 3.3–3.5 Å apart")
    func dimerStack() throws {
        let s = try StudyStructures.structure(named: "copc-dimer")
        let positions = s.positions
        let cores = phthalocyanines(s, s.bonds(scale: 1.2))
        #expect(cores.count == 2)
        guard cores.count == 2 else { return }
        let lower = bestPlane(cores[0].map { positions[$0] })
        let upper = bestPlane(cores[1].map { positions[$0] })
        #expect(abs(lower.normal.dot(upper.normal)) > cos(5 * Double.pi / 180))
        let gap = abs((upper.centroid - lower.centroid).dot(lower.normal))
        #expect(gap >= 3.3 && gap <= 3.5, "interplanar \(gap)")
    }

    @Test(
        "pathway states s0…s4: same atoms in the same order, the same cell and fixed atoms, modest steps",
        arguments: StudyStructures.catalysts)
    func pathwayCorrespondence(_ catalyst: String) throws {
        let states = try (0...4).map { try StudyStructures.structure(named: "\(catalyst)-s\($0)") }
        let entries = StudyStructures.all.filter { $0.name.hasPrefix("\(catalyst)-s") }
        #expect(entries.count == 5)
        #expect(Set(entries.map(\.fixed)).count == 1, "fixed atoms differ between states")
        // One charge along the pathway (NEB end points share the electron count); the spin is free and
        // 2S changes by at most 2 per step (one electron moves from the catalyst to the anion).
        #expect(Set(entries.map(\.charge)) == [StudyStructures.pathwayCharge])
        #expect(entries.allSatisfy { $0.spin == "free" })
        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
        let multiplicities = (0...4).compactMap { byName["\(catalyst)-s\($0)"]?.multiplicity }
        for (a, b) in zip(multiplicities, multiplicities.dropFirst()) {
            #expect(abs(a - b) <= 2, "\(catalyst): 2S+1 \(multiplicities)")
        }
        let fixed = entries.first?.fixed ?? []
        for (a, b) in zip(states, states.dropFirst()) {
            #expect(a.species == b.species)
            #expect(a.lattice == b.lattice)
            guard a.species == b.species else { continue }
            let pa = a.positions
            let pb = b.positions
            let moves = zip(pa, pb).map { (a.lattice.minimumImage($1 - $0)).length }
            let largest = moves.max() ?? 0
            #expect(largest > 0.5 && largest <= 4.0, "\(catalyst): largest displacement \(largest) Å")
            #expect(fixed.allSatisfy { moves[$0] < 1e-6 }, "\(catalyst): a fixed atom moved")
        }
    }

    @Test(
        "pathway bonds: S–N broken in s1, S–CF3 in s2, one C–F in s3, Li–F formed in s4",
        arguments: StudyStructures.catalysts)
    func pathwayBonds(_ catalyst: String) throws {
        // (S–N, S–C, C–F) bond counts of s0…s4
        let want = [(2, 2, 6), (1, 2, 6), (1, 1, 6), (1, 1, 5), (1, 1, 5)]
        for (k, w) in want.enumerated() {
            let s = try StudyStructures.structure(named: "\(catalyst)-s\(k)")
            let b = s.bonds(scale: 1.2)
            let got = (s.count(b, "S", "N"), s.count(b, "S", "C"), s.count(b, "C", "F"))
            #expect(got == w, "\(catalyst)-s\(k): (S–N, S–C, C–F) = \(got), want \(w)")
            // The F cut from carbon in s3 is bonded to nothing in s3 and to Li in s4.
            let adjacent = s.adjacency(b)
            let free = s.indices(of: "F").filter { f in !adjacent[f].contains { s.species[$0] == "C" } }
            #expect(free.count == (k >= 3 ? 1 : 0), "\(catalyst)-s\(k): \(free.count) F atoms without C")
            for f in free {
                let partners = adjacent[f].map { s.species[$0] }
                #expect(partners == (k == 4 ? ["Li"] : []), "\(catalyst)-s\(k): free F bonded to \(partners)")
            }
        }
    }

    @Test(
        "pathway declarations: broken/formed pairs hold at 1.25 × Σ covalent radii, cumulative; Li contacts ≥ 1.8 Å",
        arguments: StudyStructures.catalysts)
    func pathwayDeclarations(_ catalyst: String) throws {
        let factor = 1.25  // Cascade tabulate's default bond factor
        let entries = try (0...4).map { k in
            try #require(StudyStructures.all.first { $0.name == "\(catalyst)-s\(k)" })
        }
        let states = try entries.map { try StudyStructures.structure($0) }
        let s0 = states[0]
        func bonded(_ s: Structure, _ pair: [Int]) -> Bool {
            let r = pair.map { s.elements[$0]?.covalentRadius ?? 0 }
            return s.distance(pair[0], pair[1]) <= factor * (r[0] + r[1])
        }
        // (broken, formed) counts of s0…s4: N–S, S–C, C–F broken in turn; Li–F formed in s4.
        let want = [(0, 0), (1, 0), (2, 0), (3, 0), (3, 1)]
        var previous: Set<[Int]> = []
        for (k, (entry, s)) in zip(entries, states).enumerated() {
            let broken = (entry.broken ?? []).map { $0.sorted() }
            let formed = (entry.formed ?? []).map { $0.sorted() }
            #expect((broken.count, formed.count) == want[k], "\(entry.name): \(broken.count) broken, \(formed.count) formed")
            #expect(previous.isSubset(of: Set(broken)), "\(entry.name): not cumulative")
            previous = Set(broken)
            for pair in broken + formed {
                #expect(pair.count == 2 && pair.allSatisfy { $0 >= 0 && $0 < s.count }, "\(entry.name): pair \(pair)")
            }
            for pair in broken where pair.count == 2 {
                #expect(
                    bonded(s0, pair) && !bonded(s, pair),
                    "\(entry.name): \(s.species[pair[0]])\(pair[0])–\(s.species[pair[1]])\(pair[1]) \(s.distance(pair[0], pair[1])) Å (s0 \(s0.distance(pair[0], pair[1])) Å)"
                )
            }
            for pair in formed where pair.count == 2 {
                #expect(
                    !bonded(s0, pair) && bonded(s, pair),
                    "\(entry.name): \(s.species[pair[0]])\(pair[0])–\(s.species[pair[1]])\(pair[1]) \(s.distance(pair[0], pair[1])) Å")
            }
            // Li⁺ contacts with O, N, F no shorter than 1.8 Å (GFN2 alone puts them at 1.60–1.70 Å).
            for li in s.indices(of: "Li") {
                for j in s.species.indices where ["O", "N", "F"].contains(s.species[j]) {
                    #expect(s.distance(li, j) >= 1.8, "\(entry.name): Li–\(s.species[j])\(j) \(s.distance(li, j)) Å")
                }
            }
        }
        // The pairs name the atoms that change: N–S, S–C, C–F, then Li–F.
        let last = entries[4]
        let kinds = ((last.broken ?? []) + (last.formed ?? [])).map { p in p.map { states[4].species[$0] }.sorted() }
        #expect(kinds == [["N", "S"], ["C", "S"], ["C", "F"], ["F", "Li"]], "\(catalyst)-s4: \(kinds)")
    }
}

/// The bundled manifest's d-band site: atom 2 is the open-site Fe in every file that holds the MOF cluster.
@Suite struct OpenSiteIndexTests {
    @Test(arguments: ["catalysts/mof.vasp", "catalysts/mof-copc.vasp", "adsorbed/tfsi-on-mof.vasp", "adsorbed/tfsi-on-mof-copc.vasp"])
    func atomTwoIsTheOpenFe(_ file: String) throws {
        let s = try Poscar.read(path: StudyFixture.packageRoot + "/structures/" + file).structure
        let oxygens = s.species.indices.filter { s.species[$0] == "O" }
        let coordination = (0..<3).map { fe in oxygens.filter { s.distance(fe, $0) < 2.5 }.count }
        #expect(s.species[0..<3].allSatisfy { $0 == "Fe" })
        let sulfonyl = oxygens.filter { o in s.species.indices.contains { s.species[$0] == "S" && s.distance($0, o) < 1.7 } }
        if file.hasPrefix("catalysts/") {
            #expect(coordination == [6, 6, 5], "\(coordination)")
        } else {
            #expect(sulfonyl.contains { s.distance(2, $0) < 2.5 } && !sulfonyl.contains { s.distance(0, $0) < 2.5 || s.distance(1, $0) < 2.5 })
        }
    }
}
