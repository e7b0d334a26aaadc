import Analysis
import Testing

/// Pathways: energy profile, rate-determining step and the side-by-side comparison (seed Fig. 2f / Table S2 shape).
@Suite struct PathwayTests {
    static let mof = Pathway(
        catalyst: "MOF",
        steps: [
            PathwayStep(name: "N–S cleavage", reactionEnergy: -0.4, barrier: 0.9),
            PathwayStep(name: "CF3 release", reactionEnergy: 0.2, barrier: 1.1),
            PathwayStep(name: "CF2 + F", reactionEnergy: -0.3, barrier: 0.7),
            PathwayStep(name: "LiF", reactionEnergy: -1.5, barrier: 0.2)
        ])
    static let copc = Pathway(
        catalyst: "CoPc",
        steps: [
            PathwayStep(name: "N–S cleavage", reactionEnergy: -0.6, barrier: 0.6),
            PathwayStep(name: "CF3 release", reactionEnergy: 0.1, barrier: nil),
            PathwayStep(name: "CF2 + F", reactionEnergy: 0.8, barrier: 0.5)
        ])

    @Test func profileLevelsAndTransitionStates() {
        let (levels, ts) = Self.mof.profile
        let expectedLevels = [0, -0.4, -0.2, -0.5, -2.0]
        for (l, e) in zip(levels, expectedLevels) { #expect(abs((l ?? .nan) - e) < 1e-12) }
        let expectedTS = [0.9, 0.7, 0.5, -0.3]
        for (t, e) in zip(ts, expectedTS) { #expect(abs((t ?? .nan) - e) < 1e-12) }
        #expect(abs((Self.mof.steps[1].reverseBarrier ?? .nan) - 0.9) < 1e-12)
    }

    @Test func rateDeterminingStepRules() throws {
        let mof = try #require(rateDeterminingStep(Self.mof))
        #expect(mof.index == 1 && mof.rule == "highest barrier")
        // A missing barrier counts with max(ΔE, 0) and the rule says so.
        let copc = try #require(rateDeterminingStep(Self.copc))
        #expect(copc.index == 0 && copc.rule.contains("missing barriers"))
        let thermo = Pathway(catalyst: "x", steps: [PathwayStep(name: "a", reactionEnergy: 0.3), PathwayStep(name: "b", reactionEnergy: 0.5)])
        let t = try #require(rateDeterminingStep(thermo))
        #expect(t.index == 1 && t.rule.contains("endergonic"))
        #expect(rateDeterminingStep(Pathway(catalyst: "y", steps: [PathwayStep(name: "a")])) == nil)
    }

    @Test func catalystsSideBySide() {
        let table = comparePathways([Self.mof, Self.copc])
        #expect(table.catalysts == ["MOF", "CoPc"])
        #expect(table.stepNames == ["N–S cleavage", "CF3 release", "CF2 + F", "LiF"])
        #expect(table.barriers[0] == [0.9, 0.6])
        #expect(table.barriers[1] == [1.1, nil])
        #expect(table.barriers[3] == [0.2, nil])
        #expect(table.rateDetermining.map { $0?.index } == [1, 0])
    }
}
