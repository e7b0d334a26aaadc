import Chemistry
import Foundation
import TestSupport
import Testing
import VASP

@testable import Analysis

/// A grid over a cubic cell of edge `edge` Å with values f(i, j, k).
func volumetricTestGrid(_ d: SIMD3<Int>, edge: Double = 4, _ f: (Int, Int, Int) -> Double) -> VolumetricGrid {
    var values = ContiguousArray<Double>()
    for k in 0..<d.z { for j in 0..<d.y { for i in 0..<d.x { values.append(f(i, j, k)) } } }
    return VolumetricGrid(dimensions: d, lattice: .cubic(edge), values: values)!
}

@Suite struct VolumetricCorpusOperationTests {
    static let files = [
        "volumetric/atomate_Si_static/AECCAR0.gz", "volumetric/atomate_Si_static/AECCAR2.gz",
        "volumetric/atomate_Si_static/CHGCAR.gz", "volumetric/pymatgen/CHGCAR.nospin.gz",
        "volumetric/pymatgen/CHGCAR.spin.gz", "volumetric/pymatgen/ELFCAR.gz", "volumetric/pymatgen/LOCPOT.gz",
        "volumetric/pymatgen/LOCPOT.vasp642.gz"
    ]

    @Test func corpusPresentOnCI() {
        if Corpus.isCI {
            #expect(Corpus.available, "CI=true but the corpus is missing at \(Corpus.root)")
        }
    }

    /// pymatgen's get_average_along_axis(0, 1, 2) on the first block: every value (short profiles) or the
    /// first and last ten, and the sum, to 1e-9 relative.
    @Test(arguments: files)
    func planarAveragesAgreeWithPymatgen(_ relative: String) throws {
        guard Corpus.available else { return }
        let ref = try Corpus.reference(relative + ".json")
        let v = try Volumetric.read(path: Corpus.path(relative), maxBlocks: 1)
        let averages = try #require(ref["average_along_axis"] as? [String: [String: Any]])
        for axis in 0..<3 {
            let expected = try #require(averages[String(axis)])
            let ours = try planarAverage(v.total, axis: axis)
            #expect(ours.count == expected["n"] as? Int)
            let scale = ours.map(abs).max() ?? 1
            func close(_ a: [Double], _ b: [Double]?) -> Bool {
                guard let b, a.count == b.count else { return false }
                return zip(a, b).allSatisfy { abs($0 - $1) <= 1e-9 * scale }
            }
            if let values = expected["values"] as? [Double] {
                #expect(close(ours, values), "axis \(axis)")
            } else {
                #expect(close(Array(ours.prefix(10)), expected["first10"] as? [Double]), "axis \(axis) first 10")
                #expect(close(Array(ours.suffix(10)), expected["last10"] as? [Double]), "axis \(axis) last 10")
            }
            let sum = try #require(expected["sum"] as? Double)
            #expect(abs(ours.reduce(0, +) - sum) <= 1e-9 * max(abs(sum), scale))
        }
    }

    /// AECCAR0 + AECCAR2 of the Si static run: 31.2667331 e, and the values at the reference points.
    @Test func chgsumOfSiliconMatchesPymatgen() throws {
        guard Corpus.available else { return }
        let ref = try Corpus.reference("volumetric/atomate_Si_static/AECCAR0+AECCAR2_chgsum.json")
        let a0 = try Volumetric.read(path: Corpus.path("volumetric/atomate_Si_static/AECCAR0.gz"))
        let a2 = try Volumetric.read(path: Corpus.path("volumetric/atomate_Si_static/AECCAR2.gz"))
        let sum = try chargeSum(aeccar0: a0.total, aeccar2: a2.total)
        let electrons = try #require(ref["chgsum_total_sum_over_ngrid"] as? Double)
        #expect(abs(sum.mean - electrons) <= 1e-9 * electrons)
        #expect(abs(sum.mean - 31.2667331) < 1e-7)
        let total = try #require(ref["chgsum_total_sum"] as? Double)
        #expect(abs(sum.sum - total) <= 1e-9 * total)
        for point in try #require(ref["values_at_grid_points"] as? [[String: Any]]) {
            let ijk = try #require(point["ijk"] as? [Int])
            let expected = try #require(point["total"] as? Double)
            // A sum of two values read exactly: equal up to the last bit of the addition.
            #expect(abs(sum[ijk[0], ijk[1], ijk[2]] - expected) <= 1e-15 * abs(expected), "at \(ijk)")
        }
    }

    /// Trilinear interpolation and line profiles equal pymatgen's value_at and linear_slice (values from
    /// pymatgen 2026.10.24 on CHGCAR.spin.gz, first block).
    @Test func interpolationMatchesPymatgen() throws {
        guard Corpus.available else { return }
        let v = try Volumetric.read(path: Corpus.path("volumetric/pymatgen/CHGCAR.spin.gz"), maxBlocks: 1)
        let cases: [(SIMD3<Double>, Double)] = [
            (SIMD3(0.1, 0.2, 0.3), 0.7546651033685599), (SIMD3(0.5, 0.5, 0.5), 1.0714819973),
            (SIMD3(-0.13, 1.27, 0.999), 0.9367136715042812), (SIMD3(0, 0, 0), 0.44143837606)
        ]
        for (f, expected) in cases {
            #expect(abs(interpolate(v.total, at: f) - expected) <= 1e-13 * expected, "at \(f)")
        }
        let line = try lineProfile(v.total, from: .zero, to: SIMD3(0.5, 0.5, 0.5), points: 5)
        let expected = [0.44143837606, 0.52433459834, 0.73574007643, 1.000964611, 1.0714819973]
        #expect(zip(line.values, expected).allSatisfy { abs($0 - $1) <= 1e-12 * $1 })
        #expect(abs(line.length - v.structure.lattice.cartesian(SIMD3(0.5, 0.5, 0.5)).length) < 1e-12)
    }

    /// The ELF along the line between the two C atoms stacked along c in graphite (pymatgen linear_slice).
    @Test func elfBondProfile() throws {
        guard Corpus.available else { return }
        let v = try Volumetric.read(path: Corpus.path("volumetric/pymatgen/ELFCAR.gz"))
        let profile = try bondProfile(v.total, structure: v.structure, from: 0, to: 1, points: 5)
        let expected = [0.0036201, 0.308575, 0.0011016, 0.308575, 0.0036201]
        #expect(zip(profile.values, expected).allSatisfy { abs($0 - $1) <= 1e-12 })
        #expect(abs(profile.length - 4.342519) < 1e-9)
        #expect(profile.distance.first == 0)
        #expect(abs((profile.distance.last ?? 0) - profile.length) < 1e-12)
    }

    /// A spin-polarised CHGCAR: the magnetisation block integrates to its mean (μ_B) as pymatgen's diff.
    @Test func spinDensityTotals() throws {
        guard Corpus.available else { return }
        let ref = try Corpus.reference("volumetric/pymatgen/CHGCAR.spin.gz.json")
        let v = try Volumetric.read(path: Corpus.path("volumetric/pymatgen/CHGCAR.spin.gz"))
        let magnetization = try #require(v.grid(.magnetization))
        let expected = try #require(ref["diff_sum_over_ngrid"] as? Double)
        #expect(abs(try integratedCharge(magnetization, in: .cell) - expected) <= 1e-9 * abs(expected))
        let spins = try #require(v.spinDensities)
        #expect(abs(spins.up.mean + spins.down.mean - v.total.mean) < 1e-12)
        #expect(abs(spins.up.mean - spins.down.mean - expected) < 1e-12)
    }
}

@Suite struct VolumetricOperationTests {
    @Test func linearCombinationAndDifferentialDensitySign() throws {
        let whole = volumetricTestGrid(SIMD3(2, 3, 4)) { i, j, k in Double(i + 10 * j + 100 * k) }
        let a = volumetricTestGrid(SIMD3(2, 3, 4)) { i, _, _ in Double(i) }
        let b = volumetricTestGrid(SIMD3(2, 3, 4)) { _, j, _ in Double(10 * j) }
        let diff = try differentialDensity(whole: whole, parts: [a, b])
        // Δρ = whole − a − b = 100 k: positive (accumulation) everywhere above k = 0.
        #expect(diff[1, 2, 3] == 300)
        #expect(diff[1, 2, 0] == 0)
        let combination = try linearCombination([VolumetricTerm(2, a, label: "a"), VolumetricTerm(-0.5, b, label: "b")])
        #expect(combination[1, 2, 0] == 2 * 1 - 0.5 * 20)
    }

    @Test func mismatchedGridsAndCellsAreNamed() throws {
        let a = volumetricTestGrid(SIMD3(2, 2, 2)) { _, _, _ in 1 }
        let b = volumetricTestGrid(SIMD3(2, 2, 3)) { _, _, _ in 1 }
        #expect(throws: VolumetricError.gridMismatch(label: "B", found: SIMD3(2, 2, 3), reference: "AB", expected: SIMD3(2, 2, 2))) {
            try differentialDensity(whole: a, parts: [b], wholeLabel: "AB", partLabels: ["B"])
        }
        let message = VolumetricError.gridMismatch(label: "B", found: SIMD3(2, 2, 3), reference: "AB", expected: SIMD3(2, 2, 2)).description
        #expect(
            message
                == "the grid of B is 2×2×3, the grid of AB is 2×2×2: the operation needs identical grids (run every calculation with the same cell, ENCUT/PREC and NGXF/NGYF/NGZF)"
        )
        let c = volumetricTestGrid(SIMD3(2, 2, 2), edge: 4.001) { _, _, _ in 1 }
        #expect(throws: VolumetricError.self) { try chargeSum(aeccar0: a, aeccar2: c) }
        do {
            _ = try chargeSum(aeccar0: a, aeccar2: c)
        } catch {
            #expect(error.description.hasPrefix("the cell of AECCAR2 differs from the cell of AECCAR0 by up to 0.00100000"))
        }
        // Within the tolerance the operation goes through.
        #expect(try chargeSum(aeccar0: a, aeccar2: c, cellTolerance: 0.01).mean == 2)
        #expect(throws: VolumetricError.noGrids) { try linearCombination([]) }
    }

    @Test func planarProfileUnitsAndChargeDisplacement() throws {
        // Cell 4 × 4 × 4 Å, 2 × 2 × 4 grid; plane k holds ρ·V = k (so the cell holds mean 1.5 e).
        let grid = volumetricTestGrid(SIMD3(2, 2, 4)) { _, _, k in Double(k) }
        let p = try planarProfile(grid, axis: 2)
        #expect(p.average == [0, 1, 2, 3])
        #expect(p.position == [0, 1, 2, 3])
        #expect(p.fractional == [0, 0.25, 0.5, 0.75])
        #expect(p.density == [0, 1, 2, 3].map { $0 / 64 })
        #expect(p.linearDensity == [0, 0.25, 0.5, 0.75])
        #expect(p.cumulativeCharge == [0, 0.25, 0.75, 1.5])
        #expect(p.cumulativeCharge.last == grid.mean)
        // λ integrates to the charge: Σ λ·Δz = Q.
        #expect(p.linearDensity.reduce(0, +) * 1.0 == p.cumulativeCharge.last)
        #expect(throws: VolumetricError.invalidAxis(3)) { try planarAverage(grid, axis: 3) }
    }

    @Test func planeSpacingOfASkewedCell() throws {
        // a, b in the xy plane, c tilted: the height of plane k is k/n × (V / |a × b|), not k/n × |c|.
        let lattice = Lattice(a: SIMD3(3, 0, 0), b: SIMD3(0, 3, 0), c: SIMD3(1, 0, 5))
        let grid = VolumetricGrid(dimensions: SIMD3(1, 1, 5), lattice: lattice, repeating: 1)
        let p = try planarProfile(grid, axis: 2)
        #expect(abs(p.cellHeight - 5) < 1e-12)
        // Five grid planes over a 5 Å height: 1 Å between planes, not the 5 Å of the cell.
        #expect(abs(p.gridSpacing - 1) < 1e-12)
        #expect(abs(p.position[4] - 4) < 1e-12)
    }

    @Test func chargeInRegions() throws {
        // Uniform ρ·V = 2 on a 10³ grid in a 5 Å cube: 2 e in the cell, ρ = 2/125 e/Å³.
        let grid = volumetricTestGrid(SIMD3(10, 10, 10), edge: 5) { _, _, _ in 2 }
        #expect(try integratedCharge(grid, in: .cell) == 2)
        #expect(abs(try integratedCharge(grid, in: .slab(axis: 2, from: 0, to: 0.5)) - 1) < 1e-12)
        #expect(abs(try integratedCharge(grid, in: .slab(axis: 0, from: 0.8, to: 0.2)) - 0.8) < 1e-12)
        // A sphere of radius 1.2 Å around a grid point holds the grid points within 1.2 Å: 1 + 6 + 12 + 8 = 27
        // points at 0, 0.5, 0.71 and 0.87 Å, plus the 6 at 1.0 Å and 24 at 1.12 Å = 57 points.
        let sphere = try integratedCharge(grid, in: .sphere(center: SIMD3(0, 0, 0), radius: 1.2))
        #expect(abs(sphere - 57 * 2 / 1000) < 1e-12)
        // Periodic images: the same sphere centred at a corner of the cell counts the same points.
        let shifted = try integratedCharge(grid, in: .sphere(center: SIMD3(5, 5, 5), radius: 1.2))
        #expect(abs(shifted - sphere) < 1e-12)
        #expect(throws: VolumetricError.self) { try integratedCharge(grid, in: .sphere(center: .zero, radius: -1)) }
    }

    @Test func interpolationIsExactAtGridPointsAndLinearBetween() throws {
        let grid = volumetricTestGrid(SIMD3(4, 4, 4)) { i, j, k in Double(i + 2 * j + 3 * k) }
        #expect(interpolate(grid, at: SIMD3(0.25, 0.5, 0.75)) == 1 + 4 + 9)
        #expect(interpolate(grid, at: SIMD3(0.125, 0, 0)) == 0.5)
        // Wrapped: f = −0.25 is the plane i = 3.
        #expect(interpolate(grid, at: SIMD3(-0.25, 0, 0)) == 3)
        #expect(throws: VolumetricError.self) { try lineProfile(grid, from: .zero, to: .zero, points: 1) }
    }

    @Test func bondProfileUsesTheNearestImage() throws {
        let grid = volumetricTestGrid(SIMD3(10, 10, 10), edge: 10) { i, _, _ in Double(i) }
        let s = Structure(lattice: .cubic(10), species: ["C", "F"], fractionalPositions: [SIMD3(0.05, 0, 0), SIMD3(0.95, 0, 0)])
        let p = try bondProfile(grid, structure: s, from: 0, to: 1, points: 3)
        // Through the cell boundary: 1 Å long, from x = 0.5 Å to x = −0.5 Å.
        #expect(abs(p.length - 1) < 1e-12)
        #expect(abs(p.fractional[2].x - -0.05) < 1e-12)
        #expect(throws: VolumetricError.self) { try bondProfile(grid, structure: s, from: 0, to: 0) }
        #expect(throws: VolumetricError.self) { try bondProfile(grid, structure: s, from: 0, to: 5) }
    }
}
