import Analysis
import Chemistry
import Foundation
import Testing

/// A molecule of `species` at Cartesian `positions` in a cubic box of edge `edge` Å.
private func boxed(_ species: [String], _ positions: [SIMD3<Double>], edge: Double = 12, fixed: Set<Int> = []) -> Structure {
    let flags: [MovableAxes]? = fixed.isEmpty ? nil : species.indices.map { fixed.contains($0) ? .fixed : .free }
    return Structure(lattice: .cubic(edge), species: species, cartesianPositions: positions, selectiveDynamics: flags)
}

/// Rotation by `degrees` about z through `centre`.
private func rotated(_ r: SIMD3<Double>, degrees: Double, about centre: SIMD3<Double>) -> SIMD3<Double> {
    let t = degrees * Double.pi / 180
    let d = r - centre
    let c = cos(t)
    let s = sin(t)
    return centre + SIMD3(c * d.x - s * d.y, s * d.x + c * d.y, d.z)
}

/// Distance between two images' Cartesian positions (Å, root of the summed squares).
private func separation(_ a: Structure, _ b: Structure) -> Double {
    zip(a.cartesianPositions, b.cartesianPositions).reduce(0) { $0 + ($1.0 - $1.1).lengthSquared }.squareRoot()
}

@Suite struct ImageInterpolationTests {
    @Test func linearImagesCrossTheCellFaceNotTheCell() throws {
        let a = boxed(["H", "O"], [SIMD3(9.5, 5, 5), SIMD3(5, 5, 5)], edge: 10)
        let b = boxed(["H", "O"], [SIMD3(0.5, 5, 5), SIMD3(5, 5, 5)], edge: 10)
        let path = try linearImages(from: a, to: b, intermediate: 1)
        #expect(path.images.count == 3)
        let middle = path.images[1].cartesianPositions[0]
        // Through the face at x = 10 (≡ 0), 0.5 Å from either end point; never x = 5 across the cell.
        let wrapped = middle.x - 10 * (middle.x / 10).rounded(.down)
        #expect(abs(wrapped) < 1e-9 || abs(wrapped - 10) < 1e-9)
        #expect(abs(path.displacements[0] - 1.0) < 1e-12)
        #expect(path.warnings.isEmpty)
    }

    @Test func linearImagesAreEvenlySpacedAndKeepTheEndPoints() throws {
        let a = boxed(["C", "O"], [SIMD3(5, 5, 5), SIMD3(6.2, 5, 5)])
        let b = boxed(["C", "O"], [SIMD3(5, 6, 5), SIMD3(7.2, 5.5, 5)])
        let path = try linearImages(from: a, to: b, intermediate: 4)
        #expect(path.images.count == 6)
        #expect(path.images.first == a)
        #expect(path.images.last == b)
        for k in 1...4 {
            let expected = SIMD3(5.0, 5 + Double(k) / 5, 5)
            #expect((path.images[k].cartesianPositions[0] - expected).length < 1e-9)
        }
        let gaps = (0..<5).map { separation(path.images[$0], path.images[$0 + 1]) }
        #expect((gaps.max() ?? 0) - (gaps.min() ?? 1) < 1e-9)
    }

    @Test func atomCorrespondenceIsChecked() {
        let a = boxed(["C", "O"], [SIMD3(5, 5, 5), SIMD3(6.2, 5, 5)])
        let swapped = boxed(["O", "C"], [SIMD3(6.2, 5, 5), SIMD3(5, 5, 5)])
        #expect(throws: ImageInterpolationError.speciesMismatch(index: 0, initial: "C", final: "O")) {
            try linearImages(from: a, to: swapped, intermediate: 3)
        }
        let three = boxed(["C", "O", "O"], [SIMD3(5, 5, 5), SIMD3(6.2, 5, 5), SIMD3(3.8, 5, 5)])
        #expect(throws: ImageInterpolationError.atomCountMismatch(initial: 2, final: 3)) {
            try linearImages(from: a, to: three, intermediate: 3)
        }
        let bigger = boxed(["C", "O"], [SIMD3(5, 5, 5), SIMD3(6.2, 5, 5)], edge: 13)
        #expect(throws: ImageInterpolationError.self) { try idppImages(from: a, to: bigger, intermediate: 3) }
        #expect(throws: ImageInterpolationError.noImages(requested: 0)) { try linearImages(from: a, to: a, intermediate: 0) }
    }

    @Test func farMovingAtomsAreReported() throws {
        let a = boxed(["C", "O", "H"], [SIMD3(5, 5, 5), SIMD3(6.2, 5, 5), SIMD3(4, 5, 5)])
        let b = boxed(["C", "O", "H"], [SIMD3(5, 5, 5), SIMD3(6.2, 5, 5), SIMD3(4, 9.5, 5)])
        let path = try linearImages(from: a, to: b, intermediate: 3)
        #expect(path.warnings.count == 1)
        #expect(path.warnings.first?.contains("H2 4.5 Å") == true)
        let quiet = try linearImages(from: a, to: b, intermediate: 3, options: ImageInterpolationOptions(displacementWarning: 5))
        #expect(quiet.warnings.isEmpty)
    }

    /// A bent triatomic turning 120° about its central atom: linear interpolation shortens both bonds
    /// to half their length at the midpoint; IDPP keeps them near their common length, with images
    /// about evenly spaced.
    @Test func idppKeepsBondsThroughARotation() throws {
        let centre = SIMD3(6.0, 6, 6)
        let start = [centre, centre + SIMD3(1.0, 0, 0), centre + SIMD3(-0.5, 0.8, 0)]
        let end = start.map { rotated($0, degrees: 120, about: centre) }
        let a = boxed(["O", "H", "H"], start)
        let b = boxed(["O", "H", "H"], end)
        let linear = try linearImages(from: a, to: b, intermediate: 5)
        let idpp = try idppImages(from: a, to: b, intermediate: 5)
        #expect(idpp.converged)
        #expect(idpp.iterations > 0)
        let bond: (Structure) -> Double = { $0.distance(0, 1) }
        let linearShortest = linear.images.map(bond).min() ?? 0
        let idppShortest = idpp.images.map(bond).min() ?? 0
        #expect(linearShortest < 0.6)
        #expect(idppShortest > 0.95)
        #expect(idpp.images.allSatisfy { abs(bond($0) - 1) < 0.05 })
        let gaps = (0..<6).map { separation(idpp.images[$0], idpp.images[$0 + 1]) }
        #expect((gaps.max() ?? 0) / (gaps.min() ?? 1) < 1.1)
        #expect(idpp.images.first == a && idpp.images.last == b)
    }

    /// The same rotation relaxed by ASE 3.29 (`NEB(images, k=5)`, improved tangent,
    /// `idpp_interpolate(fmax=1e-4, optimizer=FIRE)`): the bands agree within 0.03 Å per atom.
    /// (The IDPP objective is invariant under rigid motions, so only the band, not a unique
    /// minimiser, is compared; tangent definitions differ slightly.)
    @Test func idppAgreesWithASE() throws {
        let centre = SIMD3(6.0, 6, 6)
        let start = [centre, centre + SIMD3(1.0, 0, 0), centre + SIMD3(-0.5, 0.8, 0)]
        let end = start.map { rotated($0, degrees: 120, about: centre) }
        let path = try idppImages(
            from: boxed(["O", "H", "H"], start), to: boxed(["O", "H", "H"], end), intermediate: 5,
            options: ImageInterpolationOptions(forceTolerance: 1e-5, maxIterations: 20000))
        let ase: [[SIMD3<Double>]] = [
            [SIMD3(5.974, 5.89721, 6), SIMD3(6.92197, 6.21562, 6), SIMD3(5.24541, 6.49653, 6)],
            [SIMD3(6.01453, 5.8532, 6), SIMD3(6.79127, 6.48303, 6), SIMD3(5.12233, 6.15978, 6)],
            [SIMD3(6.075, 5.86176, 6), SIMD3(6.57451, 6.72808, 6), SIMD3(5.13219, 5.82831, 6)],
            [SIMD3(6.11421, 5.90626, 6), SIMD3(6.27065, 6.89395, 6), SIMD3(5.2458, 5.53767, 6)],
            [SIMD3(6.10046, 5.96458, 6), SIMD3(5.90146, 6.9446, 6), SIMD3(5.41583, 5.31551, 6)]
        ]
        for k in 1...5 {
            for i in 0..<3 {
                #expect((path.images[k].cartesianPositions[i] - ase[k - 1][i]).length < 0.03)
            }
        }
        // The middle image is fixed by symmetry: there the two agree to 1e-3 Å.
        for i in 0..<3 { #expect((path.images[3].cartesianPositions[i] - ase[2][i]).length < 1e-3) }
    }

    @Test func idppHoldsFixedAtoms() throws {
        // A CF3 group turning about the C–S axis above two fixed atoms of a "surface".
        let s = SIMD3(6.0, 6, 6)
        let c = SIMD3(6.0, 6, 7.8)
        let fs = [SIMD3(1.3, 0, 0.45), SIMD3(-0.65, 1.126, 0.45), SIMD3(-0.65, -1.126, 0.45)].map { c + $0 }
        let base = [SIMD3(6.0, 6, 3.5), SIMD3(7.5, 6, 3.5)]
        let species = ["S", "C", "F", "F", "F", "Fe", "Fe"]
        let a = boxed(species, [s, c] + fs + base, edge: 14, fixed: [5, 6])
        let b = boxed(species, [s, c] + fs.map { rotated($0, degrees: 60, about: c) } + base, edge: 14, fixed: [5, 6])
        let idpp = try idppImages(from: a, to: b, intermediate: 3)
        for image in idpp.images {
            let r = image.cartesianPositions
            #expect((r[5] - base[0]).length < 1e-9)
            #expect((r[6] - base[1]).length < 1e-9)
            #expect(image.selectiveDynamics?[5] == .fixed)
        }
        // Free atoms did move off the straight line (the C–F bonds are kept instead).
        let linear = try linearImages(from: a, to: b, intermediate: 3)
        #expect(separation(linear.images[2], idpp.images[2]) > 0.05)
        #expect(idpp.images.allSatisfy { abs($0.distance(1, 2) - 1.3757) < 0.03 })
    }

    @Test func idppPairsAcrossTheBoundaryUseTheMinimumImage() throws {
        // The same molecule straddling the cell face: the result is the straight-box result shifted.
        let inside = boxed(["O", "H", "H"], [SIMD3(5, 5, 5), SIMD3(6, 5, 5), SIMD3(4.5, 5.8, 5)], edge: 10)
        let turned = boxed(["O", "H", "H"], inside.cartesianPositions.map { rotated($0, degrees: 90, about: SIMD3(5, 5, 5)) }, edge: 10)
        let shift = SIMD3(4.7, 0, 0)
        let move: (Structure) -> Structure = { s in
            Structure(
                lattice: s.lattice, species: s.species,
                cartesianPositions: s.cartesianPositions.map { r in
                    let x = r + shift
                    return SIMD3(x.x - 10 * (x.x / 10).rounded(.down), x.y, x.z)
                })
        }
        let plain = try idppImages(from: inside, to: turned, intermediate: 3)
        let straddling = try idppImages(from: move(inside), to: move(turned), intermediate: 3)
        for k in 1...3 {
            for i in 0..<3 {
                let d = plain.images[k].lattice.minimumImage(
                    straddling.images[k].cartesianPositions[i] - (plain.images[k].cartesianPositions[i] + shift))
                #expect(d.length < 1e-6)
            }
        }
    }
}
