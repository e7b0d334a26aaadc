import Testing

@testable import Chemistry

@Suite struct LatticeTests {
    /// Hexagonal a = b = 3 Å, c = 5 Å, γ = 120°.
    let hexagonal = Lattice(a: SIMD3(3, 0, 0), b: SIMD3(-1.5, 1.5 * 3.0.squareRoot(), 0), c: SIMD3(0, 0, 5))
    /// Triclinic cell with rows (4,0,0), (1,3,0), (0.5,1,5).
    let triclinic = Lattice(a: SIMD3(4, 0, 0), b: SIMD3(1, 3, 0), c: SIMD3(0.5, 1, 5))

    @Test func hexagonalParameters() {
        #expect(isClose(hexagonal.lengths, SIMD3(3, 3, 5)))
        #expect(isClose(hexagonal.angles, SIMD3(90, 90, 120)))
        // V = a² c sin 120° = 9 · 5 · √3/2
        #expect(isClose(hexagonal.volume, 38.97114317029974))
        #expect(hexagonal.signedVolume > 0)
    }

    @Test func triclinicParameters() {
        // V = det of a lower-triangular matrix = 4 · 3 · 5
        #expect(isClose(triclinic.volume, 60))
        // |b| = √10, |c| = √26.25
        #expect(isClose(triclinic.lengths, SIMD3(4, 10.0.squareRoot(), 26.25.squareRoot())))
        // cos α = b·c/(|b||c|) = 3.5/√262.5, cos β = 2/(4√26.25), cos γ = 4/(4√10)
        #expect(isClose(triclinic.angles.x, 77.5243494536475, tolerance: 1e-9))
        #expect(isClose(triclinic.angles.y, 84.39959081518339, tolerance: 1e-9))
        #expect(isClose(triclinic.angles.z, 71.56505117707799, tolerance: 1e-9))
    }

    @Test func leftHandedCellHasPositiveVolume() {
        let left = Lattice(a: SIMD3(0, 2, 0), b: SIMD3(2, 0, 0), c: SIMD3(0, 0, 2))
        #expect(left.signedVolume == -8)
        #expect(left.volume == 8)
    }

    @Test(arguments: [0, 1])
    func reciprocalTimesDirectIsIdentity(which: Int) {
        let lattice = which == 0 ? hexagonal : triclinic
        let direct = [lattice.a, lattice.b, lattice.c]
        let rec = lattice.reciprocal
        let reciprocal = [rec.a, rec.b, rec.c]
        for i in 0..<3 {
            for j in 0..<3 {
                #expect(isClose(direct[i].dot(reciprocal[j]), i == j ? 1 : 0, tolerance: 1e-12))
            }
        }
    }

    @Test func fractionalCartesianRoundTrip() {
        var g = SeededGenerator(seed: 7)
        for lattice in [hexagonal, triclinic] {
            for _ in 0..<200 {
                let f = randomVector(3, using: &g)
                let r = lattice.cartesian(f)
                #expect(isClose(lattice.fractional(r), f, tolerance: 1e-12))
                #expect(isClose(lattice.cartesian(lattice.fractional(r)), r, tolerance: 1e-11))
            }
        }
        // A known point: fractional (½, ½, 0) of the hexagonal cell is (0.75, 1.299…, 0).
        #expect(isClose(hexagonal.cartesian(SIMD3(0.5, 0.5, 0)), SIMD3(0.75, 0.75 * 3.0.squareRoot(), 0)))
    }

    @Test func rowsInitializer() {
        #expect(Lattice(rows: triclinic.rows) == triclinic)
        #expect(Lattice(rows: [[1, 0, 0], [0, 1, 0]]) == nil)
        #expect(Lattice(rows: [[1, 0, 0], [0, 1], [0, 0, 1]]) == nil)
    }

    @Test func parametersInitializerRoundTrips() throws {
        let lengths = SIMD3(5.1, 6.3, 7.7)
        let angles = SIMD3(71.0, 97.0, 115.0)
        let lattice = try #require(Lattice(lengths: lengths, angles: angles))
        #expect(isClose(lattice.lengths, lengths, tolerance: 1e-12))
        #expect(isClose(lattice.angles, angles, tolerance: 1e-10))
        #expect(lattice.signedVolume > 0)
        #expect(lattice.a.y == 0 && lattice.a.z == 0 && lattice.b.z == 0)
        // Impossible angles (α > β + γ) and bad lengths give nil.
        #expect(Lattice(lengths: lengths, angles: SIMD3(170, 30, 30)) == nil)
        #expect(Lattice(lengths: SIMD3(0, 1, 1), angles: SIMD3(90, 90, 90)) == nil)
    }

    @Test func planeSpacings() {
        // Orthorhombic: spacings are the edges.
        #expect(isClose(Lattice.orthorhombic(2, 3, 4).planeSpacings, SIMD3(2, 3, 4)))
        // Hexagonal a = 3: spacing between (100) planes is a·sin 120°.
        let s = hexagonal.planeSpacings
        #expect(isClose(s.x, 3 * 3.0.squareRoot() / 2) && isClose(s.y, 3 * 3.0.squareRoot() / 2))
        #expect(isClose(s.z, 5))
        // Spacing × face area = volume for every face.
        let t = triclinic
        #expect(isClose(t.planeSpacings.x * t.b.cross(t.c).length, t.volume, tolerance: 1e-10))
        #expect(isClose(t.planeSpacings.z * t.a.cross(t.b).length, t.volume, tolerance: 1e-10))
    }

    /// Shortest of `d + n·(a,b,c)` over n ∈ −range…range.
    func bruteForceMinimumImage(_ lattice: Lattice, _ d: SIMD3<Double>, range: Int) -> SIMD3<Double> {
        var best = d
        for i in -range...range {
            for j in -range...range {
                for k in -range...range {
                    let v = d + Double(i) * lattice.a + Double(j) * lattice.b + Double(k) * lattice.c
                    if v.lengthSquared < best.lengthSquared { best = v }
                }
            }
        }
        return best
    }

    /// The common shortcut: wrap the fractional displacement into [−½, ½), then try the 27
    /// neighbouring images. Not exact for strongly sheared cells.
    func wrapAndTry27(_ lattice: Lattice, _ d: SIMD3<Double>) -> SIMD3<Double> {
        var f = lattice.fractional(d)
        f -= f.rounded(.toNearestOrEven)
        return bruteForceMinimumImage(lattice, lattice.cartesian(f), range: 1)
    }

    /// Displacements `cartesian(f)` with f in [−1, 1]³: for the first three cells every shorter
    /// image lies within ±3 cells (the search window after wrapping is < 1.8 cells), so the
    /// −3…3 brute force is a valid reference; the sheared cell needs a wider one.
    static let skewedCells: [(String, Lattice, Int)] = [
        ("gamma 60", Lattice(lengths: SIMD3(3, 3, 8), angles: SIMD3(90, 90, 60))!, 3),
        ("gamma 120", Lattice(lengths: SIMD3(3, 3, 8), angles: SIMD3(90, 90, 120))!, 3),
        ("triclinic", Lattice(lengths: SIMD3(4, 5, 6), angles: SIMD3(70, 110, 65))!, 3),
        ("strongly sheared", Lattice(a: SIMD3(3, 0, 0), b: SIMD3(2.7, 1.2, 0), c: SIMD3(-1.4, 2.1, 2.5)), 6)
    ]

    @Test(arguments: skewedCells)
    func minimumImageMatchesBruteForce(name: String, lattice: Lattice, range: Int) {
        var g = SeededGenerator(seed: 2024)
        var lengthMismatches = 0
        var notTranslates = 0
        var shortcutFailures = 0
        for trial in 0..<1000 {
            // Mostly displacements across a cell or two, some tiny ones.
            let d = lattice.cartesian(randomVector(trial % 10 == 0 ? 0.05 : 1, using: &g))
            let fast = lattice.minimumImage(d)
            let slow = bruteForceMinimumImage(lattice, d, range: range)
            if !isClose(fast.length, slow.length, tolerance: 1e-9) { lengthMismatches += 1 }
            // The result is a lattice translate of d.
            let shift = lattice.fractional(fast - d)
            if !isClose(shift, shift.rounded(.toNearestOrEven), tolerance: 1e-9) { notTranslates += 1 }
            if wrapAndTry27(lattice, d).length > slow.length + 1e-9 { shortcutFailures += 1 }
        }
        #expect(lengthMismatches == 0, "\(name)")
        #expect(notTranslates == 0, "\(name)")
        if name == "strongly sheared" {
            // The cell really is hard: the 27-image shortcut misses the minimum image here.
            #expect(shortcutFailures > 0)
        }
    }

    @Test func minimumImageAcrossBoundary() {
        let box = Lattice.cubic(10)
        #expect(isClose(box.minimumImage(SIMD3(9.5, 0, 0)), SIMD3(-0.5, 0, 0)))
        #expect(isClose(box.distance(SIMD3(0.01, 0.5, 0.5), SIMD3(0.99, 0.5, 0.5)), 0.2))
    }

    @Test func degenerateCellDoesNotCrash() {
        let flat = Lattice(a: SIMD3(1, 0, 0), b: SIMD3(2, 0, 0), c: SIMD3(0, 0, 1))
        let d = SIMD3(0.3, 0.4, 0.5)
        #expect(flat.minimumImage(d) == d)
    }
}
