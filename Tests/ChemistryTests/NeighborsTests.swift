import Testing

@testable import Chemistry

/// Distances of `neighbors` grouped into shells `[(distance, count)]` (tolerance 1e-6 Å).
func shells(_ neighbors: [Neighbor]) -> [(distance: Double, count: Int)] {
    var result: [(distance: Double, count: Int)] = []
    for n in neighbors.sorted(by: { $0.distance < $1.distance }) {
        if let last = result.last, abs(last.distance - n.distance) < 1e-6 {
            result[result.count - 1].count += 1
        } else {
            result.append((n.distance, 1))
        }
    }
    return result
}

@Suite struct NeighborsTests {
    static let a = 3.61
    let fccCu = Structure(
        lattice: .cubic(a), species: ["Cu", "Cu", "Cu", "Cu"],
        fractionalPositions: [SIMD3(0, 0, 0), SIMD3(0.5, 0.5, 0), SIMD3(0.5, 0, 0.5), SIMD3(0, 0.5, 0.5)])

    @Test func fccCopperHasTwelveNearestNeighbours() {
        let d = Self.a / 2.0.squareRoot()
        for i in 0..<4 {
            let n = fccCu.neighbors(of: i, cutoff: 2.6)
            #expect(n.count == 12)
            #expect(n.allSatisfy { isClose($0.distance, d, tolerance: 1e-9) && $0.i == i })
            #expect(n.allSatisfy { isClose($0.vector.length, $0.distance) })
        }
        // Second shell: 6 at a.
        let wider = shells(fccCu.neighbors(of: 0, cutoff: 3.7))
        #expect(wider.count == 2)
        #expect(wider.map(\.count) == [12, 6])
        #expect(isClose(wider.last?.distance ?? 0, Self.a))
        // Each unordered pair once: 4 × 12 / 2.
        #expect(fccCu.neighborList(cutoff: 2.6).count == 24)
    }

    @Test func primitiveFccCellFindsTwelveSelfImages() throws {
        let lattice = Lattice(
            a: SIMD3(0, Self.a / 2, Self.a / 2), b: SIMD3(Self.a / 2, 0, Self.a / 2), c: SIMD3(Self.a / 2, Self.a / 2, 0))
        let cu = Structure(lattice: lattice, species: ["Cu"], fractionalPositions: [.zero])
        let n = cu.neighbors(of: 0, cutoff: 2.6)
        #expect(n.count == 12)
        #expect(n.allSatisfy { $0.j == 0 && $0.image != .zero })
        let list = cu.neighborList(cutoff: 2.6)
        #expect(list.count == 6)
        // The list keeps one of each ±image pair.
        let images = Set(list.map(\.image))
        #expect(images.allSatisfy { !images.contains(0 &- $0) })
    }

    @Test func simpleCubicSelfImagesInASmallCell() {
        let s = Structure(lattice: .cubic(2), species: ["Po"], fractionalPositions: [SIMD3(0.3, 0.6, 0.1)])
        // Within 4.1 Å: 6 at 2, 12 at 2√2, 8 at 2√3, 6 at 4.
        let inner = shells(s.neighbors(of: 0, cutoff: 4.1))
        #expect(inner.map(\.count) == [6, 12, 8, 6])
        let expected = [2, 8.0.squareRoot(), 12.0.squareRoot(), 4]
        #expect(zip(inner.map(\.distance), expected).allSatisfy { isClose($0, $1, tolerance: 1e-9) })
        // Within 4.5 Å the next shell, 24 images at 2√5 = 4.472 Å, is also inside.
        let outer = shells(s.neighbors(of: 0, cutoff: 4.5))
        #expect(outer.map(\.count) == [6, 12, 8, 6, 24])
        #expect(isClose(outer.last?.distance ?? 0, 20.0.squareRoot(), tolerance: 1e-9))
        #expect(s.neighborList(cutoff: 4.5).count == 28)
        #expect(s.neighbors(of: 0, cutoff: 1.9).isEmpty)
    }

    @Test func cutoffIsInclusiveAndBadCutoffsAreEmpty() {
        let s = Structure(lattice: .cubic(2), species: ["Po"], fractionalPositions: [.zero])
        #expect(s.neighbors(of: 0, cutoff: 2).count == 6)
        #expect(s.neighbors(of: 0, cutoff: -1).isEmpty)
        #expect(s.neighbors(of: 0, cutoff: .infinity).isEmpty)
        #expect(s.neighbors(of: 0, cutoff: .nan).isEmpty)
        #expect(s.neighborList(cutoff: .nan).isEmpty)
    }

    @Test func neighborListOrderAndFlatCell() {
        let list = fccCu.neighborList(cutoff: 3.7)
        #expect(list.allSatisfy { $0.i <= $0.j })
        #expect(
            zip(list, list.dropFirst()).allSatisfy {
                ($0.i, $0.j) < ($1.i, $1.j) || (($0.i, $0.j) == ($1.i, $1.j) && $0.distance <= $1.distance)
            })
        // A cell of zero volume yields nothing rather than a crash or a hang.
        let flat = Structure(
            lattice: Lattice(a: SIMD3(1, 0, 0), b: SIMD3(2, 0, 0), c: SIMD3(0, 0, 1)),
            species: ["O", "H"], fractionalPositions: [.zero, SIMD3(0.1, 0.1, 0.1)])
        #expect(flat.neighbors(of: 0, cutoff: 3).isEmpty)
        #expect(flat.neighborList(cutoff: 3).isEmpty)
        #expect(flat.bonds().isEmpty)
    }

    @Test func imageAndVectorAreConsistent() {
        let s = Structure(
            lattice: Lattice(lengths: SIMD3(3, 4, 5), angles: SIMD3(80, 100, 65))!,
            species: ["O", "H"], fractionalPositions: [SIMD3(0.95, 0.1, 0.5), SIMD3(0.05, 0.95, 1.2)])
        for n in s.neighborList(cutoff: 7) {
            let image = SIMD3(Double(n.image.x), Double(n.image.y), Double(n.image.z))
            let v = s.lattice.cartesian(s.fractionalPositions[n.j] + image - s.fractionalPositions[n.i])
            #expect(isClose(v, n.vector, tolerance: 1e-10))
            #expect(isClose(v.length, n.distance, tolerance: 1e-10))
        }
    }

    /// Every (j, image) within `cutoff` of atom i by trying all images in −range…range.
    func bruteForce(_ s: Structure, _ i: Int, cutoff: Double, range: Int) -> [Neighbor] {
        var result: [Neighbor] = []
        for j in 0..<s.count {
            for x in -range...range {
                for y in -range...range {
                    for z in -range...range {
                        if i == j && x == 0 && y == 0 && z == 0 { continue }
                        let image = SIMD3(Double(x), Double(y), Double(z))
                        let v = s.lattice.cartesian(s.fractionalPositions[j] + image - s.fractionalPositions[i])
                        if v.length <= cutoff {
                            result.append(
                                Neighbor(
                                    i: i, j: j, distance: v.length, image: SIMD3(Int32(x), Int32(y), Int32(z)), vector: v))
                        }
                    }
                }
            }
        }
        return result
    }

    @Test func skewedCellMatchesBruteForce() {
        var g = SeededGenerator(seed: 99)
        let lattice = Lattice(a: SIMD3(2.5, 0, 0), b: SIMD3(2.2, 1.4, 0), c: SIMD3(-1.1, 0.9, 2.3))
        let positions = (0..<3).map { _ in randomVector(1, using: &g) }
        let s = Structure(lattice: lattice, species: ["A", "B", "C"], fractionalPositions: positions)
        // Plane spacings are ~1 Å, so a 5 Å cutoff reaches several cells out.
        #expect(lattice.planeSpacings.min() < 1.5)
        var total = 0
        for i in 0..<3 {
            let fast = s.neighbors(of: i, cutoff: 5)
            let slow = bruteForce(s, i, cutoff: 5, range: 12)
            #expect(fast.count == slow.count)
            #expect(
                Set(fast.map { [$0.j, Int($0.image.x), Int($0.image.y), Int($0.image.z)] })
                    == Set(slow.map { [$0.j, Int($0.image.x), Int($0.image.y), Int($0.image.z)] }))
            #expect(zip(fast, fast.dropFirst()).allSatisfy { $0.distance <= $1.distance })
            total += fast.count
        }
        #expect(total > 100)
        #expect(s.neighborList(cutoff: 5).count * 2 == total)
    }

    static let oh = 0.9572
    static let hoh = 104.52

    /// Water with O at `origin` (Cartesian, Å) in a 10 Å box, positions wrapped into the cell.
    func water(at origin: SIMD3<Double>, lattice: Lattice = .cubic(10)) -> Structure {
        let half = Self.hoh / 2 * Double.pi / 180
        let dx = Self.oh * sin(half)
        let dy = Self.oh * cos(half)
        let cartesian = [origin, origin + SIMD3(dx, dy, 0), origin + SIMD3(-dx, dy, 0)]
        let fractional = cartesian.map { r -> SIMD3<Double> in
            let f = lattice.fractional(r)
            return f - f.rounded(.down)
        }
        return Structure(lattice: lattice, species: ["O", "H", "H"], fractionalPositions: fractional)
    }

    @Test func waterAngle() {
        let w = water(at: SIMD3(5, 5, 5))
        #expect(isClose(w.angle(1, 0, 2), Self.hoh, tolerance: 1e-9))
        #expect(isClose(w.angle(2, 0, 1), Self.hoh, tolerance: 1e-9))
        // The angle at a hydrogen: (180 − 104.52)/2.
        #expect(isClose(w.angle(0, 1, 2), (180 - Self.hoh) / 2, tolerance: 1e-9))
        #expect(w.angle(1, 1, 2) == 0)
    }

    @Test func angleAcrossTheBoundaryUsesMinimumImage() {
        // O at x = 0.2 Å: one H sits across the x = 0 face and is stored near x = 9.4 Å.
        let w = water(at: SIMD3(0.2, 9.8, 5))
        #expect(w.fractionalPositions[2].x > 0.9)
        #expect(isClose(w.angle(1, 0, 2), Self.hoh, tolerance: 1e-9))
        #expect(isClose(w.distance(0, 2), Self.oh, tolerance: 1e-9))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
