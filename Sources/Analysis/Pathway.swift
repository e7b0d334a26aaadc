/// One elementary step of a reaction pathway (e.g. "N–S cleavage" of TFSI⁻).
public struct PathwayStep: Sendable, Hashable {
    /// The step's name, by which steps are matched across catalysts (e.g. `N–S cleavage`).
    public var name: String
    /// ΔE = E(final) − E(initial) of the step (eV), when known.
    public var reactionEnergy: Double?
    /// Forward barrier E(TS) − E(initial) (eV), when an NEB (or other TS search) gave one.
    public var barrier: Double?

    /// A step with its ΔE and forward barrier (eV), each when known.
    public init(name: String, reactionEnergy: Double? = nil, barrier: Double? = nil) {
        self.name = name
        self.reactionEnergy = reactionEnergy
        self.barrier = barrier
    }

    /// Reverse barrier E(TS) − E(final) = barrier − ΔE (eV).
    public var reverseBarrier: Double? {
        guard let barrier, let reactionEnergy else { return nil }
        return barrier - reactionEnergy
    }
}

/// An ordered sequence of steps on one catalyst (seed Fig. 2e–f: four electron-driven TFSI⁻
/// decomposition steps on MOF, CoPc and MOF@CoPc).
public struct Pathway: Sendable, Hashable {
    /// The catalyst (or surface) the steps run on.
    public var catalyst: String
    /// The steps in order; each step's final state is the next step's initial state.
    public var steps: [PathwayStep]

    /// The pathway of `steps` on `catalyst`.
    public init(catalyst: String, steps: [PathwayStep]) {
        self.catalyst = catalyst
        self.steps = steps
    }

    /// The energy profile: the level of each intermediate relative to the initial state (cumulative
    /// ΔE, eV; `levels[0] = 0`) and the transition-state height of each step (level before + barrier).
    /// A step without ΔE ends the profile (later levels are `nil`).
    public var profile: (levels: [Double?], transitionStates: [Double?]) {
        var levels: [Double?] = [0]
        var states: [Double?] = []
        for step in steps {
            let before = levels[levels.count - 1]
            states.append(before.flatMap { b in step.barrier.map { b + $0 } })
            levels.append(before.flatMap { b in step.reactionEnergy.map { b + $0 } })
        }
        return (levels, states)
    }
}

/// Which step limits the pathway, and by which rule.
public struct RateDeterminingStep: Sendable, Hashable {
    /// Index of the step (0-based).
    public var index: Int
    /// The value that decided (eV).
    public var value: Double
    /// `highest barrier` (every step has a barrier), `highest barrier, missing barriers bounded by max(ΔE, 0)`,
    /// or `most endergonic step` (no barrier known).
    public var rule: String
}

/// The rate-determining step: the step with the highest forward barrier (the energetic-span picture with
/// each step starting from its own initial state). Steps without a barrier count with max(ΔE, 0), a lower
/// bound of their barrier, and the rule says so; with no barrier at all, the most endergonic step
/// (the thermodynamic, potential-determining step). `nil` when no step has a number.
public func rateDeterminingStep(_ pathway: Pathway) -> RateDeterminingStep? {
    let steps = pathway.steps
    let barriers = steps.map(\.barrier)
    if barriers.allSatisfy({ $0 == nil }) {
        let candidates = steps.indices.compactMap { i in steps[i].reactionEnergy.map { (i, $0) } }
        guard let top = candidates.max(by: { $0.1 < $1.1 }) else { return nil }
        return RateDeterminingStep(index: top.0, value: top.1, rule: "most endergonic step (no barrier known)")
    }
    let complete = barriers.allSatisfy { $0 != nil }
    let effective = steps.indices.compactMap { i -> (Int, Double)? in
        if let b = steps[i].barrier { return (i, b) }
        return steps[i].reactionEnergy.map { (i, max($0, 0)) }
    }
    guard let top = effective.max(by: { $0.1 < $1.1 }) else { return nil }
    return RateDeterminingStep(
        index: top.0, value: top.1,
        rule: complete ? "highest barrier" : "highest barrier, missing barriers bounded by max(ΔE, 0)")
}

/// Several catalysts side by side (seed Table S2): the union of step names in order of first appearance,
/// and for each step and catalyst its ΔE and barrier (`nil` where a catalyst lacks the step or the number).
public struct PathwayComparison: Sendable, Hashable {
    /// The catalysts in the order the pathways were given (one column each).
    public var catalysts: [String]
    /// The union of the step names in order of first appearance (one row each).
    public var stepNames: [String]
    /// `reactionEnergies[step][catalyst]` (eV).
    public var reactionEnergies: [[Double?]]
    /// `barriers[step][catalyst]` (eV).
    public var barriers: [[Double?]]
    /// The rate-determining step of each catalyst (its index is into that catalyst's own steps).
    public var rateDetermining: [RateDeterminingStep?]
    /// The name of each catalyst's rate-determining step.
    public var rateDeterminingNames: [String?]
}

/// Builds the side-by-side comparison of `pathways`.
public func comparePathways(_ pathways: [Pathway]) -> PathwayComparison {
    var names: [String] = []
    for p in pathways { for s in p.steps where !names.contains(s.name) { names.append(s.name) } }
    func value(_ name: String, _ p: Pathway, _ key: (PathwayStep) -> Double?) -> Double? {
        p.steps.first { $0.name == name }.flatMap(key)
    }
    return PathwayComparison(
        catalysts: pathways.map(\.catalyst), stepNames: names,
        reactionEnergies: names.map { n in pathways.map { value(n, $0, \.reactionEnergy) } },
        barriers: names.map { n in pathways.map { value(n, $0, \.barrier) } },
        rateDetermining: pathways.map(rateDeterminingStep),
        rateDeterminingNames: pathways.map { p in rateDeterminingStep(p).map { p.steps[$0.index].name } })
}
