import Testing

@testable import Chemistry

@Suite struct VolumetricGridTests {
    @Test func vaspOrderIsXFastest() throws {
        let values = ContiguousArray((0..<24).map(Double.init))
        let grid = try #require(VolumetricGrid(dimensions: SIMD3(2, 3, 4), lattice: .cubic(2), values: values))
        #expect(grid.index(1, 0, 0) == 1)
        #expect(grid.index(0, 1, 0) == 2)
        #expect(grid.index(0, 0, 1) == 6)
        #expect(grid[1, 2, 3] == 23)
        // Periodic indices.
        #expect(grid[-1, -1, -1] == 23)
        #expect(grid[2, 3, 4] == 0)
        #expect(grid.fractional(1, 1, 2) == SIMD3(0.5, 1.0 / 3, 0.5))
        // The same buffer as a row-major [nz, ny, nx] array.
        let shaped = grid.shapedArray
        #expect(shaped.shape == [4, 3, 2])
        #expect(shaped[3, 2, 1] == 23)
    }

    @Test func countsMustAgree() {
        #expect(VolumetricGrid(dimensions: SIMD3(2, 2, 2), lattice: .cubic(1), values: [1, 2, 3]) == nil)
        #expect(VolumetricGrid(dimensions: SIMD3(0, 2, 2), lattice: .cubic(1), values: []) == nil)
        #expect(VolumetricGrid.pointCount(SIMD3(Int.max, 2, 1)) == nil)
        #expect(VolumetricGrid.pointCount(SIMD3(60, 60, 60)) == 216_000)
    }

    /// ρ·V convention: the mean of the values is the electron count, a value / V is ρ in e/Å³.
    @Test func chargeConvention() throws {
        var grid = VolumetricGrid(dimensions: SIMD3(2, 2, 2), lattice: .cubic(2), repeating: 8)
        #expect(grid.mean == 8)
        #expect(grid.voxelVolume == 1)
        #expect(grid.density(at: 0, 0, 0) == 1)
        grid[1, 1, 1] = 16
        #expect(grid.sum == 72)
        grid.transformValues { $0 / 8 }
        #expect(grid.mean == 1.125)
    }

    @Test func compensatedSumKeepsSmallTerms() {
        let values: ContiguousArray<Double> = [1e16, 1, -1e16, 1] + ContiguousArray(repeating: 0.1, count: 10)
        #expect(VolumetricGrid.compensatedSum(values) == 3)
    }
}
