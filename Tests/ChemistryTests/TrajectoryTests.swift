import Testing

@testable import Chemistry

@Suite struct TrajectoryTests {
    static func frame(_ x: Double, lattice: Lattice = .cubic(5), species: [String] = ["Li", "O"]) -> Structure {
        Structure(lattice: lattice, species: species, fractionalPositions: species.indices.map { SIMD3(x, 0.1 * Double($0), 0) })
    }

    @Test func concatenatesStructuresIntoFlatFrames() throws {
        let t = try Trajectory(structures: [Self.frame(0.1), Self.frame(0.2), Self.frame(0.3)])
        #expect(t.frameCount == 3)
        #expect(t.atomCount == 2)
        #expect(!t.hasVariableCell)
        #expect(t.fractionalPositions.count == 18)
        #expect(t.fractionalPosition(frame: 2, atom: 1) == SIMD3(0.3, 0.1, 0))
        #expect(t.structure(at: 1) == Self.frame(0.2))
        #expect(t.frameNumbers == [1, 2, 3])
    }

    @Test func aChangingCellBecomesPerFrame() throws {
        let t = try Trajectory(structures: [Self.frame(0.1), Self.frame(0.1), Self.frame(0.1, lattice: .cubic(5.1))])
        #expect(t.hasVariableCell)
        #expect(t.lattice(at: 0) == .cubic(5))
        #expect(t.lattice(at: 2) == .cubic(5.1))
        #expect(t.cell == .variable([.cubic(5), .cubic(5), .cubic(5.1)]))
    }

    @Test func framesMustHoldTheSameAtoms() {
        #expect(throws: TrajectoryError.noFrames) { try Trajectory(structures: []) }
        #expect(throws: TrajectoryError.atomCountMismatch(frame: 1, expected: 2, found: 1)) {
            try Trajectory(structures: [Self.frame(0.1), Self.frame(0.1, species: ["Li"])])
        }
        #expect(throws: TrajectoryError.speciesMismatch(frame: 1, atom: 1, expected: "O", found: "F")) {
            try Trajectory(structures: [Self.frame(0.1), Self.frame(0.1, species: ["Li", "F"])])
        }
        #expect(
            TrajectoryError.speciesMismatch(frame: 1, atom: 1, expected: "O", found: "F").description
                == "atom 2 of frame 2 is F, expected O as in frame 1")
    }

    @Test func frameSelections() {
        #expect(FrameSelection.all.indices(frameCount: 4) == [0, 1, 2, 3])
        #expect(FrameSelection(parsing: "1:")?.indices(frameCount: 4) == [1, 2, 3])
        #expect(FrameSelection(parsing: "::2")?.indices(frameCount: 5) == [0, 2, 4])
        #expect(FrameSelection(parsing: "-2:")?.indices(frameCount: 5) == [3, 4])
        #expect(FrameSelection(parsing: "1:-1")?.indices(frameCount: 5) == [1, 2, 3])
        #expect(FrameSelection(parsing: "7")?.indices(frameCount: 10) == [7])
        #expect(FrameSelection(parsing: "-1")?.indices(frameCount: 10) == [9])
        #expect(FrameSelection(parsing: "20:")?.indices(frameCount: 10) == [])
        #expect(FrameSelection(parsing: "::0") == nil)
        #expect(FrameSelection(parsing: "a:b") == nil)
        #expect(FrameSelection(parsing: "1:2:3:4") == nil)
        #expect(FrameSelection(start: 3, end: 9, stride: 2).description == "3:9:2")
    }
}
